"""School leaders' pages under /account/: sign-up, shortlists and their exports."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from leaders import policies, selectors, services
from leaders.forms import AlertsForm, NoteForm, SavedSearchForm, ShortlistForm, SignUpForm
from leaders.models import LeaderAccount, SavedSearch, ShortlistEntry
from programmes.models import Programme
from qaportal.errors import DomainError, ValidationFailed, apply_to_form
from qaportal.http import SignedInRequest, whole_number
from qaportal.redirects import next_or
from qaportal.roles import LEADER, page_for

leader_page = page_for(LEADER, "This page is for school leaders' accounts.")


def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leader_sign_up(**form.cleaned_data)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            return render(request, "leaders/sign_up_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "leaders/sign_up.html", {"form": form}, status=400 if form.errors else 200)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = services.leader_verify_email(token=token)
    except ValidationFailed as error:
        return render(request, "leaders/verify_failed.html", {"message": error.message}, status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, "Your e-mail address is confirmed. Your account is ready.")
    return redirect("leaders:account")


@leader_page
def account(request: SignedInRequest) -> HttpResponse:
    form = ShortlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shortlist = services.shortlist_create(by=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"Shortlist ‘{shortlist.name}’ made.")
            return redirect("leaders:shortlist", shortlist_id=shortlist.id)
    return _account_page(request, form=form)


def _account_page(request, *, form=None, search_form=None) -> HttpResponse:
    account_row = LeaderAccount.objects.get(user=request.user)
    context = {
        "shortlists": selectors.shortlists_with_counts(request.user),
        "form": form or ShortlistForm(),
        "searches": SavedSearch.objects.filter(owner=request.user),
        "search_form": search_form or SavedSearchForm(),
        "alerts_form": AlertsForm(initial={"alert_frequency": account_row.alert_frequency}),
    }
    bad = (form and form.errors) or (search_form and search_form.errors)
    return render(request, "leaders/account.html", context, status=400 if bad else 200)


@leader_page
@require_POST
def search_save(request: SignedInRequest) -> HttpResponse:
    """Save a search: from the directory's button (its query) or a pasted directory address."""
    if "query" in request.POST:
        query = services.directory_query(request.POST["query"])
        try:
            search = services.saved_search_create(by=request.user, name=request.POST.get("name", ""), query=query)
        except DomainError as error:
            # Too many saved already, or a name the text rule refuses: said on the page it came from.
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Search saved as ‘{search.name}’. We will tell you about new programmes it finds."
            )
        return next_or(request, reverse("leaders:account"))
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        try:
            query = services.directory_query(form.cleaned_data["url"])
            search = services.saved_search_create(by=request.user, name=form.cleaned_data["name"], query=query)
        except DomainError as error:
            apply_to_form(form, error)
        else:
            messages.success(request, f"Search saved as ‘{search.name}’.")
            return redirect("leaders:account")
    return _account_page(request, search_form=form)


@leader_page
@require_POST
def search_delete(request: SignedInRequest, search_id: int) -> HttpResponse:
    search = get_object_or_404(SavedSearch, pk=search_id, owner=request.user)
    services.saved_search_delete(by=request.user, search=search)
    messages.success(request, f"Search ‘{search.name}’ deleted.")
    return redirect("leaders:account")


@leader_page
@require_POST
def alerts_settings(request: SignedInRequest) -> HttpResponse:
    form = AlertsForm(request.POST)
    if form.is_valid():
        services.alert_frequency_set(user=request.user, frequency=form.cleaned_data["alert_frequency"])
        messages.success(request, "Your e-mail alert setting is saved.")
    return redirect("leaders:account")


# Mail clients make the one-click POST of RFC 8058 without a session or CSRF token: the signed
# token in the address is what authenticates it.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    from leaders.alerts import unsubscribe_user_id
    from leaders.models import AlertFrequency

    user_id = unsubscribe_user_id(token)
    if user_id is None or not LeaderAccount.objects.filter(user_id=user_id).exists():
        message = "This unsubscribe link is not valid. Sign in to change your alerts."
        return render(request, "leaders/verify_failed.html", {"message": message}, status=400)
    if request.method == "POST":
        LeaderAccount.objects.filter(user_id=user_id).update(alert_frequency=AlertFrequency.NEVER)
        return render(request, "leaders/unsubscribed.html")
    return render(request, "leaders/unsubscribe.html", {"token": token})


@leader_page
def shortlist(request: HttpRequest, shortlist_id: int) -> HttpResponse:
    found = selectors.shortlist_with_entries(request.user, shortlist_id)
    return render(request, "leaders/shortlist.html", {"shortlist": found})


@leader_page
@require_POST
def shortlist_add(request: SignedInRequest) -> HttpResponse:
    """Add a programme from the directory, its page or compare: to a chosen list or a new one."""
    programme = get_object_or_404(Programme, pk=whole_number(request.POST.get("programme")) or 0)
    try:
        if request.POST.get("shortlist") == "new" or not request.POST.get("shortlist"):
            target = services.shortlist_create(by=request.user, name=request.POST.get("new_name") or "My shortlist")
        else:
            chosen = whole_number(request.POST["shortlist"]) or 0
            target = get_object_or_404(policies.shortlists_for(request.user), pk=chosen)
        services.shortlist_add(
            by=request.user, shortlist=target, programme=programme, note=request.POST.get("note", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"‘{programme.title}’ is on your shortlist ‘{target.name}’.")
    return next_or(request, programme.get_absolute_url())


def _own_entry(request: HttpRequest, entry_id: int) -> ShortlistEntry:
    entries = ShortlistEntry.objects.filter(shortlist__in=policies.shortlists_for(request.user))
    return get_object_or_404(entries.select_related("shortlist", "programme"), pk=entry_id)


@leader_page
@require_POST
def entry_note(request: SignedInRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.shortlist_note_update(by=request.user, entry=entry, note=form.cleaned_data["note"])
        messages.success(request, f"Note on ‘{entry.programme.title}’ saved.")
    else:
        messages.error(request, str(form.errors["note"][0]))
    return redirect("leaders:shortlist", shortlist_id=entry.shortlist_id)


@leader_page
@require_POST
def entry_remove(request: SignedInRequest, entry_id: int) -> HttpResponse:
    entry = _own_entry(request, entry_id)
    services.shortlist_remove(by=request.user, entry=entry)
    messages.success(request, f"‘{entry.programme.title}’ removed from the shortlist.")
    return redirect("leaders:shortlist", shortlist_id=entry.shortlist_id)


@leader_page
def shortlist_export(request: HttpRequest, shortlist_id: int, file_format: str) -> HttpResponse:
    """The shortlist as a commissioning table with each programme's evidence summary."""
    if file_format not in {"csv", "xlsx"}:
        raise Http404("Exports are CSV or XLSX")
    found = selectors.shortlist_with_entries(request.user, shortlist_id)
    rows = selectors.export_rows(found, request.build_absolute_uri("/").rstrip("/"))
    filename = f"shortlist-{found.id}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(selectors.EXPORT_HEADER)
        writer.writerows(rows)
    else:
        response = HttpResponse(_workbook(found.name, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(title: str, rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Shortlist")
    sheet.append([f"Commissioning shortlist: {title}"])
    sheet.append(selectors.EXPORT_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
