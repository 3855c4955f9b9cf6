"""The criterion mapping: a score given on any framework version counts under the criterion of
the version a rating uses that has the same element key and criterion code.

Written once, as the database view ``ratings_criterion_map`` (made by this app's migrations). The
engine (and so the preview), the moderation check and the explanation page join it in SQL;
reviewer agreement reads it through ``criteria_onto``. A framework editor's draft is a version like any other, so the
same view maps the register's scores onto a draft for the publication preview.
"""

from django.db import connection


def criteria_onto(framework_id: int) -> dict[int, int]:
    """Every framework version's criterion id → the id of the matching criterion of
    ``framework_id`` (criteria with no match are left out)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT source_criterion_id, criterion_id FROM ratings_criterion_map WHERE framework_id = %s",
            [framework_id],
        )
        return dict(cursor.fetchall())
