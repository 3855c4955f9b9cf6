"""The stored full-text search vector of programmes.

Weighted title (A) > provider name (B) > summary, outcomes and evidence base (C), with English
stemming. Kept in a column with a GIN index so a search reads an index instead of parsing
every programme's text per query. Refreshed set-based, for one programme or for all.
"""

from collections.abc import Iterable

from django.db import connection

REFRESH_SQL = """
UPDATE programmes_programme AS programme
SET search_vector =
      setweight(to_tsvector('english', programme.title), 'A')
   || setweight(to_tsvector('english', provider.name), 'B')
   || setweight(to_tsvector('english', concat_ws(' ', programme.summary, programme.target_staff,
                                                 programme.intended_outcomes, programme.evidence_base)), 'C')
FROM providers_provider AS provider
WHERE provider.id = programme.provider_id
"""


def refresh_search_vectors(
    *, programme_ids: Iterable[int] | None = None, provider_ids: Iterable[int] | None = None
) -> int:
    """Recompute the search vector of the given programmes (or of all). Returns rows updated."""
    sql, params = REFRESH_SQL, []
    if programme_ids is not None:
        sql += " AND programme.id = ANY(%s)"
        params.append(list(programme_ids))
    if provider_ids is not None:
        sql += " AND programme.provider_id = ANY(%s)"
        params.append(list(provider_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
