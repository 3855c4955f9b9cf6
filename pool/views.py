"""The reviewer pool's pages: applying (anyone signed in), calibration (reviewers), and the
pool, applications, calibration exercises and suggested assignments (convenors)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pool import calibration, policies, selectors, services, suggestions
from pool.eligibility import candidates
from pool.forms import ApplicationForm, DeclineForm, ExerciseForm, PoolFilterForm, ProfileForm
from pool.measures import reviewer_measures
from pool.models import ApplicationStatus, ReviewerApplication, ReviewerProfile, ReviewerStatus
from programmes.models import Programme
from programmes.querystrings import query_without
from qaportal.confirmation import act_and_say, act_on_form
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest, whole_number
from qaportal.roles import page_for
from qaportal.text import search_words
from reviews import selectors as review_selectors
from reviews.forms import ScoringForm, chosen_service, submitting
from reviews.services import MIN_RATIONALE_LENGTH
from reviews.views_convenor import convenor_page
from reviews.views_reviewer import reviewer_page

PAGE_SIZE = 50


# --- Applying --------------------------------------------------------------------------------


@login_required
def apply(request: SignedInRequest) -> HttpResponse:
    if not policies.may_apply(request.user):
        messages.info(request, "You are already in the reviewer pool.")
        return redirect("pool:application")
    pending = selectors.latest_application(applicant=request.user)
    if pending and pending.status == ApplicationStatus.PENDING:
        return redirect("pool:application")
    form = ApplicationForm(request.POST or None)
    submit = lambda data: services.application_submit(applicant=request.user, **data)  # noqa: E731
    if act_on_form(request, form, submit, "Application sent. A convenor will accept or decline it."):
        return redirect("pool:application")
    return render(request, "pool/apply.html", {"form": form})


@login_required
def application(request: SignedInRequest) -> HttpResponse:
    context = {
        "application": selectors.latest_application(applicant=request.user),
        "profile": ReviewerProfile.objects.filter(reviewer=request.user).first(),
    }
    return render(request, "pool/application.html", context)


# --- Calibration (reviewers) -----------------------------------------------------------------


@reviewer_page
@page_for(policies.may_take_calibration, "Calibration is for members of the reviewer pool.")
def calibration_home(request: SignedInRequest) -> HttpResponse:
    context = {
        "exercise": calibration.exercise_for(reviewer=request.user),
        "attempts": selectors.attempts_of(reviewer=request.user),
        "profile": ReviewerProfile.objects.select_related("calibrated_for").get(reviewer=request.user),
    }
    return render(request, "pool/calibration_home.html", context)


@require_POST
@reviewer_page
def calibration_start(request: SignedInRequest) -> HttpResponse:
    try:
        attempt = calibration.attempt_start(reviewer=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("pool:calibration")
    return redirect("pool:attempt", attempt_id=attempt.id)


def _own_attempt(request: HttpRequest, attempt_id: int):
    attempts = policies.attempts_for(request.user).select_related(
        "exercise__programme__provider", "exercise__framework"
    )
    return get_object_or_404(attempts, pk=attempt_id)


@reviewer_page
def attempt(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    """The calibration exercise, scored through the same form as a review."""
    attempt = _own_attempt(request, attempt_id)
    if attempt.state != "draft":
        return redirect("pool:attempt-result", attempt_id=attempt.id)
    exercise = attempt.exercise
    criteria = review_selectors.framework_criteria(framework_id=exercise.framework_id)
    levels = review_selectors.level_names(framework_id=exercise.framework_id)
    if request.method == "POST":
        form = ScoringForm(request.POST, criteria=criteria, levels=levels)
        if form.is_valid() and _save_attempt(request, attempt, form):
            return redirect("pool:attempt-result" if submitting(request) else "pool:attempt", attempt_id=attempt.id)
    else:
        form = ScoringForm(initial=calibration.saved_form_values(attempt), criteria=criteria, levels=levels)
    context = {
        "attempt": attempt,
        "exercise": exercise,
        "programme": exercise.programme,
        "form": form,
        "rows": form.rows(),
        "evidence": review_selectors.evidence_of(programme=exercise.programme),
        "min_rationale": MIN_RATIONALE_LENGTH,
    }
    return render(request, "pool/attempt.html", context, status=400 if form.errors else 200)


def _save_attempt(request: SignedInRequest, attempt, form: ScoringForm) -> bool:
    handing_in, action = chosen_service(request, submit=calibration.attempt_submit, save=calibration.attempt_save)
    try:
        comment = form.cleaned_data["overall_comment"]
        action(attempt=attempt, by=request.user, scores=form.score_inputs(), overall_comment=comment)
    except DomainError as error:
        apply_to_form(form, error)
        return False
    if not handing_in:
        messages.success(request, "Your draft has been saved.")
    return True


@reviewer_page
def attempt_result(request: SignedInRequest, attempt_id: int) -> HttpResponse:
    attempt = _own_attempt(request, attempt_id)
    if attempt.state == "draft":
        return redirect("pool:attempt", attempt_id=attempt.id)
    rows = calibration.differences(attempt=attempt)
    context = {"attempt": attempt, "rows": rows, "differing": sum(1 for row in rows if row.gap)}
    return render(request, "pool/attempt_result.html", context)


# --- The pool (convenors) --------------------------------------------------------------------


@convenor_page
def pool_list(request: SignedInRequest) -> HttpResponse:
    filters = PoolFilterForm(request.GET)
    status, search = filters.chosen()
    page = Paginator(selectors.pool_members(status=status, search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [profile.reviewer_id for profile in page.object_list]
    workload = {candidate.reviewer_id: candidate for candidate in candidates(reviewer_ids=ids)}
    measures = reviewer_measures(reviewer_ids=ids)
    rows = [(profile, workload.get(profile.reviewer_id), measures[profile.reviewer_id]) for profile in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "search": search,
        "filters": filters,
        "query_string": query_without(request.GET, "page"),
        "statuses": ReviewerStatus.choices,
        "pending": selectors.pending_applications().count(),
    }
    return render(request, "pool/pool_list.html", context)


@convenor_page
def reviewer_detail(request: SignedInRequest, username: str) -> HttpResponse:
    profile = get_object_or_404(
        ReviewerProfile.objects.select_related("reviewer", "calibrated_for"), reviewer__username=username
    )
    initial = {
        "status": profile.status,
        "capacity": profile.capacity,
        "phases": list(profile.phases),
        "focus_levels": list(profile.focus_levels),
        "expertise_tags": ", ".join(profile.expertise_tags),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                profile=profile,
                by=request.user,
                status=data["status"],
                capacity=data["capacity"],
                expertise_tags=form.tags(),
                phases=data["phases"],
                focus_levels=data["focus_levels"],
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"{username}'s pool record has been updated.")
            return redirect("pool:reviewer", username=username)
    context = {
        "profile": profile,
        "form": form,
        "workload": candidates(reviewer_ids=[profile.reviewer_id])[0],
        "measures": reviewer_measures(reviewer_ids=[profile.reviewer_id])[profile.reviewer_id],
        "affiliations": profile.reviewer.affiliations.select_related("provider"),
        "attempts": selectors.attempts_of(reviewer=profile.reviewer),
        "events": profile.reviewer.pool_events.select_related("actor")[:20],
    }
    return render(request, "pool/reviewer_detail.html", context, status=400 if form.errors else 200)


@convenor_page
def applications(request: SignedInRequest) -> HttpResponse:
    return render(request, "pool/applications.html", {"applications": selectors.pending_applications()})


def _application(application_id: int) -> ReviewerApplication:
    return get_object_or_404(ReviewerApplication.objects.select_related("applicant"), pk=application_id)


@convenor_page
def application_detail(request: SignedInRequest, application_id: int) -> HttpResponse:
    application = _application(application_id)
    form = DeclineForm(request.POST or None)
    decline = lambda data: services.application_decline(application=application, by=request.user, reason=data["reason"])  # noqa: E731
    if act_on_form(request, form, decline, f"{application.applicant.username}'s application has been declined."):
        return redirect("pool:applications")
    return render(request, "pool/application_detail.html", {"application": application, "form": form})


@require_POST
@convenor_page
def application_accept(request: SignedInRequest, application_id: int) -> HttpResponse:
    application = _application(application_id)
    accept = lambda: services.application_accept(application=application, by=request.user)  # noqa: E731
    if act_and_say(request, accept, f"{application.applicant.username} has joined the pool in training."):
        return redirect("pool:applications")
    return redirect("pool:application-detail", application_id=application.id)


# --- Calibration exercises (convenors) -------------------------------------------------------


@convenor_page
def exercises(request: SignedInRequest) -> HttpResponse:
    form = ExerciseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exercise = calibration.exercise_create(
                title=form.cleaned_data["title"], programme_slug=form.cleaned_data["programme"], by=request.user
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            return redirect("pool:exercise", exercise_id=exercise.id)
    return render(request, "pool/exercises.html", {"form": form, "exercises": selectors.exercises()})


@convenor_page
def exercise(request: SignedInRequest, exercise_id: int) -> HttpResponse:
    """The panel's reference scores and rationales, entered through the scoring form."""
    exercise = get_object_or_404(selectors.exercises(), pk=exercise_id)
    criteria = review_selectors.framework_criteria(framework_id=exercise.framework_id)
    levels = review_selectors.level_names(framework_id=exercise.framework_id)
    if request.method == "POST":
        form = ScoringForm(request.POST, criteria=criteria, levels=levels)
        if form.is_valid():
            opening = request.POST.get("action") == "open"
            try:
                calibration.references_save(
                    exercise=exercise, by=request.user, scores=form.score_inputs(), open_it=opening
                )
            except DomainError as error:
                apply_to_form(form, error)
            else:
                messages.success(request, "The exercise is open to reviewers." if opening else "Reference saved.")
                return redirect("pool:exercise", exercise_id=exercise.id)
    else:
        initial: dict[str, object] = {}
        for reference in exercise.references.all():
            initial[f"score_{reference.criterion_id}"] = reference.score
            initial[f"rationale_{reference.criterion_id}"] = reference.rationale
        form = ScoringForm(initial=initial, criteria=criteria, levels=levels)
    context = {"exercise": exercise, "form": form, "rows": form.rows(), "min_rationale": MIN_RATIONALE_LENGTH}
    return render(request, "pool/exercise.html", context, status=400 if form.errors else 200)


