"""The reviewer's pages: my assignments, the scoring form, conflicts and affiliations."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from programmes.querystrings import query_without
from qaportal.confirmation import Confirmation, act_on_form, confirmation_page
from qaportal.errors import DomainError, InvalidTransition, ValidationFailed, apply_to_form
from qaportal.http import SignedInRequest
from qaportal.roles import Role, page_for
from qaportal.submissions import create_once
from reviews import policies, selectors, services
from reviews.forms import (
    AffiliationForm,
    AssignmentFilterForm,
    ConflictForm,
    EndAffiliationForm,
    ReviewOverallForm,
    ScoringForm,
    chosen_service,
)
from reviews.models import Review
from reviews.scoring_journey import ElementPage, Journey, element_step, framework_journey, render_element_page

reviewer_page = page_for(Role.REVIEWER, "This page is for reviewers.")


def _own_review(request: HttpRequest, review_id: int) -> Review:
    # Another reviewer's review is "not found", never "forbidden": its existence does not leak.
    reviews = policies.reviews_for_reviewer(request.user).select_related("programme__provider", "framework")
    return get_object_or_404(reviews, pk=review_id)


@reviewer_page
def assignments(request: SignedInRequest) -> HttpResponse:
    filters = AssignmentFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    reviews = selectors.my_assignments(reviewer=request.user, state=chosen.get("state", ""), search=chosen.get("q", ""))
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query_string": query_without(request.GET, "page")}
    return render(request, "reviews/reviewer/assignments.html", context)


def review_journey(review: Review) -> Journey:
    """The review's scoring journey: its framework's elements, what is saved, and its pages."""

    return framework_journey(
        review.framework_id,
        load_saved=lambda: selectors.saved_answers(review=review),
        element_url=lambda key: reverse("reviewer:review-element", kwargs={"review_id": review.id, "element_key": key}),
        check_url=reverse("reviewer:review-check", kwargs={"review_id": review.id}),
    )


@reviewer_page
def review(request: SignedInRequest, review_id: int) -> HttpResponse:
    """The task list of a review (its five elements, then "Declare conflicts and submit"); read-only
    once handed in (unless returned). A whole form posted here (every criterion and the overall
    questions, as the one-page form used to send) is saved or submitted as before."""
    review = _own_review(request, review_id)
    editable = policies.may_edit_review(request.user, review)
    if request.method == "POST":
        if not editable:
            messages.error(request, InvalidTransition(_read_only_message(review)).message)
            return redirect("reviewer:review", review_id=review.id)
        return _hand_in(request, review, posted_whole=True)
    journey = review_journey(review)
    context = {
        "review": review,
        "programme": review.programme,
        "editable": editable,
        "journey": journey,
        "evidence": selectors.evidence_of(programme=review.programme),
        "comparison": _blind_comparison(request.user, review),
    }
    return render(request, "reviews/reviewer/review.html", context)


def _editable_or_back(request: HttpRequest, review: Review) -> HttpResponse | None:
    if policies.may_edit_review(request.user, review):
        return None
    messages.error(request, _read_only_message(review))
    return redirect("reviewer:review", review_id=review.id)


@reviewer_page
def review_element(request: SignedInRequest, review_id: int, element_key: str) -> HttpResponse:
    """One element's criteria. "Save and continue" saves the draft and, once the element is
    complete, goes on to the next; "Save and come back later" saves it and returns to the list."""
    review = _own_review(request, review_id)
    if refused := _editable_or_back(request, review):
        return refused
    journey = review_journey(review)
    next_url, task, form = element_step(
        request,
        journey,
        element_key,
        save=lambda scores: services.review_save_draft(review=review, by=request.user, scores=scores),
        later_url=reverse("reviewer:review", kwargs={"review_id": review.id}),
    )
    if next_url:
        return redirect(next_url)
    return _element_page(request, review, journey, task, form)


def _element_page(request, review: Review, journey: Journey, task, form) -> HttpResponse:
    page = ElementPage(
        programme=review.programme,
        caption=f"Review of {review.programme.title}",
        back_url=reverse("reviewer:review", kwargs={"review_id": review.id}),
        back_name="the five elements",
    )
    return render_element_page(request, journey, task, form, page, review=review)


@reviewer_page
def review_check(request: SignedInRequest, review_id: int) -> HttpResponse:
    """Check the scores, answer the overall questions and submit (or save and come back later)."""
    review = _own_review(request, review_id)
    if refused := _editable_or_back(request, review):
        return refused
    if request.method == "POST":
        return _hand_in(request, review, posted_whole=False)
    form = ReviewOverallForm(
        initial={"overall_comment": review.overall_comment, "no_conflict_confirmed": review.no_conflict_confirmed}
    )
    return _check_page(request, review, review_journey(review), form, {})


def _hand_in(request: SignedInRequest, review: Review, *, posted_whole: bool) -> HttpResponse:
    """Save or submit what was posted; a refusal shows the check page, every missing answer linked
    to its element's page. The one-page form's post carries criteria too (only those posted are saved)."""
    journey = review_journey(review)
    if posted_whole:
        posted = {key.split("_", 1)[1] for key in request.POST if key.startswith(("score_", "rationale_"))}
        criteria = [criterion for criterion in journey.criteria if str(criterion.id) in posted]
        form: ScoringForm | ReviewOverallForm = ScoringForm(request.POST, criteria=criteria, levels=journey.levels)
    else:
        form = ReviewOverallForm(request.POST)
    refused = _save(request, review, form) if form.is_valid() else {}
    if refused is None:
        return redirect("reviewer:review", review_id=review.id)
    return _check_page(request, review, review_journey(review), form, refused)


def _save(
    request: SignedInRequest, review: Review, form: ScoringForm | ReviewOverallForm
) -> dict[str, list[str]] | None:
    """Save or submit; None when done, else the errors per field (what was typed is kept as a draft)."""
    handing_in, action = chosen_service(request, submit=services.review_submit, save=services.review_save_draft)
    try:
        action(
            review=review,
            by=request.user,
            scores=form.score_inputs() if isinstance(form, ScoringForm) else {},
            overall_comment=form.cleaned_data["overall_comment"],
            no_conflict_confirmed=form.cleaned_data["no_conflict_confirmed"],
        )
    except ValidationFailed as error:
        for name, field_messages in error.field_errors.items():
            if name in form.fields or name == "__all__":
                for message in field_messages:
                    form.add_error(name if name in form.fields else None, message)
        review.refresh_from_db()  # what was typed is saved as a draft even when a submit is refused
        return error.field_errors
    except DomainError as error:
        form.add_error(None, error.message)
        return {"__all__": [error.message]}
    messages.success(request, "Your review has been submitted." if handing_in else "Your draft has been saved.")
    return None


def _check_page(request, review: Review, journey: Journey, form, refused: dict[str, list[str]]) -> HttpResponse:
    errors = dict(refused)
    for name, field_messages in form.errors.items():
        errors.setdefault(name, list(field_messages))
    context = {
        "review": review,
        "programme": review.programme,
        "journey": journey,
        "form": form,
        "error_links": journey.error_links(errors),
        "back_url": reverse("reviewer:review", kwargs={"review_id": review.id}),
    }
    return render(request, "reviews/reviewer/check.html", context)


def _read_only_message(review: Review) -> str:
    return f"This review is {review.get_state_display().lower()}, so it can no longer be changed."


def _blind_comparison(user, review: Review):
    """Everyone's handed-in scores, but only once this reviewer has handed in their own."""
    if not policies.may_see_other_reviews(user, review):
        return None
    reviews = [review, *selectors.other_handed_in_reviews(review=review)]
    return selectors.side_by_side(programme=review.programme, reviews=reviews)


