"""Rounds whose answers look unusual, for convenors: many links used within minutes of each
other, or many responses with exactly the same answers. A flag asks a person to look; it
changes no rating.

Both are computed in SQL over the rounds open now or closed in the last ``RECENT_DAYS``;
thresholds are settings of each round's questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone

UNUSUAL_ROUNDS = """
WITH recent_rounds AS (
    SELECT round.id, round.cohort_size, questionnaire.burst_minutes, questionnaire.burst_share,
           questionnaire.identical_share
    FROM feedback_feedbackround AS round
    JOIN feedback_questionnaire AS questionnaire ON questionnaire.id = round.questionnaire_id
    WHERE round.closes_on >= %(since)s
),
bursts AS (
    SELECT link.round_id, max(in_window.links) AS busiest_window
    FROM feedback_participantlink AS link
    JOIN recent_rounds AS round ON round.id = link.round_id
    CROSS JOIN LATERAL (
        SELECT count(*) AS links FROM feedback_participantlink AS later
        WHERE later.round_id = link.round_id AND later.used_at >= link.used_at
          AND later.used_at < link.used_at + make_interval(mins => round.burst_minutes)
    ) AS in_window
    WHERE link.used_at IS NOT NULL
    GROUP BY link.round_id
),
same_answers AS (
    SELECT round_id, max(alike) AS most_alike, sum(alike) AS responses
    FROM (SELECT round_id, answers, count(*) AS alike FROM feedback_participantresponse
          WHERE round_id IN (SELECT id FROM recent_rounds) GROUP BY round_id, answers) AS patterns
    GROUP BY round_id
)
SELECT round.id, programme.title, programme.slug, provider.name, round.cohort_label, round.cohort_size,
       same_answers.responses, bursts.busiest_window, questionnaire.burst_minutes, same_answers.most_alike,
       bursts.busiest_window >= greatest(%(min_alike)s, questionnaire.burst_share * round.cohort_size),
       same_answers.most_alike >= greatest(%(min_alike)s, questionnaire.identical_share * same_answers.responses)
FROM recent_rounds AS questionnaire
JOIN feedback_feedbackround AS round ON round.id = questionnaire.id
JOIN programmes_programme AS programme ON programme.id = round.programme_id
JOIN providers_provider AS provider ON provider.id = programme.provider_id
JOIN bursts ON bursts.round_id = round.id
JOIN same_answers ON same_answers.round_id = round.id
WHERE bursts.busiest_window >= greatest(%(min_alike)s, questionnaire.burst_share * round.cohort_size)
   OR same_answers.most_alike >= greatest(%(min_alike)s, questionnaire.identical_share * same_answers.responses)
ORDER BY round.created_at DESC
"""

# Fewer alike responses than this are never a pattern, however small the cohort.
MIN_ALIKE = 3
# Rounds that closed longer ago than this are settled; convenors look at the recent ones.
RECENT_DAYS = 90


@dataclass(frozen=True)
class UnusualRound:
    round_id: int
    programme_title: str
    programme_slug: str
    provider_name: str
    cohort_label: str
    cohort_size: int
    responses: int
    busiest_window: int
    burst_minutes: int
    most_alike: int
    burst: bool
    identical: bool

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.burst:
            reasons.append(
                f"{self.busiest_window} of {self.cohort_size} links used within {self.burst_minutes} minutes"
            )
        if self.identical:
            reasons.append(f"{self.most_alike} of {self.responses} responses gave exactly the same answers")
        return reasons


def unusual_rounds() -> list[UnusualRound]:
    with connection.cursor() as cursor:
        since = timezone.localdate() - timedelta(days=RECENT_DAYS)
        cursor.execute(UNUSUAL_ROUNDS, {"min_alike": MIN_ALIKE, "since": since})
        return [UnusualRound(*row) for row in cursor.fetchall()]
