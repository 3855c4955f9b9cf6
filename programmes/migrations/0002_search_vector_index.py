from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [
        # Serves the directory's full-text search (programmes.search).
        migrations.RunSQL(
            "CREATE INDEX programme_search_vector ON programmes_programme USING gin (search_vector);",
            "DROP INDEX programme_search_vector;",
        ),
    ]
