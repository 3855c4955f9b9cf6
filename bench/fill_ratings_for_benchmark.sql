-- Benchmark-only: fills the rating tables of a *copy* of the national database with one plain
-- SQL aggregate, for when the ratings engine has not yet run there. Never used by the product
-- (ratings.engine computes the real thing). Element means are plain means of criterion scores;
-- overall = mean of the element means; shown = Bayesian average with m = 2 toward the global mean.
BEGIN;
TRUNCATE ratings_programmerating, ratings_providerrating;
CREATE TEMP TABLE element_means AS
SELECT r.programme_id, e.key, avg(cs.score)::float AS mean, max(cs.score) - min(cs.score) AS spread,
       count(DISTINCT r.id) AS reviews
FROM reviews_review r
JOIN reviews_criterionscore cs ON cs.review_id = r.id
JOIN reviews_criterion c ON c.id = cs.criterion_id
JOIN reviews_element e ON e.id = c.element_id
WHERE r.state = 'published' AND cs.score IS NOT NULL
GROUP BY r.programme_id, e.key;
CREATE TEMP TABLE programme_means AS
SELECT programme_id, max(reviews) AS n, avg(mean) AS raw_mean, max(spread) AS max_spread,
       max(mean) FILTER (WHERE key = 'purpose') AS purpose, max(mean) FILTER (WHERE key = 'governance') AS governance,
       max(mean) FILTER (WHERE key = 'process') AS process, max(mean) FILTER (WHERE key = 'definitions') AS definitions,
       max(mean) FILTER (WHERE key = 'value') AS value
FROM element_means GROUP BY programme_id;
INSERT INTO ratings_programmerating (programme_id, framework_id, review_count, raw_mean, shown_score, band, band_rank,
  score_purpose, score_governance, score_process, score_definitions, score_value, max_spread, needs_moderation, computed_at)
SELECT m.programme_id, 1, m.n, m.raw_mean, s.shown,
       CASE WHEN m.n < 2 THEN 'Not yet rated' WHEN s.shown >= 3.5 THEN 'Exemplary' WHEN s.shown >= 2.75 THEN 'Secure'
            WHEN s.shown >= 2.0 THEN 'Developing' ELSE 'Limited' END,
       CASE WHEN m.n < 2 THEN NULL WHEN s.shown >= 3.5 THEN 1 WHEN s.shown >= 2.75 THEN 2
            WHEN s.shown >= 2.0 THEN 3 ELSE 4 END,
       m.purpose, m.governance, m.process, m.definitions, m.value, m.max_spread, m.max_spread >= 2, now()
FROM programme_means m
CROSS JOIN (SELECT avg(raw_mean) AS prior FROM programme_means) p
CROSS JOIN LATERAL (SELECT (m.n * m.raw_mean + 2 * p.prior) / (m.n + 2) AS shown) s;
INSERT INTO ratings_providerrating (provider_id, rated_programmes, review_count, shown_score, band, band_rank, computed_at)
SELECT pr.provider_id, count(*) FILTER (WHERE r.band_rank IS NOT NULL), sum(r.review_count),
       avg(r.shown_score) FILTER (WHERE r.band_rank IS NOT NULL),
       CASE WHEN count(*) FILTER (WHERE r.band_rank IS NOT NULL) = 0 THEN 'Not yet rated'
            WHEN avg(r.shown_score) FILTER (WHERE r.band_rank IS NOT NULL) >= 3.5 THEN 'Exemplary'
            WHEN avg(r.shown_score) FILTER (WHERE r.band_rank IS NOT NULL) >= 2.75 THEN 'Secure'
            WHEN avg(r.shown_score) FILTER (WHERE r.band_rank IS NOT NULL) >= 2.0 THEN 'Developing' ELSE 'Limited' END,
       CASE WHEN count(*) FILTER (WHERE r.band_rank IS NOT NULL) = 0 THEN NULL
            WHEN avg(r.shown_score) FILTER (WHERE r.band_rank IS NOT NULL) >= 3.5 THEN 1
            WHEN avg(r.shown_score) FILTER (WHERE r.band_rank IS NOT NULL) >= 2.75 THEN 2
            WHEN avg(r.shown_score) FILTER (WHERE r.band_rank IS NOT NULL) >= 2.0 THEN 3 ELSE 4 END,
       now()
FROM ratings_programmerating r JOIN programmes_programme pr ON pr.id = r.programme_id
WHERE pr.status = 'published'
GROUP BY pr.provider_id;
COMMIT;
VACUUM ANALYZE ratings_programmerating;
VACUUM ANALYZE ratings_providerrating;
VACUUM ANALYZE programmes_programme;
VACUUM ANALYZE providers_provider;
