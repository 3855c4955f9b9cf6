from django.db import migrations

# The models refuse to change a published framework; these triggers make the database refuse
# too, whatever path a write takes (admin, shell, raw SQL, a future bug).
FORWARDS = """
CREATE FUNCTION reviews_framework_guard() RETURNS trigger AS $$
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
           NEW.not_rated_label, NEW.description, NEW.published_at)
          IS DISTINCT FROM
          (OLD.name, OLD.version, OLD.prior_weight, OLD.min_reviews, OLD.disagreement_levels,
           OLD.not_rated_label, OLD.description, OLD.published_at) THEN
        RAISE EXCEPTION 'framework % v% is published and cannot be changed; make a new version', OLD.name, OLD.version
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reviews_framework_guard BEFORE UPDATE OR DELETE ON reviews_framework
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_guard();

-- Parts of a framework (elements, levels, bands, criteria, descriptors) find their framework by
-- the path named in the trigger's argument.
CREATE FUNCTION reviews_framework_part_guard() RETURNS trigger AS $$
DECLARE
    part jsonb := to_jsonb(COALESCE(NEW, OLD));
    owning_framework_id bigint;
BEGIN
    IF TG_ARGV[0] = 'framework' THEN
        owning_framework_id := (part->>'framework_id')::bigint;
    ELSIF TG_ARGV[0] = 'element' THEN
        SELECT framework_id INTO owning_framework_id FROM reviews_element WHERE id = (part->>'element_id')::bigint;
    ELSE
        SELECT e.framework_id INTO owning_framework_id
        FROM reviews_criterion c JOIN reviews_element e ON e.id = c.element_id
        WHERE c.id = (part->>'criterion_id')::bigint;
    END IF;
    IF EXISTS (SELECT 1 FROM reviews_framework WHERE id = owning_framework_id AND status <> 'draft') THEN
        RAISE EXCEPTION 'a published framework version cannot be changed (% on %); make a new version',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reviews_element_guard BEFORE INSERT OR UPDATE OR DELETE ON reviews_element
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_part_guard('framework');
CREATE TRIGGER reviews_scorelevel_guard BEFORE INSERT OR UPDATE OR DELETE ON reviews_scorelevel
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_part_guard('framework');
CREATE TRIGGER reviews_band_guard BEFORE INSERT OR UPDATE OR DELETE ON reviews_band
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_part_guard('framework');
CREATE TRIGGER reviews_criterion_guard BEFORE INSERT OR UPDATE OR DELETE ON reviews_criterion
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_part_guard('element');
CREATE TRIGGER reviews_leveldescriptor_guard BEFORE INSERT OR UPDATE OR DELETE ON reviews_leveldescriptor
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_part_guard('criterion');
"""

BACKWARDS = """
DROP TRIGGER reviews_framework_guard ON reviews_framework;
DROP TRIGGER reviews_element_guard ON reviews_element;
DROP TRIGGER reviews_scorelevel_guard ON reviews_scorelevel;
DROP TRIGGER reviews_band_guard ON reviews_band;
DROP TRIGGER reviews_criterion_guard ON reviews_criterion;
DROP TRIGGER reviews_leveldescriptor_guard ON reviews_leveldescriptor;
DROP FUNCTION reviews_framework_guard();
DROP FUNCTION reviews_framework_part_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_load_starting_framework")]

    operations = [migrations.RunSQL(FORWARDS, BACKWARDS)]
