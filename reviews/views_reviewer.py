"""The reviewer's pages: my assignments, the scoring form, conflicts and affiliations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from qaportal.errors import DomainError, InvalidTransition, apply_to_form
from reviews import policies, selectors, services
from reviews.forms import AffiliationForm, ConflictForm, ScoringForm
from reviews.models import Review


def reviewer_page(view):
    """Signed-in reviewers only: anonymous users are sent to sign in, others refused."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not policies.is_reviewer(request.user):
            raise PermissionDenied("This page is for reviewers.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _own_review(request: HttpRequest, review_id: int) -> Review:
    # Another reviewer's review is "not found", never "forbidden": its existence does not leak.
    reviews = policies.reviews_for_reviewer(request.user).select_related("programme__provider", "framework")
    return get_object_or_404(reviews, pk=review_id)


@reviewer_page
def assignments(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_assignments(reviewer=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "reviews/reviewer/assignments.html", {"page": page})


@reviewer_page
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    """Score a programme; read-only once handed in (unless returned)."""
    review = _own_review(request, review_id)
    criteria = selectors.framework_criteria(framework_id=review.framework_id)
    levels = selectors.level_names(framework_id=review.framework_id)
    editable = policies.may_edit_review(request.user, review)
    if request.method == "POST":
        if not editable:
            messages.error(request, InvalidTransition(_read_only_message(review)).message)
            return redirect("reviewer:review", review_id=review.id)
        form = ScoringForm(request.POST, criteria=criteria, levels=levels)
        if form.is_valid() and _save(request, review, form):
            return redirect("reviewer:review", review_id=review.id)
    else:
        form = ScoringForm(
            initial=ScoringForm.initial_for(review, selectors.scores_of(review=review)),
            criteria=criteria,
            levels=levels,
        )
    return render(request, "reviews/reviewer/review.html", _review_context(request, review, form, editable))


def _read_only_message(review: Review) -> str:
    return f"This review is {review.get_state_display().lower()}, so it can no longer be changed."


def _save(request: HttpRequest, review: Review, form: ScoringForm) -> bool:
    submitting = request.POST.get("action") == "submit"
    action = services.review_submit if submitting else services.review_save_draft
    try:
        action(
            review=review,
            by=request.user,
            scores=form.score_inputs(),
            overall_comment=form.cleaned_data["overall_comment"],
            no_conflict_confirmed=form.cleaned_data["no_conflict_confirmed"],
        )
    except DomainError as error:
        apply_to_form(form, error)
        review.refresh_from_db()  # what was typed is saved as a draft even when a submit is refused
        return False
    messages.success(request, "Your review has been submitted." if submitting else "Your draft has been saved.")
    return True


def _review_context(request, review: Review, form: ScoringForm, editable: bool) -> dict:
    return {
        "review": review,
        "programme": review.programme,
        "form": form,
        "editable": editable,
        "rows": form.rows(),
        "evidence": selectors.evidence_of(programme=review.programme),
        "scores": {} if editable else {row.criterion_id: row for row in selectors.scores_of(review=review)},
        "comparison": _blind_comparison(request.user, review),
        "min_rationale": services.MIN_RATIONALE_LENGTH,
    }


def _blind_comparison(user, review: Review):
    """Everyone's handed-in scores, but only once this reviewer has handed in their own."""
    if not policies.may_see_other_reviews(user, review):
        return None
    reviews = [review, *selectors.other_handed_in_reviews(review=review)]
    return selectors.side_by_side(programme=review.programme, reviews=reviews)


@reviewer_page
def declare_conflict(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _own_review(request, review_id)
    if not policies.may_declare_conflict(request.user, review):
        messages.error(request, _read_only_message(review))
        return redirect("reviewer:review", review_id=review.id)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_declare_conflict(review=review, by=request.user, note=form.cleaned_data["conflict_note"])
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, "Conflict declared. The assignment is released and the convenor has been told.")
            return redirect("reviewer:assignments")
    return render(request, "reviews/reviewer/conflict.html", {"review": review, "form": form})


@reviewer_page
def affiliations(request: HttpRequest) -> HttpResponse:
    form = AffiliationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.affiliation_add(reviewer=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['organisation_name']} added to your affiliations.")
            return redirect("reviewer:affiliations")
    recorded = policies.affiliations_for(request.user).select_related("provider")
    return render(request, "reviews/reviewer/affiliations.html", {"form": form, "affiliations": recorded})


@require_POST
@reviewer_page
def affiliation_delete(request: HttpRequest, affiliation_id: int) -> HttpResponse:
    affiliation = get_object_or_404(policies.affiliations_for(request.user), pk=affiliation_id)
    services.affiliation_remove(affiliation=affiliation, by=request.user)
    messages.success(request, f"{affiliation.organisation_name} removed from your affiliations.")
    return redirect("reviewer:affiliations")
