"""A calibration exercise whose panel reference varies across the four levels."""

from pool import calibration
from reviews.services import ScoreInput
from tests.workflow.conftest import criteria

REFERENCE_LEVELS = [3, 2, 4, 3, 1, 2, 3, 4, 2, 3, 3, 2, 1, 3, 4, 2, 3, 2, 4, 3]
REFERENCE_RATIONALE = "The panel agreed this level from the portfolio's evidence."


def reference_levels() -> dict[str, int]:
    return {criterion.code: REFERENCE_LEVELS[i % len(REFERENCE_LEVELS)] for i, criterion in enumerate(criteria())}


def make_open_exercise(*, programme, convenor, title="Calibration: phonics sample"):
    exercise = calibration.exercise_create(title=title, programme_slug=programme.slug, by=convenor)
    levels = reference_levels()
    scores = {
        criterion.id: ScoreInput(levels[criterion.code], f"{REFERENCE_RATIONALE} ({criterion.code})")
        for criterion in criteria()
    }
    calibration.references_save(exercise=exercise, by=convenor, scores=scores, open_it=True)
    return exercise


def inputs(levels: dict[str, int], rationale="My reading of the portfolio supports this level.") -> dict:
    return {criterion.id: ScoreInput(levels[criterion.code], rationale) for criterion in criteria()}
