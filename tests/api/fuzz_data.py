"""A small register for the fuzzer to find things in: every kind of row an endpoint can show."""

from django.utils import timezone

from programmes.models import ProviderResponse
from programmes.vocabulary import ProgrammeStatus
from qaportal.roles import Role
from ratings.models import ProgrammeRating, ProviderRating
from reviews.models import ReviewState
from summaries.models import ExportJob
from summaries.services import export_run
from tests.factories import live_framework, make_programme, make_provider, make_review, make_user


def make_fuzz_register() -> None:
    framework = live_framework()
    reviewer = make_user("fuzz-reviewer", role=Role.REVIEWER)
    convenor = make_user("fuzz-convenor", role=Role.CONVENOR)
    editor = make_user("fuzz-editor", role=Role.PROVIDER_EDITOR)
    provider = make_provider(name="Fuzz Trust", slug="fuzz-trust")
    provider.editors.add(editor)
    ProviderRating.objects.create(
        provider=provider,
        rated_programmes=1,
        review_count=2,
        shown_score=3.0,
        band="Secure",
        band_rank=2,
        computed_at=timezone.now(),
    )
    rated = make_programme(provider, title="Rated", slug="rated", funding_routes=["bursary"])
    ProgrammeRating.objects.create(
        programme=rated,
        framework=framework,
        review_count=2,
        raw_mean=3.0,
        shown_score=2.9,
        band="Secure",
        band_rank=2,
        score_purpose=3.0,
        score_governance=3.0,
        score_process=3.0,
        score_definitions=3.0,
        score_value=2.5,
        max_spread=1,
        computed_at=timezone.now(),
    )
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
