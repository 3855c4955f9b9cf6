from django.db import migrations

ROLE_GROUPS = ["provider-editor", "reviewer", "convenor"]


def create_role_groups(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
