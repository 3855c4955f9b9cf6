"""Triggers that write the directory change log (``DirectoryChange``) in the transaction of every
change the public pages show, and of nothing else.

Why triggers: publishing, withdrawal and edits go through the ORM, but the ratings engine
recomputes with set-based SQL, so only the database sees every write. Statement-level triggers
with transition tables write one log row per statement, however many rows it changed, and only
when a row the public sees changed: a shown column differs (bookkeeping columns such as
``updated_at`` are left out; a column added later is not watched until it is listed here) for a
programme that is public before or after (published, or withdrawn after publication), or for a
provider. An update that changes a row's primary key is not seen (none does). A draft edit or a review in progress changes
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

# table: (which log column its key fills, the key over a row ``{r}``, when a changed row is shown,
# the primary key columns, the shown columns). Bookkeeping columns (``updated_at``, ``computed_at``…)
# are not shown, so a write that only touches them logs nothing.
PROGRAMME_OF_ROUND = "(SELECT programme_id FROM feedback_feedbackround WHERE id = {r}.round_id)"
TABLES = {
    "programmes_programme": (
        "programmes", "{r}.id", "directory_public({r}.status, {r}.published_at::text)", ["id"],
        "title slug summary focus_level phases regions format delivery_mode contact_hours duration_weeks "
        "cost_per_participant funding_routes target_staff intended_outcomes evidence_base status published_at "
        "withdrawn_reason search_vector provider_id booking_url contact_email next_start_on",
    ),
    "providers_provider": (
        "providers", "{r}.id", "true", ["id"],
        "name slug provider_type regions phases description website schools_in_partnership",
    ),
    "ratings_providerrating": (
        "providers", "{r}.provider_id", "true", ["provider_id"],
        "rated_programmes review_count shown_score band band_rank raw_mean",
    ),
    "ratings_programmerating": (
        "programmes", "{r}.programme_id", None, ["programme_id"],
        "review_count raw_mean shown_score band band_rank score_purpose score_governance score_process "
        "score_definitions score_value max_spread framework_id",
    ),
    "ratings_ratingvalidity": ("programmes", "{r}.programme_id", None, ["programme_id"], "valid_from expires_at expired_at"),
    "ratings_elementrating": ("programmes", "{r}.programme_id", None, ["programme_id", "element_key"], "score spread"),
    "ratings_criterionrating": (
        "programmes", "{r}.programme_id", None, ["programme_id", "element_key", "criterion_code"],
        "scores mean lowest highest",
    ),
    "ratings_ratinghistory": (
        "programmes", "{r}.programme_id", None, ["id"], "review_count shown_score band computed_at programme_id raw_mean",
    ),
    "programmes_providerresponse": ("programmes", "{r}.programme_id", None, ["id"], "text published_at programme_id"),
    "feedback_participantrating": (
        "programmes", "{r}.programme_id", None, ["programme_id"],
        "response_count links_issued response_rate raw_mean shown_score min_responses scale_max question_means "
        "questionnaire_id",
    ),
    "reviews_concern": (
        "programmes", "{r}.programme_id", "{r}.status = 'upheld'", ["id"], "status public_summary programme_id",
    ),
    "feedback_participantresponse": (
        "programmes", PROGRAMME_OF_ROUND, "{r}.comment_status = 'approved'", ["id"],
        "answers score comment comment_status submitted_on round_id",
    ),
}  # fmt: skip

# Inserted and deleted rows: those shown. Updated rows: matched by primary key, those whose shown
# columns differ and that are shown before or after (a row comparison over a hash join of the two
# transition tables: a set-based recompute of every rating rewrites 160,000 rows in one statement).
FUNCTION = """
CREATE FUNCTION directory_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE keys bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT {key_n}) INTO keys FROM new_rows n WHERE {shown_n};
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT {key_o}) INTO keys FROM old_rows o WHERE {shown_o};
    ELSE
        SELECT array_agg(DISTINCT {key_n}) INTO keys FROM old_rows o JOIN new_rows n ON {join}
        WHERE ({columns_o}) IS DISTINCT FROM ({columns_n}) AND ({shown_o} OR {shown_n});
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
    column, key, shown, primary_key, columns = TABLES[table]
    # Rows of other tables are shown when their programme is public (checked after the change).
    if column == "programmes" and table != "programmes_programme":
        shown = f"({shown or 'true'}) AND directory_public_programme({key})"
    return FUNCTION.format(
        table=table, key_n=key.format(r="n"), key_o=key.format(r="o"),
        shown_n=shown.format(r="n"), shown_o=shown.format(r="o"),
        join=" AND ".join(f"o.{name} = n.{name}" for name in primary_key),
        columns_o=", ".join(f"o.{name}" for name in columns.split()),
        columns_n=", ".join(f"n.{name}" for name in columns.split()),
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
