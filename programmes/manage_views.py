"""The provider editor's pages under /provider/: profile, programmes, evidence, submission,
withdrawal, feedback (without reviewer names) and the right of reply."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from programmes import changes, lifecycle, policies, services
from programmes.forms import EvidenceForm, ProgrammeForm, ProgrammeWithdrawForm, ResponseForm
from programmes.models import Programme, ProgrammeChange, ProviderResponse
from programmes.vocabulary import ElementKey, ProgrammeStatus
from programmes.withdraw_page import withdraw_page
from providers import policies as provider_policies
from providers.forms import ProviderProfileForm
from providers.models import Provider
from qaportal.confirmation import act_and_say, act_on_form
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from qaportal.roles import Role, page_for
from qaportal.submissions import create_once
from reviews.accreditation import reaccreditation_context
from reviews.concern_forms import ConcernResponseForm
from reviews.concerns import concern_provider_respond, concerns_for_editor
from reviews.policies import concerns_for_provider_editor
from reviews.selectors import evidence_of, published_feedback
from reviews.self_assessment import beside_reviews

editor_page = page_for(Role.PROVIDER_EDITOR, "This page is for provider editors.")


def _own_programme(request: HttpRequest, slug: str) -> Programme:
    # Another provider's programme is "not found": editors cannot even probe for one.
    programmes = policies.programmes_for_editor(request.user).select_related("provider")
    return get_object_or_404(programmes, slug=slug)


@editor_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """The providers this editor keeps, each with its programmes and their status (two queries)."""
    programmes = Programme.objects.only("id", "title", "slug", "status", "provider_id", "updated_at")
    providers = provider_policies.providers_for_editor(request.user).prefetch_related(
        Prefetch("programmes", queryset=programmes.order_by("title"))
    )
    return render(request, "manage/dashboard.html", {"providers": providers})


@editor_page
def provider_edit(request: SignedInRequest, provider_slug: str) -> HttpResponse:
    provider = get_object_or_404(provider_policies.providers_for_editor(request.user), slug=provider_slug)
    form = ProviderProfileForm(request.POST or None, instance=Provider.objects.get(pk=provider.pk))
    if request.method == "POST" and form.is_valid():
        try:
            waiting = changes.provider_profile_update(provider=provider, by=request.user, data=form.cleaned_data)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, _saved_message(waiting, "Your provider profile has been saved."))
            return redirect("manage:dashboard")
    pending = provider.changes.filter(kind=ProgrammeChange.Kind.PROVIDER, state=ProgrammeChange.State.PENDING).first()
    return render(request, "manage/provider_form.html", {"form": form, "provider": provider, "pending": pending})


def _saved_message(waiting: ProgrammeChange | None, saved: str) -> str:
    if waiting is None:
        return saved
    labels = ", ".join(_field_label(name) for name in waiting.fields)
    return f"{saved} A convenor will check the change to {labels} before it is published."


def _field_label(name: str) -> str:
    part, _, key = name.partition("_")
    if part in ("statement", "links") and key in ElementKey.values:
        return f"{ElementKey(key).label} {'evidence statement' if part == 'statement' else 'supporting links'}"
    for form_class in (ProgrammeForm, ProviderProfileForm):
        field = form_class.base_fields.get(name)
        if field is not None:
            return str(field.label).replace(" (optional)", "").lower()
    return name.replace("_", " ")


@editor_page
def programme_new(request: SignedInRequest, provider_slug: str) -> HttpResponse:
    provider = get_object_or_404(provider_policies.providers_for_editor(request.user), slug=provider_slug)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = create_once(
                token=form.submission_token,
                by=request.user,
                create=lambda: services.programme_create(provider=provider, by=request.user, data=form.cleaned_data),
            )
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, "Programme saved as a draft. Add its evidence portfolio next.")
            return redirect("manage:evidence", slug=programme.slug)
    return render(request, "manage/programme_form.html", {"form": form, "provider": provider, "programme": None})


@editor_page
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _own_programme(request, slug)
    user = request.user
    context = {
        "programme": programme,
        "evidence": evidence_of(programme=programme),
        "may_edit": policies.may_edit_programme(user, programme),
        "may_change": policies.may_change_published(user, programme),
        "changes": programme.changes.select_related("decided_by").order_by("-proposed_at")[:10],
        "evidence_pending": programme.changes.filter(
            kind=ProgrammeChange.Kind.EVIDENCE, state=ProgrammeChange.State.PENDING
        ).first(),
        "may_withdraw": policies.may_withdraw_programme(user, programme),
        "may_read_feedback": policies.may_read_feedback(user, programme),
        "may_submit": policies.may_submit_programme(user, programme),
        **reaccreditation_context(programme),
    }
    return render(request, "manage/programme.html", context)


@editor_page
def programme_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = _own_programme(request, slug)
    if not policies.may_open_edit_form(request.user, programme):
        status = programme.get_status_display().lower()
        messages.error(request, f"This programme is {status}; it can change again once it is published.")
        return redirect("manage:programme", slug=programme.slug)
    published = programme.status == ProgrammeStatus.PUBLISHED
    # The form edits a copy: the service compares what was stored with what was typed.
    form = ProgrammeForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    if published:
        form.explain_published_changes()
    if request.method == "POST" and form.is_valid():
        try:
            message = _save_programme(request, programme, form.cleaned_data, published)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, message)
            return redirect("manage:programme", slug=programme.slug)
    context = {"form": form, "provider": programme.provider, "programme": programme, "published": published}
    return render(request, "manage/programme_form.html", context)


def _save_programme(request: SignedInRequest, programme: Programme, data: dict, published: bool) -> str:
    if not published:
        services.programme_update(programme=programme, by=request.user, data=data)
        return "Your changes have been saved."
    made = changes.published_programme_update(programme=programme, by=request.user, data=data)
    if not made:
        return "Nothing had changed, so nothing was saved."
    parts = []
    if ProgrammeChange.Kind.FACTS in made:
        parts.append("The updated details are on the public page now.")
    waiting = [made[kind] for kind in (ProgrammeChange.Kind.REVIEWED, ProgrammeChange.Kind.PUBLIC_TEXT) if kind in made]
    if waiting:
        labels = ", ".join(_field_label(name) for change in waiting for name in change.fields)
        parts.append(f"A convenor will check the change to {labels} before it is published.")
    return " ".join(parts)


@editor_page
def evidence(request: SignedInRequest, slug: str) -> HttpResponse:
    """A draft's portfolio (or one under re-review) is saved; a published one's change goes to a
    convenor and is shown here, as asked for, until decided."""
    programme = _own_programme(request, slug)
    direct = policies.may_edit_programme(request.user, programme)
    if not direct and not policies.may_change_published(request.user, programme):
        status = programme.get_status_display().lower()
        messages.error(request, f"This programme is {status}; its evidence portfolio can change once it is published.")
        return redirect("manage:programme", slug=programme.slug)
    pending = programme.changes.filter(kind=ProgrammeChange.Kind.EVIDENCE, state=ProgrammeChange.State.PENDING).first()
    form = EvidenceForm(request.POST or None, initial=changes.proposed_evidence(programme))
    if request.method == "POST" and form.is_valid():
        try:
            message = _save_evidence(request, programme, form.evidence(), direct)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, message)
            return redirect("manage:programme", slug=programme.slug)
    context = {"form": form, "programme": programme, "published": not direct, "pending": pending}
    return render(request, "manage/evidence_form.html", context)


def _save_evidence(request: SignedInRequest, programme: Programme, evidence: dict, direct: bool) -> str:
    if direct:
        services.evidence_save(programme=programme, by=request.user, evidence=evidence)
        return "Your evidence portfolio has been saved."
    waiting = changes.evidence_propose(programme=programme, by=request.user, evidence=evidence)
    if waiting is None:
        return "The evidence portfolio is as published, so no change is waiting for a convenor."
    return (
        "A convenor will check the change to the evidence portfolio and decide whether the rating stands. "
        "Until then the published portfolio is unchanged."
    )


@require_POST
@editor_page
def submit(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = _own_programme(request, slug)
    submitted = "Submitted for review. A convenor will assign independent reviewers."
    act_and_say(request, lambda: lifecycle.programme_submit(programme=programme, by=request.user), submitted)
    return redirect("manage:programme", slug=programme.slug)


@require_POST
@editor_page
def resubmit(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = _own_programme(request, slug)
    resubmitted = (
        "Resubmitted for reaccreditation. Update the details and evidence; the current rating stands meanwhile."
    )
    act_and_say(request, lambda: lifecycle.programme_resubmit(programme=programme, by=request.user), resubmitted)
    return redirect("manage:programme", slug=programme.slug)


@editor_page
def concerns(request: SignedInRequest) -> HttpResponse:
    """The concerns raised about this editor's programmes, to read and respond to."""
    return render(request, "manage/concerns.html", {"concerns": concerns_for_editor(user=request.user)})


