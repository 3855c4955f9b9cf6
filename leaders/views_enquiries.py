"""Enquiries: the leader's pages under /account/enquiries/ and the provider's inbox under
/provider/enquiries/. Thin: every rule is in ``leaders.services`` and ``leaders.policies``."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from leaders import policies, selectors, services
from leaders.forms import EnquiryForm, ReplyForm
from leaders.models import EnquiryThread
from leaders.views import leader_page
from programmes.manage_views import editor_page
from qaportal.errors import DomainError, ValidationFailed, apply_to_form
from qaportal.http import SignedInRequest, whole_number


def _origin(request: HttpRequest) -> dict[str, int | None]:
    """Where the enquiry starts: a shortlist or a programme page (in the address, then the form)."""
    source = request.POST if request.method == "POST" else request.GET
    origin = {}
    for key in ("shortlist", "programme"):
        origin[f"{key}_id"] = whole_number(source.get(key))
    return origin


def _apply_where_unset(form: EnquiryForm, error: DomainError) -> None:
    """The service's errors beside their fields, but not twice where the form already said it."""
    if isinstance(error, ValidationFailed):
        unsaid = {field: found for field, found in error.field_errors.items() if field not in form.errors}
        error = ValidationFailed(unsaid)
    apply_to_form(form, error)


@leader_page
def enquiry_new(request: SignedInRequest) -> HttpResponse:
    origin = _origin(request)
    choices = selectors.enquiry_choices(request.user, **origin)
    if not choices:
        raise Http404("Start an enquiry from one of your shortlists or a programme's page.")
    initial = {"providers": [str(choices[0].provider.id)]} if origin["programme_id"] else {}
    form = EnquiryForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST":
        form.is_valid()
        try:
            enquiry = services.enquiry_send(by=request.user, request=form.enquiry_request(), **origin)
        except DomainError as error:
            _apply_where_unset(form, error)
        else:
            count = enquiry.threads.count()
            messages.success(request, f"Your enquiry has gone to {count} provider{'s' * (count != 1)}. "
                                      "Their replies appear here, and we e-mail you when one arrives.")  # fmt: skip
            return redirect("leaders:enquiry", enquiry_id=enquiry.id)
    context = {"form": form, "origin": origin, "choices": choices, "limit": services.ENQUIRIES_PER_DAY,
               "most": services.MAX_PROVIDERS_PER_ENQUIRY}  # fmt: skip
    return render(request, "leaders/enquiry_form.html", context, status=400 if form.errors else 200)


@leader_page
def enquiries(request: SignedInRequest) -> HttpResponse:
    return render(request, "leaders/enquiries.html", {"enquiries": selectors.leader_enquiries(request.user)})


def _enquiry_page(
    request: SignedInRequest, enquiry_id: int, *, failed: tuple[int, ReplyForm] | None = None
) -> HttpResponse:
    found = selectors.leader_enquiry(request.user, enquiry_id)
    forms = {thread.id: ReplyForm(auto_id=f"reply-{thread.id}-%s") for thread in found.threads.all()}
    if failed is not None:
        forms[failed[0]] = failed[1]
    threads = [(thread, forms[thread.id]) for thread in found.threads.all()]
    context = {"enquiry": found, "threads": threads, "form": failed[1] if failed else None}
    return render(request, "leaders/enquiry.html", context, status=400 if failed else 200)


@leader_page
def enquiry(request: SignedInRequest, enquiry_id: int) -> HttpResponse:
    return _enquiry_page(request, enquiry_id)


def _leaders_thread(request: SignedInRequest, thread_id: int) -> EnquiryThread:
    threads = policies.threads_for_leader(request.user).select_related("enquiry", "provider")
    return get_object_or_404(threads, pk=thread_id)


@leader_page
@require_POST
def leader_reply(request: SignedInRequest, thread_id: int) -> HttpResponse:
    thread = _leaders_thread(request, thread_id)
    form = ReplyForm(request.POST, auto_id=f"reply-{thread.id}-%s")
    if form.is_valid():
        try:
            services.enquiry_reply(by=request.user, thread=thread, body=form.cleaned_data["body"])
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"Your reply has been sent to {thread.provider.name}.")
            return redirect("leaders:enquiry", enquiry_id=thread.enquiry_id)
    return _enquiry_page(request, thread.enquiry_id, failed=(thread.id, form))


@leader_page
@require_POST
def share_email(request: SignedInRequest, thread_id: int) -> HttpResponse:
    thread = services.enquiry_share_email(by=request.user, thread=_leaders_thread(request, thread_id))
    messages.success(request, f"{thread.provider.name} can now see your e-mail address on this enquiry.")
    return redirect("leaders:enquiry", enquiry_id=thread.enquiry_id)


# --- The provider's inbox ---------------------------------------------------------------------


@editor_page
def inbox(request: SignedInRequest) -> HttpResponse:
    return render(request, "leaders/inbox.html", {"threads": selectors.provider_inbox(request.user)})


@editor_page
def thread(request: SignedInRequest, thread_id: int) -> HttpResponse:
    found = selectors.provider_thread(request.user, thread_id)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_reply(by=request.user, thread=found, body=form.cleaned_data["body"])
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, "Your reply has been sent to the school leader through the register.")
            return redirect("enquiries-provider:thread", thread_id=found.id)
    if request.method == "GET":
        services.enquiry_mark_read(by=request.user, thread=found)
    context = {"thread": found, "form": form, "leader": selectors.leader_label(found)}
    return render(request, "leaders/inbox_thread.html", context, status=400 if form.errors else 200)
