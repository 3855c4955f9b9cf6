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
def recompute_all_ratings(self) -> int | None:
    """Recompute every rating in the register (a new framework version; nightly, to refresh the
    prior). Its progress is the task's state: "PROGRESS" with {"step", "done", "steps"} after each
    of the engine's steps, for a page that shows a publication's recompute. None if another worker
    holds the claim on it."""
    from ratings.engine import RECOMPUTE_STEPS
    from ratings.services import full_recompute_run

    def progress(step: str) -> None:
        if self.request.is_eager or self.request.called_directly:
            return  # run in the caller's process: no result backend to report to
        meta = {"step": step, "done": RECOMPUTE_STEPS.index(step) + 1, "steps": len(RECOMPUTE_STEPS)}
        self.update_state(state="PROGRESS", meta=meta)

    return full_recompute_run(only_if_requested=False, progress=progress)


@shared_task
def sweep_stale_ratings() -> int:
    """The repair path for lost messages and killed workers: an owed whole-register recompute
    first, then whatever is still marked stale."""
    from ratings.services import full_recompute_run, stale_ratings_sweep

    full_recompute_run(only_if_requested=True)
    return stale_ratings_sweep()


@shared_task
def recompute_for_publication(publication_id: int) -> int:
    """Recompute the register after a framework version is published, recording progress."""
    from ratings.services import publication_recompute

    return publication_recompute(publication_id=publication_id)
