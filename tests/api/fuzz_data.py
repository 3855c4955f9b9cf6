"""A small register for the fuzzer to find things in: every kind of row an endpoint can show."""

from django.utils import timezone

from programmes.models import ProviderResponse
from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from reviews.models import ReviewState
from summaries.models import ExportJob
from summaries.services import export_run
from tests.factories import (
    live_framework,
    make_programme,
    make_programme_rating,
    make_provider,
    make_provider_rating,
    make_review,
    make_user,
)


def make_fuzz_register() -> None:
    framework = live_framework()
    reviewer = make_user("fuzz-reviewer", role=Role.REVIEWER)
    convenor = make_user("fuzz-convenor", role=Role.CONVENOR)
    editor = make_user("fuzz-editor", role=Role.PROVIDER_EDITOR)
    provider = make_provider(name="Fuzz Trust", slug="fuzz-trust")
    provider.editors.add(editor)
    make_provider_rating(provider)
    rated = make_programme(provider, title="Rated", slug="rated", funding_routes=["bursary"])
    elements = {"purpose": 3.0, "governance": 3.0, "process": 3.0, "definitions": 3.0, "value": 2.5}
    make_programme_rating(rated, framework=framework, raw_mean=3.0, shown_score=2.9, elements=elements, max_spread=1)
    ProviderResponse.objects.create(programme=rated, text="Thank you.")
    make_programme(provider, title="Unrated", slug="unrated")
    make_programme(
        provider, title="Withdrawn", slug="withdrawn", status=ProgrammeStatus.WITHDRAWN, published_at=timezone.now()
    )
    in_review = make_programme(provider, title="In review", slug="in-review", status=ProgrammeStatus.IN_REVIEW)
    make_review(in_review, reviewer, state=ReviewState.IN_PROGRESS, scores=None)
    export_run(job_id=ExportJob.objects.create(requested_by=convenor, format="csv").pk)
    _fuzz_leader(rated)


def _fuzz_leader(programme) -> None:
    """A school leader with a shortlist and one enquiry to the fuzz provider, so the account and
    inbox endpoints have something to find."""
    from leaders import services as leader_services
    from tests.leaders.conftest import enquiry_request, make_leader

    leader = make_leader("fuzz-leader@school.example")
    shortlist = leader_services.shortlist_create(by=leader, name="Fuzz")
    leader_services.shortlist_add(by=leader, shortlist=shortlist, programme=programme)
    leader_services.enquiry_send(by=leader, request=enquiry_request([programme.provider]), shortlist_id=shortlist.id)