# --- Suggested assignment (convenors) --------------------------------------------------------


def _chosen_pairs(request: HttpRequest) -> list[tuple[int, int]]:
    pairs = []
    for value in request.POST.getlist("assign"):
        programme_id, _, reviewer_id = value.partition(":")
        programme, reviewer = whole_number(programme_id), whole_number(reviewer_id)
        if programme is not None and reviewer is not None:
            pairs.append((programme, reviewer))
    return pairs


def _assign_and_report(request: SignedInRequest, pairs: list[tuple[int, int]]):
    outcomes = services.assignments_make(choices=pairs, by=request.user)
    assigned = sum(outcome.assigned for outcome in outcomes)
    refused = [outcome for outcome in outcomes if not outcome.assigned]
    if assigned:
        messages.success(request, f"{assigned} reviewer{'s' if assigned != 1 else ''} assigned and e-mailed.")
    for outcome in refused:
        messages.error(request, f"{outcome.programme_title}: {outcome.message}")
    return outcomes


@convenor_page
def queue_suggestions(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        pairs = _chosen_pairs(request)
        if not pairs:
            messages.error(request, "Tick at least one suggested reviewer to assign.")
        else:
            _assign_and_report(request, pairs)
        return redirect("pool:queue-suggestions")
    suggested = suggestions.suggest_for_queue()
    return render(request, "pool/queue_suggestions.html", {"suggestions": suggested})


@convenor_page
def choose_reviewers(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("provider"), slug=slug)
    if request.method == "POST":
        pairs = [
            (programme.id, reviewer_id)
            for chosen_programme, reviewer_id in _chosen_pairs(request)
            if chosen_programme == programme.id
        ]
        if not pairs:
            messages.error(request, "Choose a reviewer to assign.")
        else:
            _assign_and_report(request, pairs)
        return redirect("pool:choose", slug=programme.slug)
    suggestion, choices = suggestions.choices_for_programme(programme_id=programme.id)
    search = search_words(request.GET.get("q")).lower()
    if search:
        choices = [
            choice
            for choice in choices
            if search in choice.candidate.username.lower()
            or search in choice.candidate.name.lower()
            or search in " ".join(choice.candidate.tags)
        ]
    page = Paginator(choices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"programme": programme, "suggestion": suggestion, "page": page, "search": search}
    return render(request, "pool/choose_reviewers.html", context)
