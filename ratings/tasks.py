"""Celery tasks: take ids, call one service, safe to run twice or concurrently.

Every task here is idempotent (a recompute that finds nothing changed writes nothing), so the
project's late acknowledgement applies: a worker that dies mid-task only causes a rerun.
"""

from celery import shared_task


@shared_task
def recompute_programme_rating(programme_id: int) -> None:
    """Recompute one programme's rating (and its provider's) and clear its stale marker."""
    from ratings.services import programme_rating_refresh

    programme_rating_refresh(programme_id=programme_id)


# Its result is kept (unlike other tasks'): a page showing a publication's recompute polls it.
@shared_task(bind=True, ignore_result=False)
def recompute_all_ratings(self) -> int:
    """Recompute every rating in the register (a new framework version; nightly, to refresh the
    prior). Its progress is the task's state: "PROGRESS" with {"step", "done", "steps"} after each
    of the engine's steps, for a page that shows a publication's recompute."""
    from ratings.engine import RECOMPUTE_STEPS
    from ratings.services import ratings_refresh_all

    def progress(step: str) -> None:
        if self.request.is_eager or self.request.called_directly:
            return  # run in the caller's process: no result backend to report to
        meta = {"step": step, "done": RECOMPUTE_STEPS.index(step) + 1, "steps": len(RECOMPUTE_STEPS)}
        self.update_state(state="PROGRESS", meta=meta)

    return ratings_refresh_all(progress=progress)


@shared_task
def sweep_stale_ratings() -> int:
    """Recompute whatever is still marked stale: the repair path for lost or unsent messages."""
    from ratings.services import stale_ratings_sweep

    return stale_ratings_sweep()
