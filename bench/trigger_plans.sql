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

\set table ratings_programmerating
\set change 'review_count = review_count + 1'
\set rows 'programme_id <= 30000'
\ir trigger_plans_firing.sql

\set table ratings_elementrating
\set change 'score = score + 0.01'
\set rows 'programme_id <= 6000'
\ir trigger_plans_firing.sql

\set table ratings_criterionrating
\set change 'mean = mean + 0.01'
\set rows 'programme_id <= 1500'
\ir trigger_plans_firing.sql

\set table programmes_programme
\set change 'contact_hours = contact_hours + 1'
\set rows 'id <= 24000'
\ir trigger_plans_firing.sql
