"""Turning what a school leader types into a full-text query on the stored search vector.

Web-search syntax (quoted phrases, ``-word``, ``or``) is parsed by PostgreSQL's
``websearch_to_tsquery`` with English stemming. Each lexeme then becomes a prefix match, because
stemming alone does not join related words: "leaders" stems to ``leader`` but "leadership" stays
``leadership``; ``leader:*`` finds both. The stemmed query is re-read with the ``simple``
configuration so the stems are not stemmed a second time.
"""

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q

PREFIX_QUERY_SQL = (
    "to_tsquery('simple', regexp_replace(websearch_to_tsquery('english', %s)::text, "
    "'(''(?:[^'']|'''')+'')', '\\1:*', 'g'))"
)


class PrefixWebSearchQuery(SearchQuery):
    """A ``SearchQuery`` whose every term also matches longer words that start with its stem."""

    def __init__(self, value: str, **kwargs):
        self.text = value
        super().__init__(value, **kwargs)

    def as_sql(self, compiler, connection, **extra):
        return PREFIX_QUERY_SQL, [self.text]


def has_search_terms(text: str | None) -> bool:
    return any(character.isalnum() for character in text or "")


def search_condition(text: str) -> Q:
    """Programmes matching the text, through the indexed search vector."""
    return Q(search_vector=PrefixWebSearchQuery(text))
