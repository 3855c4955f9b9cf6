from django.db import migrations

from reviews.migrations._starting_framework import load_starting_framework


def load(apps, schema_editor):
    load_starting_framework(apps)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
