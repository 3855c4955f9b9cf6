"""Redis stopped while people browse, submit, publish and ask for an export: no 500, nothing lost,
and everything caught up within a minute of Redis coming back."""

import time

import pytest

from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from ratings.models import ProgrammeRating, StaleRating
from reviews.models import Notification, ReviewState
from summaries.models import ExportJob, ExportStatus
from tests.conftest import wait_until
from tests.factories import make_programme, make_provider, make_review, make_user
from tests.faults.conftest import post_form, signed_in
from tests.workflow.conftest import add_evidence, score_post

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ANONYMOUS_PAGES = [
    "/",
    "/programmes/",
    "/providers/",
    "/how-ratings-work/",
    "/api/v1/programmes/",
    "/api/v1/providers/",
]


def test_redis_down_during_browsing_submitting_publishing_and_an_export(services):
    provider = make_provider()
    browsed = make_programme(provider)
    to_publish = add_evidence(make_programme(provider, status=ProgrammeStatus.IN_REVIEW))
    for score in (3, 4):
        make_review(to_publish, make_user(role=Role.REVIEWER), scores=score, state=ReviewState.ACCEPTED)
    to_submit = add_evidence(make_programme(provider, status=ProgrammeStatus.IN_REVIEW))
    reviewer = make_user("reviewer-outage", role=Role.REVIEWER)
    review = make_review(to_submit, reviewer, scores=None, state=ReviewState.IN_PROGRESS)
    make_user("convenor-outage", role=Role.CONVENOR)

    base = services.web()
    services.worker()
    convenor_session = signed_in(base, "convenor-outage")
    reviewer_session = signed_in(base, "reviewer-outage")

    services.redis.stop()

    statuses = {page: services_get(base, page) for page in [*ANONYMOUS_PAGES, f"/programmes/{browsed.slug}/"]}
    assert all(status < 500 for status in statuses.values()), statuses

    submitted = post_form(
        reviewer_session, base, f"/reviewer/reviews/{review.id}/", f"/reviewer/reviews/{review.id}/", score_post()
    )
    assert submitted.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED

    page = f"/convenor/programmes/{to_publish.slug}/"
    published = post_form(convenor_session, base, page, f"{page}publish/", {})
    assert published.status_code == 302
    to_publish.refresh_from_db()
    assert to_publish.status == ProgrammeStatus.PUBLISHED
    assert StaleRating.objects.filter(programme=to_publish).exists()

    assert convenor_session.get(f"{base}/convenor/summaries/", timeout=30).status_code == 200
    exported = post_form(
        convenor_session, base, "/convenor/summaries/", "/convenor/summaries/exports/new", {"format": "csv"}
    )
    assert exported.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED

    services.redis.start()
    back_at = time.monotonic()

    def caught_up():
        job.refresh_from_db()
        return (
            job.status == ExportStatus.READY
            and ProgrammeRating.objects.filter(programme=to_publish, review_count=2).exists()
            and not StaleRating.objects.exists()
            and not Notification.objects.filter(sent_at__isnull=True).exists()
        )

    wait_until(caught_up, timeout=60, interval=0.25)
    caught_up_after = time.monotonic() - back_at
    print(f"caught up {caught_up_after:.1f} s after Redis returned")
    assert caught_up_after < 60
    assert ProgrammeRating.objects.get(programme=to_publish).raw_mean == 3.5


def services_get(base: str, page: str) -> int:
    import requests

    return requests.get(f"{base}{page}", timeout=30).status_code
