"""Every endpoint × every role: who gets in, who is refused and how.

401: not signed in. 403: signed in, but the endpoint is not for this role (or the service refuses
this user). 404: the object exists but is not visible to this user (another reviewer's review),
so its existence does not leak. Where a role is allowed, the request is the endpoint's happy path.
"""

import time
from datetime import date, timedelta

import pytest
from django.core import signing

from feedback import services as feedback_services
from feedback.models import Questionnaire
from leaders import services as leader_services
from pool.services import application_submit
from reviews.models import Concern
from summaries.models import ExportJob
from summaries.services import export_run
from tests.api.workflow_data import full_scores, make_mid_review, make_spare_reviewer
from tests.factories import make_user
from tests.leaders.conftest import enquiry_request, make_leader

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "leader", "provider_editor", "reviewer", "other_reviewer", "convenor"]
PUBLIC = dict.fromkeys(ROLES, 200)


def only(role_statuses: dict, *, otherwise: int, anonymous: int = 401) -> dict:
    statuses = dict.fromkeys(ROLES, otherwise)
    statuses["anonymous"] = anonymous
    statuses.update(role_statuses)
    return statuses


OWN_REVIEW_READ = only({"reviewer": 200, "convenor": 200}, otherwise=404)
OWN_REVIEW_WRITE = only({"reviewer": 200, "other_reviewer": 404}, otherwise=403)
CONVENOR_ONLY = only({"convenor": 200}, otherwise=403)
EDITOR_ONLY = only({"provider_editor": 200}, otherwise=403)
LEADER_ONLY = only({"leader": 200}, otherwise=403)
NEW_ROUND = {"cohort_label": "Summer 2026", "cohort_size": 12, "closes_on": str(date.today() + timedelta(days=20))}

