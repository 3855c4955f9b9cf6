"""The convenor's pages: the queue, assignment (by hand and by CSV), moderation, publication,
withdrawal and the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from programmes import lifecycle
from programmes import policies as programme_policies
from programmes.models import Programme, ProgrammeChange
from programmes.querystrings import query_without
from programmes.vocabulary import ProgrammeStatus
from programmes.withdraw_page import withdraw_page
from providers.models import Provider
from qaportal.confirmation import Confirmation, act_and_say, confirmation_page
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from qaportal.roles import Role, View, page_for
from ratings.moderation import moderation_flags
from reviews import policies, selectors, services
from reviews.forms import AssignForm, AssignmentsUploadForm, QueueFilterForm, ReleaseForm, ReturnForm, WithdrawForm
from reviews.models import Review, ReviewState

convenor_page = page_for(Role.CONVENOR, "This page is for convenors.")


def convenor_action(view: View) -> View:
    """A convenor's action by a button: a POST only, so that following a link or reloading a page
    never acts, and a convenor's only."""
    return require_POST(convenor_page(view))


def _programme(slug: str) -> Programme:
    return get_object_or_404(Programme.objects.select_related("provider"), slug=slug)


def _review(review_id: int) -> Review:
    return get_object_or_404(Review.objects.select_related("programme__provider", "reviewer"), pk=review_id)


@convenor_page
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ProgrammeStatus.SUBMITTED)
    if status not in (*selectors.QUEUE_STATUSES, selectors.REREVIEW_TAB):
        status = ProgrammeStatus.SUBMITTED
    filters = QueueFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    programmes = selectors.convenor_queue(
        status=status,
        search=chosen.get("q", ""),
        focus_level=chosen.get("focus", ""),
        provider_type=chosen.get("provider_type", ""),
    )
    page = Paginator(programmes, chosen.get("per_page") or 25).get_page(request.GET.get("page"))
    page.object_list = selectors.with_review_counts(list(page.object_list))
    tabs: list[tuple[str, str]] = [(value, ProgrammeStatus(value).label) for value in selectors.QUEUE_STATUSES]
    tabs.append((selectors.REREVIEW_TAB, "Under re-review"))
    changes_waiting = ProgrammeChange.objects.filter(state=ProgrammeChange.State.PENDING).count()
    context = {
        "page": page,
        "status": status,
        "tabs": tabs,
        "changes_waiting": changes_waiting,
        "filters": filters,
        "status_hidden": [("status", status)],
        "query_string": query_without(request.GET, "page"),
        "filter_query": query_without(request.GET, "page", "status"),
    }
    return render(request, "reviews/convenor/queue.html", context)


@convenor_page
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_programme(request, _programme(slug), AssignForm())


def _render_programme(request: HttpRequest, programme: Programme, assign_form: AssignForm, status: int = 200):
    reviews = selectors.programme_reviews(programme=programme)
    framework = reviews[0].framework if reviews else services.live_framework()
    comparison = selectors.side_by_side(programme=programme, reviews=reviews)
    moderation = moderation_flags(programme_ids=[programme.id], framework=framework).get(programme.id)
    accepted = sum(review.state == ReviewState.ACCEPTED for review in reviews)
    context = {
        "programme": programme,
        "reviews": reviews,
        "comparison": comparison,
        "assign_form": assign_form,
        "accepted": accepted,
        "min_reviews": services.live_framework().min_reviews,
        "can_assign": policies.may_assign_reviewers_to(request.user, programme),
        "can_publish": policies.may_publish_programme(request.user, programme),
        "rereview": lifecycle.open_rereview(programme),
        "can_withdraw": programme_policies.may_withdraw_programme(request.user, programme),
        "disagreement_levels": framework.disagreement_levels,
        "moderation": moderation,
        "moderation_element_gap": framework.moderation_element_gap,
    }
    return render(request, "reviews/convenor/programme.html", context, status=status)


