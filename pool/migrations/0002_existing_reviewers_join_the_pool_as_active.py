"""Reviewers who were in the reviewers' group before the pool existed keep being assignable: each
joins the pool as active, counted as calibrated on the framework that was live at the time."""

from django.db import migrations


def existing_reviewers_join_the_pool(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Framework = apps.get_model("reviews", "Framework")
    ReviewerProfile = apps.get_model("pool", "ReviewerProfile")
    group = Group.objects.filter(name="reviewer").first()
    if group is None:
        return
    live = Framework.objects.filter(is_live=True).first()
    ReviewerProfile.objects.bulk_create(
        [
            ReviewerProfile(reviewer_id=user_id, status="active", calibrated_for=live, phases=63, focus_levels=31)
            for user_id in group.user_set.values_list("id", flat=True)
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pool", "0001_reviewer_pool"),
        ("qaportal", "0001_create_role_groups"),
        ("reviews", "0006_calibration_settings_and_affiliation_recorded_at"),
    ]

    operations = [migrations.RunPython(existing_reviewers_join_the_pool, migrations.RunPython.noop)]
