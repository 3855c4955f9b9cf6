-- The change-log triggers after a small firing on the same connection (issue 11): each watched
-- table gets a 0-row update, then an update of about 24,000 rows that changes a shown column, in
-- one session, each in a transaction that is rolled back. Run on a migrated copy of the national
-- seed, never on qaportal_bench itself:
--   psql -h 127.0.0.1 -U postgres -d qaportal_bench_<you> -v timeout=120s -f bench/trigger_plans.sql
-- Add -v fresh=1 to leave out the 0-row updates (what a new connection sees).
\set ON_ERROR_STOP 0
\if :{?fresh}
\else
\set fresh 0
\endif
\timing on
SET statement_timeout = :'timeout';

\echo ratings_programmerating, 24,010 rows
BEGIN;
\if :fresh
\else
UPDATE ratings_programmerating SET review_count = review_count + 1 WHERE false;
\endif
UPDATE ratings_programmerating SET review_count = review_count + 1 WHERE programme_id <= 30000;
SELECT cardinality(programme_ids) AS logged FROM programmes_directorychange ORDER BY version DESC LIMIT 1;
ROLLBACK;

\echo ratings_elementrating, 24,095 rows
BEGIN;
\if :fresh
\else
UPDATE ratings_elementrating SET score = score + 0.01 WHERE false;
\endif
UPDATE ratings_elementrating SET score = score + 0.01 WHERE programme_id <= 6000;
SELECT cardinality(programme_ids) AS logged FROM programmes_directorychange ORDER BY version DESC LIMIT 1;
ROLLBACK;

\echo ratings_criterionrating, 23,800 rows
BEGIN;
\if :fresh
\else
UPDATE ratings_criterionrating SET mean = mean + 0.01 WHERE false;
\endif
UPDATE ratings_criterionrating SET mean = mean + 0.01 WHERE programme_id <= 1500;
SELECT cardinality(programme_ids) AS logged FROM programmes_directorychange ORDER BY version DESC LIMIT 1;
ROLLBACK;

\echo programmes_programme, 24,000 rows
BEGIN;
\if :fresh
\else
UPDATE programmes_programme SET contact_hours = contact_hours + 1 WHERE false;
\endif
UPDATE programmes_programme SET contact_hours = contact_hours + 1 WHERE id <= 24000;
SELECT cardinality(programme_ids) AS logged FROM programmes_directorychange ORDER BY version DESC LIMIT 1;
ROLLBACK;