@reviewer_page
def declare_conflict(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = _own_review(request, review_id)
    if not policies.may_declare_conflict(request.user, review):
        messages.error(request, _read_only_message(review))
        return redirect("reviewer:review", review_id=review.id)
    page = Confirmation(
        title="Declare a conflict of interest",
        caption=review.programme.title,
        heading="Declare a conflict of interest",
        lede="Declaring a conflict releases this assignment: you will not review this programme, and the convenor "
        "will be told so that they can assign someone else.",
        button="Declare conflict and release",
        cancel_url=reverse("reviewer:review", kwargs={"review_id": review.id}),
        success="Conflict declared. The assignment is released and the convenor has been told.",
        done_url=reverse("reviewer:assignments"),
    )
    declare = lambda data: services.review_declare_conflict(review=review, by=request.user, note=data["conflict_note"])  # noqa: E731
    return confirmation_page(request, ConflictForm(request.POST or None), page, run=declare)


@reviewer_page
def affiliations(request: SignedInRequest) -> HttpResponse:
    form = AffiliationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            typed = {name: form.cleaned_data[name] for name in ("organisation_name", "role", "ended_on")}
            create_once(
                token=form.submission_token,
                by=request.user,
                create=lambda: services.affiliation_add(reviewer=request.user, **typed),
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['organisation_name']} added to your affiliations.")
            return redirect("reviewer:affiliations")
    recorded = policies.affiliations_for(request.user).select_related("provider")
    return render(request, "reviews/reviewer/affiliations.html", {"form": form, "affiliations": recorded})


@reviewer_page
def affiliation_end(request: SignedInRequest, affiliation_id: int) -> HttpResponse:
    """Record the date the reviewer left; the affiliation stays on their record (never erased)."""
    affiliation = get_object_or_404(policies.affiliations_for(request.user), pk=affiliation_id)
    form = EndAffiliationForm(request.POST or None)
    end = lambda data: services.affiliation_end(affiliation=affiliation, by=request.user, ended_on=data["ended_on"])  # noqa: E731
    ended = (
        f"Your affiliation with {affiliation.organisation_name} is recorded as ended. "
        "It still counts as a conflict of interest for three years."
    )
    if act_on_form(request, form, end, ended):
        return redirect("reviewer:affiliations")
    context = {"affiliation": affiliation, "form": form}
    return render(request, "reviews/reviewer/affiliation_end.html", context, status=400 if form.errors else 200)