@convenor_action
def assign(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    form = AssignForm(request.POST)
    if form.is_valid():
        reviewer = User.objects.filter(username=form.cleaned_data["reviewer"].strip()).first()
        if reviewer is None:
            form.add_error("reviewer", f"No user has the username “{form.cleaned_data['reviewer']}”.")
        else:
            try:
                services.review_assign(programme=programme, reviewer=reviewer, by=request.user)
            except DomainError as error:
                apply_to_form(form, error)
            else:
                messages.success(request, f"{reviewer.username} has been assigned and e-mailed.")
                return redirect("convenor:programme", slug=programme.slug)
    return _render_programme(request, programme, form, status=400)


@convenor_page
def upload(request: SignedInRequest) -> HttpResponse:
    form = AssignmentsUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.assignments_import(csv_text=form.cleaned_data["file"], by=request.user)
        except DomainError as error:
            apply_to_form(form, error)
    context: dict[str, object] = {"form": form, "report": report}
    if report is not None:
        assigned = sum(line.assigned for line in report)
        context.update(assigned=assigned, refused=len(report) - assigned)
    return render(request, "reviews/convenor/upload.html", context)


@convenor_action
def accept(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = _review(review_id)
    accepted = f"Review by {review.reviewer.username} accepted."
    act_and_say(request, lambda: services.review_accept(review=review, by=request.user), accepted)
    if request.POST.get("next") == "review":
        return redirect("convenor:review", review_id=review.id)
    return redirect("convenor:programme", slug=review.programme.slug)


@convenor_action
def publish(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    published = f"“{programme.title}” is published."
    act_and_say(request, lambda: lifecycle.programme_publish(programme=programme, by=request.user), published)
    return redirect("convenor:programme", slug=programme.slug)


# What the page and the message say for each action on one review that needs a comment or reason;
# "{reviewer}" is the reviewer's username. Returning is not marked as a warning: it can be undone.
RETURN_WORDS = {
    "title": "Return a review",
    "heading": "Return the review by {reviewer}",
    "lede": "The reviewer is e-mailed your comment and can change their review and submit it again.",
    "button": "Return review",
    "success": "Review returned to {reviewer} with your comment.",
}
RELEASE_WORDS = {
    "title": "Release a reviewer",
    "heading": "Release {reviewer} from this review",
    "lede": "The assignment ends and any draft scores stop counting. You can then assign another reviewer.",
    "button": "Release reviewer",
    "success": "{reviewer} has been released from this review.",
}
WITHDRAW_WORDS = {
    "title": "Withdraw a published review",
    "heading": "Withdraw the published review by {reviewer}",
    "lede": "The review stops counting towards the rating, which is recomputed.",
    "button": "Withdraw review",
    "success": "Review withdrawn; the programme's rating will be recomputed.",
}


def _review_comment_action(
    request: HttpRequest, review_id: int, *, words: dict[str, str], form_class, act, warning: bool = True
) -> HttpResponse:
    """A convenor's action on one review that needs a comment or reason: the form, the service
    call (its domain errors shown beside the field), then back to the programme with a message."""
    review = _review(review_id)
    page = Confirmation(
        caption=review.programme.title,
        cancel_url=reverse("convenor:programme", kwargs={"slug": review.programme.slug}),
        warning=warning,
        **{key: text.format(reviewer=review.reviewer.username) for key, text in words.items()},
    )
    return confirmation_page(request, form_class(request.POST or None), page, run=lambda data: act(review, data))


@convenor_page
def return_review(request: SignedInRequest, review_id: int) -> HttpResponse:
    act = lambda review, data: services.review_return(review=review, by=request.user, comment=data["comment"])  # noqa: E731
    return _review_comment_action(request, review_id, words=RETURN_WORDS, form_class=ReturnForm, act=act, warning=False)


@convenor_page
def release_review(request: SignedInRequest, review_id: int) -> HttpResponse:
    act = lambda review, data: services.review_release(review=review, by=request.user, reason=data["reason"])  # noqa: E731
    return _review_comment_action(request, review_id, words=RELEASE_WORDS, form_class=ReleaseForm, act=act)


@convenor_page
def withdraw_review(request: SignedInRequest, review_id: int) -> HttpResponse:
    act = lambda review, data: services.review_withdraw(review=review, by=request.user, reason=data["reason"])  # noqa: E731
    return _review_comment_action(request, review_id, words=WITHDRAW_WORDS, form_class=WithdrawForm, act=act)


@convenor_page
def withdraw_programme(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    return withdraw_page(
        request,
        programme,
        WithdrawForm(request.POST or None),
        title="Withdraw a programme",
        lede="The programme leaves the register, its reviews are withdrawn and its rating is removed.",
        success=f"“{programme.title}” has been withdrawn from the register.",
        cancel_url=reverse("convenor:programme", kwargs={"slug": programme.slug}),
    )


@convenor_page
def programme_audit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(slug)
    page = Paginator(selectors.audit_trail(programme=programme), 50).get_page(request.GET.get("page"))
    return render(request, "reviews/convenor/audit.html", {"programme": programme, "page": page, "review": None})


@convenor_page
def provider_audit(request: HttpRequest, provider_slug: str) -> HttpResponse:
    """A provider's own trail: its profile's changes, the renames asked for and the decisions."""
    provider = get_object_or_404(Provider, slug=provider_slug)
    page = Paginator(selectors.audit_trail(provider_id=provider.id), 50).get_page(request.GET.get("page"))
    return render(request, "reviews/convenor/provider_audit.html", {"provider": provider, "page": page, "review": None})


@convenor_page
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _review(review_id)
    page = Paginator(selectors.audit_trail(review=review), 50).get_page(request.GET.get("page"))
    context = {"review": review, "programme": review.programme, "scores": selectors.scores_of(review=review)}
    return render(request, "reviews/convenor/review.html", {**context, "page": page})
