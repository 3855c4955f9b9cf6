"""The change log watches what the public pages came to show after its triggers were written: a
programme's local authorities, the range of its reviewers' own overalls, its evidence portfolio
(replaced when a convenor approves a change to it) and whether it is under re-review. Without
them those pages would keep answering 304 with what they showed before."""

import importlib

from django.db import migrations

triggers = importlib.import_module("programmes.migrations.0007_directory_change_triggers")

PROGRAMME_COLUMNS = triggers.TABLES["programmes_programme"][4] + " local_authorities"
RATING_COLUMNS = triggers.TABLES["ratings_programmerating"][4] + " lowest_review_overall highest_review_overall"
WATCHED = {
    "programmes_programme": (*triggers.TABLES["programmes_programme"][:4], PROGRAMME_COLUMNS),
    "ratings_programmerating": (*triggers.TABLES["ratings_programmerating"][:4], RATING_COLUMNS),
    "programmes_evidencestatement": ("programmes", "{r}.programme_id", None, ["id"], "element statement links programme_id"),
    "reviews_rereview": ("programmes", "{r}.programme_id", None, ["id"], "reason opened_at closed_at programme_id"),
}  # fmt: skip
REPLACED = ["programmes_programme", "ratings_programmerating"]


def table_sql(table: str, spec: tuple) -> str:
    saved = triggers.TABLES.get(table)
    triggers.TABLES[table] = spec
    try:
        return triggers.table_sql(table)
    finally:
        if saved is None:
            del triggers.TABLES[table]
        else:
            triggers.TABLES[table] = saved


FORWARD = "".join(triggers.drop_sql(table) for table in REPLACED) + "".join(
    table_sql(table, spec) for table, spec in WATCHED.items()
)
BACKWARD = "".join(triggers.drop_sql(table) for table in WATCHED) + "".join(
    triggers.table_sql(table) for table in REPLACED
)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0009_merge_20261201_1257"),
        ("ratings", "0006_range_of_the_reviewers_overalls"),
        ("reviews", "0014_merge_20261201_1240"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
