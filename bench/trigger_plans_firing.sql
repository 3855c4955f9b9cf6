-- One table's firings for bench/trigger_plans.sql: :table, :change (a SET list), :rows (a WHERE).
\echo :table
BEGIN;
\if :fresh
\else
UPDATE :table SET :change WHERE false;
\endif
UPDATE :table SET :change WHERE :rows;
SELECT cardinality(programme_ids) AS logged FROM programmes_directorychange ORDER BY version DESC LIMIT 1;
ROLLBACK;
