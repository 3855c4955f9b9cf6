from django.db import migrations

from reviews.crosswalk import load_crosswalk_vocabulary, tag_starting_criteria

# The framework row may only move through its life cycle once published (published -> retired,
# which version is live); every other column, including any added later, is compared as a whole
# row, so a new setting is guarded without editing this list.
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
    IF NEW.status = 'draft'
       OR (to_jsonb(NEW) - 'status' - 'is_live') IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'is_live') THEN
        RAISE EXCEPTION 'framework % v% is published and cannot be changed; make a new version', OLD.name, OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

# The crosswalk tags of a criterion are part of the framework version, like its descriptors.
TAGS_GUARD = """
CREATE TRIGGER reviews_criterion_crosswalk_tags_guard BEFORE INSERT OR UPDATE OR DELETE
    ON reviews_criterion_crosswalk_tags
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_part_guard('criterion');
"""
TAGS_GUARD_BACKWARDS = "DROP TRIGGER reviews_criterion_crosswalk_tags_guard ON reviews_criterion_crosswalk_tags;"


def load_vocabulary_and_tag_the_starting_framework(apps, schema_editor):
    load_crosswalk_vocabulary(apps)
    Framework = apps.get_model("reviews", "Framework")
    # The starting version is tagged as part of introducing the crosswalk, before the guard on its
    # tags exists; from then on tags change only in drafts.
    for framework in Framework.objects.filter(version=1):
        tag_starting_criteria(apps, framework)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_accreditation_cycle_and_crosswalk")]

    operations = [
        migrations.RunSQL(FRAMEWORK_GUARD, migrations.RunSQL.noop),
        migrations.RunPython(load_vocabulary_and_tag_the_starting_framework, migrations.RunPython.noop),
        migrations.RunSQL(TAGS_GUARD, TAGS_GUARD_BACKWARDS),
    ]
