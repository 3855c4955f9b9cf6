from importlib import import_module

from django.db import migrations

FRAMEWORK_GUARD = import_module("reviews.migrations.0007_crosswalk_vocabulary_and_immutable_parts").FRAMEWORK_GUARD

# Several branches redefined the framework guard, each listing its own columns; this one runs after
# all of them, so the whole-row comparison (every column but the life cycle, including any a later
# migration adds) is the definition that stands.


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0011_notification_kinds_of_both_branches"),
        ("reviews", "0006_calibration_settings_and_affiliation_recorded_at"),
        ("reviews", "0006_method_version_2"),
        ("reviews", "0007_crosswalk_vocabulary_and_immutable_parts"),
    ]

    operations = [migrations.RunSQL(FRAMEWORK_GUARD, migrations.RunSQL.noop)]
