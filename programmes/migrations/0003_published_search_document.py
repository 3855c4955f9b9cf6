import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Mirrors published programmes' search vectors into the narrow search table, whatever path a
# write takes (services, admin, raw SQL, the demo's bulk load). 'published' is
# ProgrammeStatus.PUBLISHED.
MIRROR = """
CREATE FUNCTION programmes_mirror_search_document() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND NEW.id <> OLD.id) THEN
        DELETE FROM programmes_publishedsearchdocument WHERE programme_id = OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN NULL;
    END IF;
    IF NEW.status = 'published' AND NEW.search_vector IS NOT NULL THEN
        INSERT INTO programmes_publishedsearchdocument (programme_id, document)
        VALUES (NEW.id, NEW.search_vector)
        ON CONFLICT (programme_id) DO UPDATE SET document = EXCLUDED.document
        WHERE programmes_publishedsearchdocument.document IS DISTINCT FROM EXCLUDED.document;
    ELSE
        DELETE FROM programmes_publishedsearchdocument WHERE programme_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER programmes_mirror_search_document
    AFTER INSERT OR DELETE OR UPDATE OF id, status, search_vector ON programmes_programme
    FOR EACH ROW EXECUTE FUNCTION programmes_mirror_search_document();

INSERT INTO programmes_publishedsearchdocument (programme_id, document)
SELECT id, search_vector FROM programmes_programme WHERE status = 'published' AND search_vector IS NOT NULL;

CREATE INDEX published_search_document ON programmes_publishedsearchdocument USING gin (document);
"""
UNMIRROR = """
DROP TRIGGER programmes_mirror_search_document ON programmes_programme;
DROP FUNCTION programmes_mirror_search_document();
"""


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_search_vector_index")]

    operations = [
        migrations.CreateModel(
            name="PublishedSearchDocument",
            fields=[
                (
                    "programme",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="programmes.programme",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunSQL(MIRROR, UNMIRROR),
    ]
