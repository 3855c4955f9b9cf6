"""The change-log trigger functions plan their transition-table queries at each firing.

PL/pgSQL keeps a statement's plan for the rest of the connection, and a query with no parameters
always reuses it, so the plan made at a function's first firing on a connection is used for every
later one. The transition tables' row counts are the planner's only estimate of their size: after a
first firing over no rows or one, a whole-register recompute on the same connection matched old and
new rows in a nested loop, each old row against every new one, and the worker hung. ``plan_cache_mode``
does not help: these queries have no parameters, and the setting only chooses between plans for
queries that do. Run through ``EXECUTE``, each query is planned with the row counts of the firing
that runs it. The queries, and so what moves the change version, are the same as before; the triggers
themselves are unchanged.
"""

import importlib

from django.db import migrations

triggers = importlib.import_module("programmes.migrations.0007_directory_change_triggers")
later = importlib.import_module("programmes.migrations.0010_directory_change_watches_what_later_branches_show")

# Every watched table, with the columns 0010 left it watching.
WATCHED = {**triggers.TABLES, **later.WATCHED}

PLANNED_AT_EACH_FIRING = """
CREATE OR REPLACE FUNCTION directory_log_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE keys bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE $q$SELECT array_agg(DISTINCT {key_n}) FROM new_rows n WHERE {shown_n}$q$ INTO keys;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE $q$SELECT array_agg(DISTINCT {key_o}) FROM old_rows o WHERE {shown_o}$q$ INTO keys;
    ELSE
        EXECUTE $q$SELECT array_agg(DISTINCT {key_n}) FROM old_rows o JOIN new_rows n ON {join}
        WHERE ({columns_o}) IS DISTINCT FROM ({columns_n}) AND ({shown_o} OR {shown_n})$q$ INTO keys;
    END IF;
    PERFORM directory_log({programmes}, {providers}, false, TG_TABLE_NAME);
    RETURN NULL;
END $$;
"""
# 0007's function as it was, without the triggers that call it.
PLANNED_ONCE = triggers.FUNCTION.split("CREATE TRIGGER", 1)[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)


def functions_sql(template: str) -> str:
    """Each watched table's function rendered by 0007 from ``template`` instead of its own."""
    saved = triggers.FUNCTION
    triggers.FUNCTION = template
    try:
        return "".join(later.table_sql(table, spec) for table, spec in WATCHED.items())
    finally:
        triggers.FUNCTION = saved


class Migration(migrations.Migration):
    dependencies = [("programmes", "0010_directory_change_watches_what_later_branches_show")]

    operations = [migrations.RunSQL(functions_sql(PLANNED_AT_EACH_FIRING), functions_sql(PLANNED_ONCE))]
