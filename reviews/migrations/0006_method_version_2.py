from decimal import Decimal

import django.core.validators
from django.db import migrations, models

from reviews.migrations._starting_framework import use_method_version_2

# The guard of 0003, comparing the method's new settings too: a published version's method never
# changes.
FRAMEWORK_GUARD = """
CREATE OR REPLACE FUNCTION reviews_framework_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'framework % v% is published and cannot be deleted', OLD.name, OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- Only the life-cycle columns may move: published -> retired, and which version is live.
    IF NEW.status = 'draft'
       OR (NEW.name, NEW.version, NEW.prior_weight, NEW.min_reviews, NEW.disagreement_levels,
           NEW.not_rated_label, NEW.description, NEW.published_at, NEW.band_score, NEW.moderation_element_gap)
          IS DISTINCT FROM
          (OLD.name, OLD.version, OLD.prior_weight, OLD.min_reviews, OLD.disagreement_levels,
           OLD.not_rated_label, OLD.description, OLD.published_at, OLD.band_score, OLD.moderation_element_gap) THEN
        RAISE EXCEPTION 'framework % v% is published and cannot be changed; make a new version', OLD.name, OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def starting_framework_uses_method_version_2(apps, schema_editor):
    use_method_version_2(apps)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_notification_owed_index")]

    operations = [
        # Versions published before this migration were rated by method version 1: they keep it.
        migrations.AddField(
            model_name="framework",
            name="band_score",
            field=models.CharField(
                choices=[
                    ("raw", "The raw overall, with element floors (method version 2)"),
                    ("shown", "The shown (shrunk) score (method version 1)"),
                ],
                db_default="shown",
                default="raw",
                max_length=8,
            ),
        ),
        migrations.AlterField(
            model_name="framework",
            name="band_score",
            field=models.CharField(
                choices=[
                    ("raw", "The raw overall, with element floors (method version 2)"),
                    ("shown", "The shown (shrunk) score (method version 1)"),
                ],
                db_default="raw",
                default="raw",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="framework",
            name="moderation_element_gap",
            field=models.DecimalField(
                db_default=Decimal("1"),
                decimal_places=2,
                default=Decimal("1"),
                help_text="Submitted reviews whose means on one element differ by this much flag a programme for moderation.",
                max_digits=4,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
            ),
        ),
        migrations.AddField(
            model_name="band",
            name="element_floor",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=4, null=True),
        ),
        migrations.RunSQL(FRAMEWORK_GUARD, migrations.RunSQL.noop),
        migrations.RunPython(starting_framework_uses_method_version_2, migrations.RunPython.noop),
    ]
