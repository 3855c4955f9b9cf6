"""The participant rating, computed once, in SQL, and stored in ``ParticipantRating``.

For each programme, over every response in its feedback rounds:

- each response's score is its mean answer as a share of its questionnaire's scale (0 to 1);
- raw mean = the mean of those shares; response rate = responses ÷ links issued;
- shown score = (n × raw mean + m × prior) ÷ (n + m), where the prior is the register-wide mean
  share over every response and m is the live questionnaire's weight;
- scores are shown on the live questionnaire's scale (1 to its top), and only from its minimum
  number of responses: below it the rating holds the counts and nothing else.

It reads responses and rounds only, and writes only ``feedback_*`` tables: the expert rating is
never an input and never an output.
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.utils import timezone

from feedback.models import ParticipantPrior, ParticipantRating, Questionnaire

PROGRAMME_FIGURES = """
WITH wanted AS (SELECT unnest(%(ids)s::bigint[]) AS programme_id),
issued AS (
    SELECT round.programme_id, sum(round.cohort_size) AS links_issued
    FROM feedback_feedbackround AS round JOIN wanted USING (programme_id)
    GROUP BY round.programme_id
),
answered AS (
    SELECT round.programme_id, count(*) AS response_count, avg(response.score) AS mean_share
    FROM feedback_participantresponse AS response
    JOIN feedback_feedbackround AS round ON round.id = response.round_id
    JOIN wanted USING (programme_id)
    GROUP BY round.programme_id
),
per_question AS (
    SELECT round.programme_id, answer.key AS code,
           avg((answer.value::numeric - 1) / (questionnaire.scale_max - 1)) AS mean_share
    FROM feedback_participantresponse AS response
    JOIN feedback_feedbackround AS round ON round.id = response.round_id
    JOIN feedback_questionnaire AS questionnaire ON questionnaire.id = round.questionnaire_id
    JOIN wanted USING (programme_id)
    CROSS JOIN LATERAL jsonb_each_text(response.answers) AS answer
    GROUP BY round.programme_id, answer.key
)
SELECT issued.programme_id, issued.links_issued, coalesce(answered.response_count, 0), answered.mean_share,
       coalesce((SELECT jsonb_object_agg(code, mean_share) FROM per_question
                 WHERE per_question.programme_id = issued.programme_id), '{}'::jsonb)::text
FROM issued LEFT JOIN answered USING (programme_id)
"""

REGISTER_MEAN = "SELECT avg(score), count(*) FROM feedback_participantresponse"


def live_questionnaire() -> Questionnaire:
    return Questionnaire.objects.get(is_live=True)


def on_scale(share: float | None, scale_max: int) -> float | None:
    return None if share is None else 1 + float(share) * (scale_max - 1)


def refresh_prior() -> ParticipantPrior:
    with connection.cursor() as cursor:
        cursor.execute(REGISTER_MEAN)
        mean_share, count = cursor.fetchone()
    prior, _ = ParticipantPrior.objects.update_or_create(
        id=1, defaults={"mean_share": mean_share, "response_count": count, "computed_at": timezone.now()}
    )
    return prior


def current_prior() -> ParticipantPrior:
    """The stored prior; the first recompute ever fixes one (until the next whole-register run)."""
    return ParticipantPrior.objects.filter(id=1).first() or refresh_prior()


def programme_figures(programme_ids: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(PROGRAMME_FIGURES, {"ids": programme_ids})
        return cursor.fetchall()


def rating_from(row: tuple, *, questionnaire: Questionnaire, prior_share: float | None, now) -> ParticipantRating:
    programme_id, links_issued, count, mean_share, question_json = row
    question_shares = json.loads(question_json)
    scale, weight = questionnaire.scale_max, questionnaire.prior_weight
    shown = count >= questionnaire.min_responses and mean_share is not None
    prior = float(prior_share) if prior_share is not None else float(mean_share or 0)
    shrunk = (count * float(mean_share) + weight * prior) / (count + weight) if shown else None
    return ParticipantRating(
        programme_id=programme_id,
        questionnaire=questionnaire,
        response_count=count,
        links_issued=links_issued,
        response_rate=count / links_issued if links_issued else None,
        raw_mean=on_scale(mean_share, scale) if shown else None,
        shown_score=on_scale(shrunk, scale),
        prior=on_scale(prior_share, scale),
        prior_weight=weight,
        min_responses=questionnaire.min_responses,
        scale_max=scale,
        question_means={code: on_scale(share, scale) for code, share in question_shares.items()} if shown else {},
        computed_at=now,
    )


@transaction.atomic
def recompute_programmes(*, programme_ids: list[int], prior: ParticipantPrior | None = None) -> int:
    """Recompute and store these programmes' participant ratings; returns how many were written.
    A programme with no feedback round has no participant rating (any old one is removed)."""
    questionnaire = live_questionnaire()
    prior = prior or current_prior()
    now = timezone.now()
    ratings = [
        rating_from(row, questionnaire=questionnaire, prior_share=prior.mean_share, now=now)
        for row in programme_figures(programme_ids)
    ]
    kept = {rating.programme_id for rating in ratings}
    ParticipantRating.objects.filter(programme_id__in=set(programme_ids) - kept).delete()
    ParticipantRating.objects.bulk_create(
        ratings,
        update_conflicts=True,
        unique_fields=["programme"],
        update_fields=[field.name for field in ParticipantRating._meta.concrete_fields if not field.primary_key],
    )
    return len(ratings)


def recompute_all(*, batch_size: int = 5000) -> int:
    """Refresh the register-wide prior, then every programme that has a feedback round."""
    from feedback.models import FeedbackRound

    prior = refresh_prior()
    programme_ids = sorted(set(FeedbackRound.objects.values_list("programme_id", flat=True)))
    ParticipantRating.objects.exclude(programme_id__in=FeedbackRound.objects.values("programme_id")).delete()
    written = 0
    for start in range(0, len(programme_ids), batch_size):
        written += recompute_programmes(programme_ids=programme_ids[start : start + batch_size], prior=prior)
    return written
