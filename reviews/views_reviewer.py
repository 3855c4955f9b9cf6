"""The reviewer's pages: my assignments, the scoring form, conflicts and affiliations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from programmes.querystrings import query_without
from qaportal.errors import DomainError, InvalidTransition, apply_to_form
from qaportal.http import SignedInRequest
from qaportal.submissions import create_once
from reviews import policies, selectors, services
from reviews.forms import AffiliationForm, AssignmentFilterForm, ConflictForm, EndAffiliationForm, ScoringForm
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
def assignments(request: SignedInRequest) -> HttpResponse:
    filters = AssignmentFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    reviews = selectors.my_assignments(reviewer=request.user, state=chosen.get("state", ""), search=chosen.get("q", ""))
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filters": filters, "query_string": query_without(request.GET, "page")}
    return render(request, "reviews/reviewer/assignments.html", context)


@reviewer_page
def review(request: SignedInRequest, review_id: int) -> HttpResponse:
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
            return _after_save(request, review, criteria)
    else:
        form = ScoringForm(
            initial=ScoringForm.initial_for(review, selectors.scores_of(review=review)),
            criteria=criteria,
            levels=levels,
        )
    return render(request, "reviews/reviewer/review.html", _review_context(request, review, form, editable))


def _after_save(request: HttpRequest, review: Review, criteria) -> HttpResponse:
    """Back to the review; "Save and continue" goes on to the next element's part of the form."""
    url = reverse("reviewer:review", kwargs={"review_id": review.id})
    next_element = request.POST.get("next_element", "")
    if next_element in {criterion.element.key for criterion in criteria} | {"overall"}:
        url += f"#element-{next_element}"
    return redirect(url)


def element_tasks(rows, *, editable: bool) -> list[dict]:
    """The task list at the top of the scoring form: each element, how far it is, and what follows it."""
    tasks: list[dict] = []
    for row in rows:
        element = row.criterion.element
        if not tasks or tasks[-1]["key"] != element.key:
            tasks.append({"key": element.key, "name": element.name, "done": 0, "total": 0})
        tasks[-1]["total"] += 1
        rationale = str(row.rationale.value() or "").strip()
        if row.score.value() and len(rationale) >= services.MIN_RATIONALE_LENGTH:
            tasks[-1]["done"] += 1
    for index, task in enumerate(tasks):
        task["next"] = tasks[index + 1] if index + 1 < len(tasks) else {"key": "overall", "name": "Overall"}
        task["status"] = (
            "Completed" if task["done"] == task["total"] else ("In progress" if task["done"] else "Not started")
        )
    return tasks


def _read_only_message(review: Review) -> str:
    return f"This review is {review.get_state_display().lower()}, so it can no longer be changed."


def _save(request: SignedInRequest, review: Review, form: ScoringForm) -> bool:
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
        "tasks": element_tasks(form.rows(), editable=editable),
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
def declare_conflict(request: SignedInRequest, review_id: int) -> HttpResponse:
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
    if request.method == "POST" and form.is_valid():
        try:
            services.affiliation_end(affiliation=affiliation, by=request.user, ended_on=form.cleaned_data["ended_on"])
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(
                request,
                f"Your affiliation with {affiliation.organisation_name} is recorded as ended. "
                "It still counts as a conflict of interest for three years.",
            )
            return redirect("reviewer:affiliations")
    context = {"affiliation": affiliation, "form": form}
    return render(request, "reviews/reviewer/affiliation_end.html", context, status=400 if form.errors else 200)