@editor_page
def concern_respond(request: SignedInRequest, concern_id: int) -> HttpResponse:
    concern = get_object_or_404(concerns_for_provider_editor(request.user), pk=concern_id)
    form = ConcernResponseForm(request.POST or None)
    respond = lambda data: concern_provider_respond(concern=concern, by=request.user, response=data["response"])  # noqa: E731
    if act_on_form(request, form, respond, "Your response has been sent to the convenors."):
        return redirect("manage:concerns")
    return render(request, "manage/concern_respond.html", {"concern": concern, "form": form})


@editor_page
def withdraw(request: SignedInRequest, slug: str) -> HttpResponse:
    programme = _own_programme(request, slug)
    return withdraw_page(
        request,
        programme,
        ProgrammeWithdrawForm(request.POST or None),
        title=f"Withdraw {programme.title}",
        lede="A withdrawn programme leaves the register; any reviews in progress stop and its rating is removed.",
        success=f"“{programme.title}” has been withdrawn.",
        cancel_url=reverse("manage:programme", kwargs={"slug": programme.slug}),
    )


@editor_page
def feedback(request: SignedInRequest, slug: str) -> HttpResponse:
    """The published reviews' scores and comments, numbered, never named; and the response form."""
    programme = _own_programme(request, slug)
    if not policies.may_read_feedback(request.user, programme):
        messages.error(request, "Feedback is available once the programme's reviews are published.")
        return redirect("manage:programme", slug=programme.slug)
    existing = ProviderResponse.objects.filter(programme=programme).first()
    pending = programme.changes.filter(kind=ProgrammeChange.Kind.RESPONSE, state=ProgrammeChange.State.PENDING).first()
    typed = pending.fields["text"][1] if pending else (existing.text if existing else "")
    form = ResponseForm(request.POST or None, initial={"text": typed})
    if request.method == "POST" and form.is_valid():
        try:
            sent = changes.response_propose(programme=programme, by=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            apply_to_form(form, error)
        else:
            if sent:
                messages.success(request, "Thank you. A convenor will check your response before it is published.")
            else:
                messages.success(request, "Your published response is unchanged.")
            return redirect("manage:feedback", slug=programme.slug)
    reviews = published_feedback(programme=programme)
    own = beside_reviews(programme=programme, reviews=reviews, user=request.user)
    context = {"programme": programme, "reviews": reviews, "form": form, "self_assessment": own}
    return render(request, "manage/feedback.html", {**context, "response": existing, "pending": pending})