# (method, path template, body, expected status per role)
MATRIX = [
    ("get", "/api/v1/", None, PUBLIC),
    ("get", "/api/v1/framework/", None, PUBLIC),
    ("get", "/api/v1/programmes/", None, PUBLIC),
    ("get", "/api/v1/programmes/{published}/", None, PUBLIC),
    ("get", "/api/v1/programmes/{published}/rating/", None, PUBLIC),
    ("get", "/api/v1/programmes/{published}/rating/history/", None, PUBLIC),
    ("get", "/api/v1/providers/", None, PUBLIC),
    ("get", "/api/v1/providers/{provider}/", None, PUBLIC),
    ("get", "/api/v1/providers/{provider}/programmes/", None, PUBLIC),
    ("get", "/api/v1/assignments/", None, only({"reviewer": 200, "other_reviewer": 200}, otherwise=403)),
    ("get", "/api/v1/reviews/{own_review}/", None, OWN_REVIEW_READ),
    ("get", "/api/v1/reviews/{own_review}/portfolio/", None, OWN_REVIEW_READ),
    (
        "post",
        "/api/v1/reviews/{own_review}/draft/",
        {"scores": {"P1": {"score": 4, "rationale": ""}}},
        OWN_REVIEW_WRITE,
    ),
    ("post", "/api/v1/reviews/{own_review}/submit/", "complete-review", OWN_REVIEW_WRITE),
    ("post", "/api/v1/reviews/{own_review}/conflict/", {"conflict_note": "I used to work there."}, OWN_REVIEW_WRITE),
    ("get", "/api/v1/moderation/", None, CONVENOR_ONLY),
    ("post", "/api/v1/reviews/{submitted_review}/accept/", None, CONVENOR_ONLY),
    ("post", "/api/v1/reviews/{submitted_review}/return/", {"comment": "Say more about G2."}, CONVENOR_ONLY),
    ("post", "/api/v1/reviews/{published_review}/withdraw/", {"reason": "A conflict found later."}, CONVENOR_ONLY),
    ("post", "/api/v1/reviews/{own_review}/release/", {"reason": "Cannot finish in time."}, CONVENOR_ONLY),
    ("get", "/api/v1/programmes/{in_review}/reviews/", None, CONVENOR_ONLY),
    (
        "post",
        "/api/v1/programmes/{in_review}/reviewers/",
        {"reviewer": "reviewer-ruth"},
        {**CONVENOR_ONLY, "convenor": 201},
    ),
    ("post", "/api/v1/programmes/{ready}/publish/", None, CONVENOR_ONLY),
    (
        "post",
        "/api/v1/programmes/{published}/withdraw/",
        {"reason": "No longer offered."},
        only({"provider_editor": 200, "convenor": 200}, otherwise=403),
    ),
    ("get", "/api/v1/agreement/", None, {**CONVENOR_ONLY, "convenor": 202}),  # a cold cache: being worked out
    ("get", "/api/v1/summaries/", None, CONVENOR_ONLY),
    ("get", "/api/v1/exports/", None, CONVENOR_ONLY),
    ("post", "/api/v1/exports/", {"format": "csv"}, {**CONVENOR_ONLY, "convenor": 202}),
    ("get", "/api/v1/exports/{export}/", None, CONVENOR_ONLY),
    ("get", "/api/v1/exports/{export}/file/", None, CONVENOR_ONLY),
    # Participant feedback: public aggregate; rounds for the provider's editors; moderation for convenors.
    ("get", "/api/v1/programmes/{published}/participant-rating/", None, PUBLIC),
    ("get", "/api/v1/feedback/questionnaire/", None, PUBLIC),
    ("get", "/api/v1/programmes/{published}/feedback-rounds/", None, EDITOR_ONLY),
    ("post", "/api/v1/programmes/{published}/feedback-rounds/", NEW_ROUND, {**EDITOR_ONLY, "provider_editor": 201}),
    ("get", "/api/v1/feedback-rounds/{round}/", None, EDITOR_ONLY),
    ("get", "/api/v1/feedback/comments/", None, CONVENOR_ONLY),
    ("post", "/api/v1/feedback/comments/{comment}/moderate/", {"decision": "approve"}, CONVENOR_ONLY),
    ("get", "/api/v1/feedback/unusual-rounds/", None, CONVENOR_ONLY),
    # The reviewer pool: anyone signed in applies; convenors decide, see the pool's measures and
    # the suggestions. A reviewer never sees the measures, their own or anyone else's.
    (
        "post",
        "/api/v1/pool/applications/",
        {"current_role": "Deputy head", "experience": "Led CPD.", "phases": ["primary"], "focus_levels": ["teacher"]},
        only({"reviewer": 409, "other_reviewer": 409}, otherwise=201),
    ),
    ("get", "/api/v1/pool/applications/", None, CONVENOR_ONLY),
    ("post", "/api/v1/pool/applications/{application}/accept/", None, CONVENOR_ONLY),
    ("post", "/api/v1/pool/applications/{application}/decline/", {"reason": "Not enough experience."}, CONVENOR_ONLY),
    ("get", "/api/v1/pool/reviewers/", None, CONVENOR_ONLY),
    ("get", "/api/v1/pool/suggestions/", None, CONVENOR_ONLY),
    (
        "post",
        "/api/v1/pool/suggestions/",
        {"assignments": [{"programme": "{in_review_slug}", "reviewer": "reviewer-ruth"}]},
        CONVENOR_ONLY,
    ),
    ("get", "/api/v1/programmes/{in_review}/suggestions/", None, CONVENOR_ONLY),
    # A school leader's account: their shortlists, searches and enquiries; the provider's inbox.
    ("get", "/api/v1/account/shortlists/", None, LEADER_ONLY),
    ("get", "/api/v1/account/saved-searches/", None, LEADER_ONLY),
    ("get", "/api/v1/account/enquiries/", None, LEADER_ONLY),
    ("post", "/api/v1/account/enquiries/", "new-enquiry", {**LEADER_ONLY, "leader": 201}),
    ("get", "/api/v1/account/enquiries/{enquiry}/", None, LEADER_ONLY),
    (
        "post",
        "/api/v1/account/enquiry-threads/{thread}/reply/",
        {"body": "Tuesdays suit us."},
        {**LEADER_ONLY, "leader": 201},
    ),
    ("post", "/api/v1/account/enquiry-threads/{thread}/share-email/", None, LEADER_ONLY),
    ("get", "/api/v1/provider/enquiries/", None, EDITOR_ONLY),
    ("get", "/api/v1/provider/enquiries/{thread}/", None, EDITOR_ONLY),
    (
        "post",
        "/api/v1/provider/enquiries/{thread}/reply/",
        {"body": "We can start in September."},
        {**EDITOR_ONLY, "provider_editor": 201},
    ),
    # Concerns: anyone raises one (anonymously with a stamp); convenors triage; the provider's editors
    # read those about their programmes and respond.
    ("get", "/api/v1/concerns/stamp/", None, PUBLIC),
    ("post", "/api/v1/programmes/{published}/concerns/", "concern", dict.fromkeys(ROLES, 201)),
    ("get", "/api/v1/concerns/", None, only({"provider_editor": 200, "convenor": 200}, otherwise=403)),
    ("post", "/api/v1/concerns/{concern}/dismiss/", {"reason": "The sessions ran online."}, CONVENOR_ONLY),
    ("post", "/api/v1/concerns/{concern}/ask-provider/", {"question": "How many sessions ran?"}, CONVENOR_ONLY),
    ("post", "/api/v1/concerns/{concern}/rereview/", {"public_summary": "Fewer sessions ran."}, CONVENOR_ONLY),
    ("post", "/api/v1/concerns/{concern}/respond/", {"response": "Two ran; eight moved."}, EDITOR_ONLY),
    # A programme still in review is not public: only its editors and the convenors can address it.
    (
        "post",
        "/api/v1/programmes/{in_review}/withdraw/",
        {"reason": "No longer offered."},
        only({"provider_editor": 200, "convenor": 403}, otherwise=404),
    ),
]


