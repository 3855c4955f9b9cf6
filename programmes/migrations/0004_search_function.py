from django.db import migrations

# The directory's search, as functions so that one setting can apply to them alone. Matching a
# broad term through the GIN index and then the matching rows (a bitmap scan) takes 34 ms where
# the seq scan the planner prefers takes 72-82 ms: the planner prices the bitmap's page reads as
# disk reads, but these 90 MB are in memory. Ids and ranks come back packed as binary (big-endian
# int8 and float4, concatenated; see programmes.selectors.matching_ids).
FUNCTIONS = """
CREATE FUNCTION programmes_search_published(query tsquery) RETURNS bytea
LANGUAGE sql STABLE SET enable_seqscan = off AS $$
    SELECT string_agg(int8send(programme_id), '')
    FROM programmes_publishedsearchdocument WHERE document @@ query
$$;

CREATE FUNCTION programmes_search_published_ranked(query tsquery, OUT ids bytea, OUT ranks bytea)
LANGUAGE sql STABLE SET enable_seqscan = off AS $$
    SELECT string_agg(int8send(programme_id), ''), string_agg(float4send(ts_rank(document, query)), '')
    FROM programmes_publishedsearchdocument WHERE document @@ query
$$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION programmes_search_published(tsquery);
DROP FUNCTION programmes_search_published_ranked(tsquery);
"""


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_published_search_document")]

    operations = [migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS)]
