"""Triggers that write the directory change log (``DirectoryChange``) in the transaction of every
change the public pages show, and of nothing else.

Why triggers: publishing, withdrawal and edits go through the ORM, but the ratings engine
recomputes with set-based SQL, so only the database sees every write. Statement-level triggers
with transition tables write one log row per statement, however many rows it changed, and only
when a row the public sees changed: a shown column differs (bookkeeping columns such as
``updated_at`` are left out) for a programme that is public before or after (published, or
withdrawn after publication), or for a provider. A draft edit or a review in progress changes
no public row and logs nothing.
"""

from django.db import migrations

PUBLIC = """
CREATE FUNCTION directory_public(status text, published_at text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT status = 'published' OR (status = 'withdrawn' AND published_at IS NOT NULL)
$$;

CREATE FUNCTION directory_public_programme(programme bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM programmes_programme p
                   WHERE p.id = programme AND directory_public(p.status, p.published_at::text))
$$;

CREATE FUNCTION directory_log(programmes bigint[], providers bigint[], everything boolean, source text)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO programmes_directorychange (programme_ids, provider_ids, everything, source, changed_at)
    SELECT coalesce(programmes, '{}'), coalesce(providers, '{}'), everything, source, now()
    WHERE everything OR cardinality(programmes) > 0 OR cardinality(providers) > 0
$$;
"""

# table: (which log column its key fills, key expression over the row as jsonb ``j``, when a
# changed row is shown, the columns that are not shown).
TABLES = {
    "programmes_programme": (
        "programmes", "(j->>'id')::bigint", "directory_public(j->>'status', j->>'published_at')",
        ["updated_at", "created_at", "submitted_at"],
    ),
    "providers_provider": ("providers", "(j->>'id')::bigint", "true", ["updated_at", "created_at"]),
    "ratings_providerrating": ("providers", "(j->>'provider_id')::bigint", "true", ["computed_at"]),
    "ratings_programmerating": ("programmes", "(j->>'programme_id')::bigint", None, ["computed_at"]),
    "ratings_ratingvalidity": ("programmes", "(j->>'programme_id')::bigint", None, []),
    "ratings_elementrating": ("programmes", "(j->>'programme_id')::bigint", None, []),
    "ratings_criterionrating": ("programmes", "(j->>'programme_id')::bigint", None, []),
    "ratings_ratinghistory": ("programmes", "(j->>'programme_id')::bigint", None, []),
    "programmes_providerresponse": ("programmes", "(j->>'programme_id')::bigint", None, []),
    "feedback_participantrating": ("programmes", "(j->>'programme_id')::bigint", None, ["computed_at"]),
    "reviews_concern": ("programmes", "(j->>'programme_id')::bigint", "j->>'status' = 'upheld'", []),
    "feedback_participantresponse": (
        "programmes", "(SELECT programme_id FROM feedback_feedbackround WHERE id = (j->>'round_id')::bigint)",
        "j->>'comment_status' = 'approved'", [],
    ),
}  # fmt: skip

FUNCTION = """
CREATE FUNCTION directory_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE keys bigint[];
BEGIN
    -- The rows whose shown columns differ between before and after (either side of an update).
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT {key}) INTO keys FROM (SELECT to_jsonb(r) - '{{{hidden}}}'::text[] AS j
            FROM new_rows r) changed WHERE {shown};
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT {key}) INTO keys FROM (SELECT to_jsonb(r) - '{{{hidden}}}'::text[] AS j
            FROM old_rows r) changed WHERE {shown};
    ELSE
        SELECT array_agg(DISTINCT {key}) INTO keys FROM (
            (SELECT to_jsonb(r) - '{{{hidden}}}'::text[] AS j FROM new_rows r
             EXCEPT SELECT to_jsonb(r) - '{{{hidden}}}'::text[] FROM old_rows r)
            UNION
            (SELECT to_jsonb(r) - '{{{hidden}}}'::text[] FROM old_rows r
             EXCEPT SELECT to_jsonb(r) - '{{{hidden}}}'::text[] FROM new_rows r)
        ) changed WHERE {shown};
    END IF;
    PERFORM directory_log({programmes}, {providers}, false, TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER directory_log_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_log_{table}();
CREATE TRIGGER directory_log_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_log_{table}();
CREATE TRIGGER directory_log_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION directory_log_{table}();
"""

# A newly live framework changes every rating's band and the directory's band filter.
FRAMEWORK = """
CREATE FUNCTION directory_log_live_framework() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM directory_log(NULL, NULL, true, TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER directory_log_live_framework AFTER UPDATE OF is_live ON reviews_framework
    FOR EACH ROW WHEN (OLD.is_live IS DISTINCT FROM NEW.is_live) EXECUTE FUNCTION directory_log_live_framework();
CREATE TRIGGER directory_log_live_framework_insert AFTER INSERT ON reviews_framework
    FOR EACH ROW WHEN (NEW.is_live) EXECUTE FUNCTION directory_log_live_framework();
"""


def table_sql(table: str) -> str:
    column, key, shown, hidden = TABLES[table]
    # Rows of other tables are shown when their programme is public (checked after the change).
    shown = shown or f"directory_public_programme({key})"
    if column == "programmes" and table != "programmes_programme" and TABLES[table][2]:
        shown = f"({shown}) AND directory_public_programme({key})"
    return FUNCTION.format(
        table=table, key=key, shown=shown, hidden=",".join(hidden),
        programmes="keys" if column == "programmes" else "NULL", providers="keys" if column == "providers" else "NULL",
    )  # fmt: skip


def drop_sql(table: str) -> str:
    return f"DROP FUNCTION directory_log_{table}() CASCADE;"


FORWARD = PUBLIC + "".join(table_sql(table) for table in TABLES) + FRAMEWORK
BACKWARD = (
    "".join(drop_sql(table) for table in TABLES)
    + "DROP FUNCTION directory_log_live_framework() CASCADE; DROP FUNCTION directory_log(bigint[], bigint[], boolean, text);"
    + "DROP FUNCTION directory_public_programme(bigint); DROP FUNCTION directory_public(text, text);"
)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_directory_change_log"),
        ("providers", "0001_initial"),
        ("ratings", "0005_merge_20261201_1028"),
        ("reviews", "0012_framework_guard_compares_the_whole_row"),
        ("feedback", "0002_load_starting_questionnaire"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