@pytest.fixture
def register(provider, provider_editor, reviewer, other_reviewer, convenor, role_users, framework):
    mid = make_mid_review(provider=provider, reviewer=reviewer, other_reviewer=other_reviewer)
    make_spare_reviewer()
    export = ExportJob.objects.create(requested_by=convenor, format="csv")
    applicant = make_user("applicant-abe")
    application = application_submit(
        applicant=applicant,
        current_role="Head of maths",
        experience="Ran a maths hub's CPD.",
        phases=["secondary"],
        focus_levels=["middle-leader"],
        regions=[],
        organisations="",
    )
    export_run(job_id=export.pk)
    feedback_round = feedback_services.feedback_round_create(
        programme=mid.published, by=provider_editor, cohort_label="Spring 2026", cohort_size=3,
        closes_on=date.today() + timedelta(days=10),
    )  # fmt: skip
    codes = Questionnaire.objects.get(is_live=True).questions.values_list("code", flat=True)
    comment = feedback_services.response_submit(
        code=feedback_round.links.first().code, answers=dict.fromkeys(codes, 3), comment="Worth it."
    )
    leader = make_leader()
    shortlist = leader_services.shortlist_create(by=leader, name="Coaching")
    leader_services.shortlist_add(by=leader, shortlist=shortlist, programme=mid.published)
    enquiry = leader_services.enquiry_send(by=leader, request=enquiry_request([provider]), shortlist_id=shortlist.id)
    users = {"leader": leader, **role_users}
    names = {
        "provider": provider.slug,
        "published": mid.published.slug,
        "in_review": mid.in_review.slug,
        "ready": mid.ready.slug,
        "own_review": mid.own_review.id,
        "submitted_review": mid.submitted_review.id,
        "published_review": mid.published_review.id,
        "export": export.pk,
        "round": feedback_round.pk,
        "comment": comment.pk,
        "application": application.pk,
        "shortlist": shortlist.pk,
        "enquiry": enquiry.pk,
        "thread": enquiry.threads.get().pk,
        "concern": Concern.objects.create(programme=mid.published, what="Only two of ten sessions took place.").pk,
    }
    return users, names


def request_for(method, template, body, names):
    if body == "complete-review":
        body = {"scores": full_scores(), "no_conflict_confirmed": True}
    elif body == "new-enquiry":
        body = {"need": "Coaching for new middle leaders.", "phase": "secondary", "staff_count": 6,
                "starts_on": str(date.today() + timedelta(days=30)), "ends_on": str(date.today() + timedelta(days=90)),
                "providers": [names["provider"]], "shortlist": names["shortlist"]}  # fmt: skip
    elif body == "concern":
        # A stamp as the concern form gives, written a while ago: anonymous clients need one.
        stamp = signing.dumps({"shown_at": time.time() - 30}, salt="concern-form")
        body = {"what": "The programme claims ten sessions; two took place.", "stamp": stamp}
    elif body and "assignments" in body:
        body = {"assignments": [{"programme": names["in_review"], "reviewer": "reviewer-ruth"}]}
    return method, template.format(**names), body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "template", "body", "expected"), MATRIX, ids=[f"{m.upper()} {t}" for m, t, _, _ in MATRIX]
)
def test_each_role_gets_what_the_rules_say(register, anonymous, as_user, role, method, template, body, expected):
    users, names = register
    client = anonymous if role == "anonymous" else as_user(users[role])
    method, path, body = request_for(method, template, body, names)

    response = getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)

    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"status", "code", "detail", "errors"}
        assert response.json()["status"] == response.status_code
