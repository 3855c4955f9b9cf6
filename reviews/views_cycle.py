"""Pages of the accreditation cycle: raising a concern (public), triaging concerns and the
"expiring and expired" queue (convenors)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from programmes.models import Programme
from programmes.vocabulary import ProgrammeStatus
from qaportal.client_address import client_address
from qaportal.errors import DomainError, apply_to_form
from qaportal.http import SignedInRequest
from reviews import concerns
from reviews.accreditation import expiring_and_expired
from reviews.concern_forms import AskProviderForm, ConcernForm, DismissForm, OrderRereviewForm
from reviews.models import Concern, ReReview
from reviews.views_convenor import convenor_page


def _client_key(request: HttpRequest) -> str:
    # The client's address as the trusted proxies saw it (the API's concerns use the same).
    return client_address(request) or "unknown"


def raise_concern(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug, status=ProgrammeStatus.PUBLISHED)
    form = ConcernForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                concerns.concern_raise(
                    programme=programme,
                    what=form.cleaned_data["what"],
                    evidence=form.cleaned_data["evidence"],
                    contact=form.cleaned_data["contact"],
                    client_key=_client_key(request),
                )
            except DomainError as error:
                apply_to_form(form, error)
            else:
                return render(request, "reviews/concerns/sent.html", {"programme": programme})
        form.fresh_stamp()
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/concerns/raise.html", {"programme": programme, "form": form}, status=status)


@convenor_page
def concern_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(concerns.concerns_to_triage(), 25).get_page(request.GET.get("page"))
    return render(request, "reviews/concerns/list.html", {"page": page})


# action: (form, service, message on success); each service takes the concern, the convenor and the form's data.
TRIAGE_ACTIONS: dict[str, tuple[type[forms.Form], Callable[..., Concern], str]] = {
    "dismiss": (DismissForm, concerns.concern_dismiss, "Concern dismissed."),
    "ask": (AskProviderForm, concerns.concern_ask_provider, "The provider has been asked to respond."),
    "rereview": (
        OrderRereviewForm,
        concerns.concern_order_rereview,
        "Re-review ordered: assign reviewers on the programme's page.",
    ),
}


@convenor_page
def concern_detail(request: SignedInRequest, concern_id: int) -> HttpResponse:
    concern = get_object_or_404(Concern.objects.select_related("programme__provider"), pk=concern_id)
    chosen = request.POST.get("action") if request.method == "POST" else None
    forms = {name: form_class(request.POST if name == chosen else None, prefix=name)
             for name, (form_class, _, _) in TRIAGE_ACTIONS.items()}  # fmt: skip
    if chosen in TRIAGE_ACTIONS and forms[chosen].is_valid():
        _, act, success = TRIAGE_ACTIONS[chosen]
        try:
            act(concern=concern, by=request.user, **forms[chosen].cleaned_data)
        except DomainError as error:
            apply_to_form(forms[chosen], error)
        else:
            messages.success(request, success)
            return redirect("convenor:concern", concern_id=concern.pk)
    context = {"concern": concern, "forms": forms, "open": concern.status in concerns.CONCERN_OPEN_STATUSES}
    return render(request, "reviews/concerns/detail.html", context, status=400 if chosen else 200)


@convenor_page
def expiring(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(expiring_and_expired(now=now), 50).get_page(request.GET.get("page"))
    under_rereview = set(
        ReReview.objects.filter(
            closed_at__isnull=True, programme_id__in=[v.programme_id for v in page.object_list]
        ).values_list("programme_id", flat=True)
    )
    return render(
        request, "reviews/convenor/expiring.html", {"page": page, "now": now, "under_rereview": under_rereview}
    )
