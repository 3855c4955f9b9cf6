from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from feedback.selectors import participant_ratings_for, participant_summary
from programmes import compare, selectors
from programmes.directory_version import current_version, directory_database
from programmes.facets import DirectorySnapshot, snapshots
from programmes.models import Programme
from programmes.querystrings import directory_context, query_without
from programmes.standing import programme_standing
from programmes.vocabulary import DeliveryMode, ElementKey, FocusLevel, Format
from providers.badge import BADGE_MAX_AGE, badge_response, badge_svg
from providers.vocabulary import ProviderType
from qaportal.display import money, score_figure
from qaportal.errors import InvalidTransition
from qaportal.http import whole_number
from qaportal.http_cache import cached_for_everyone, same_origin_post
from qaportal.redirects import next_or
from qaportal.reversing import reverse
from qaportal.spreadsheets import InertCsvWriter
from ratings.explain import explain_programme_rating
from ratings.models import band_name
from ratings.selectors import rating_has_expired, rating_history
from reviews.programme_cycle import programme_cycle

EXPORT_CHUNK = 1000


def _per_page(request: HttpRequest) -> int:
    chosen = whole_number(request.GET.get("per_page"))
    return chosen if chosen in selectors.PER_PAGE_CHOICES else 20


FOCUS_LABELS, FORMAT_LABELS, MODE_LABELS = (
    dict(vocabulary.choices) for vocabulary in (FocusLevel, Format, DeliveryMode)
)
PROVIDER_TYPE_LABELS = dict(ProviderType.choices)


def _result_rows(rows: Iterable[selectors.ResultRow], compared: list[int]) -> list[dict]:
    """Each result's text, prepared once: rendering 20–100 results through lookups in the template
    cost more than finding them."""
    prepared = []
    for row in rows:
        rated = bool(row.band_rank)
        score = ""
        if rated and row.raw_mean is not None:
            score = f"score {score_figure(row.raw_mean)} from {row.review_count} review{'s' * (row.review_count != 1)}"
        cost = "Free" if row.cost_per_participant == 0 else f"{money(row.cost_per_participant)} per participant"
        facts = [FOCUS_LABELS.get(row.focus_level, row.focus_level), FORMAT_LABELS.get(row.format, row.format),
                 MODE_LABELS.get(row.delivery_mode, row.delivery_mode), cost]  # fmt: skip
        prepared.append({
            "id": str(row.id), "title": row.title, "url": reverse("programmes:detail", kwargs={"slug": row.slug}),
            "provider": f"{row.provider_name} ({PROVIDER_TYPE_LABELS.get(row.provider_type, row.provider_type)})",
            "band": band_name(row.band), "band_rank": str(row.band_rank) if rated else None,
            "score": score, "facts": " · ".join(str(fact) for fact in facts), "in_compare": row.id in compared,
            "expired": rated and row.rating_expired_at is not None,
        })  # fmt: skip
    return prepared


# The snapshot the ETag was computed from, kept on the request so the view shows that very one.
SNAPSHOT_ATTRIBUTE = "directory_snapshot"


def _directory_version(request: HttpRequest) -> int:
    """The version the directory will show: its snapshot's, brought up to date (kept for the view)."""
    snapshot = snapshots.current()
    setattr(request, SNAPSHOT_ATTRIBUTE, snapshot)
    return snapshot.seen.version


def _kept_snapshot(request: HttpRequest) -> DirectorySnapshot | None:
    snapshot: DirectorySnapshot | None = getattr(request, SNAPSHOT_ATTRIBUTE, None)
    return snapshot


def _register_version(request: HttpRequest) -> int:
    return current_version(directory_database())  # where the page's rows will be read


@cached_for_everyone(_directory_version)
def programme_list(request: HttpRequest) -> HttpResponse:
    directory = selectors.programme_directory(
        params=request.GET,
        page_number=request.GET.get("page"),
        per_page=_per_page(request),
        fetch=selectors.result_rows,
        snapshot=_kept_snapshot(request),
    )
    context = {
        **directory_context(request.GET, directory),
        "export_query": query_without(request.GET, "page", "per_page"),
        "compared": compare.compared_ids(request.session),
        "result_rows": _result_rows(directory.page, compare.compared_ids(request.session)),
        "per_page": str(_per_page(request)),
        "per_page_choices": [str(size) for size in selectors.PER_PAGE_CHOICES],
    }
    return render(request, "programmes/list.html", context)


EXPORT_HEADER = [
    "Programme", "Provider", "Provider type", "For", "Format", "Delivery", "Contact hours", "Weeks",
    "Cost per participant (£)", "Funding", "Phases", "Regions", "Band", "Overall score", "Ordering score",
    "Published reviews", "Lowest review overall", "Highest review overall",
    "Purpose", "Governance", "Process", "Definitions", "Value",
    "Participant score (separate from the rating)", "Participant responses", "Participant response rate",
    "Participant feedback solicited by", "Page",
]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def _export_row(programme: Programme, site: str, participant=None) -> list:
    rating = getattr(programme, "rating", None)
    scores = [
        getattr(rating, f"score_{key}", None) for key in ("purpose", "governance", "process", "definitions", "value")
    ]
    return [
        programme.title, programme.provider.name, programme.provider.get_provider_type_display(),
        programme.get_focus_level_display(), programme.get_format_display(), programme.get_delivery_mode_display(),
        programme.contact_hours, programme.duration_weeks, programme.cost_per_participant, programme.funding_routes,
        programme.phases, programme.regions, band_name(rating.band if rating else None),
        _rounded(rating.raw_mean if rating else None), _rounded(rating.shown_score if rating else None),
        rating.review_count if rating else 0, *_review_range(rating), *[_rounded(score) for score in scores],
        *_participant_columns(participant), site + programme.get_absolute_url(),
    ]  # fmt: skip


def _review_range(rating) -> list:
    """The lowest and highest of the published reviews' own overalls, as the engine stored them."""
    if rating is None:
        return ["", ""]
    return [_rounded(rating.lowest_review_overall), _rounded(rating.highest_review_overall)]


def _participant_columns(participant) -> list:
    """The participant rating beside the expert one, never mixed into it; a score only from the
    questionnaire's minimum number of responses."""
    if participant is None:
        return ["", 0, "", ""]
    rate = "" if participant.response_rate is None else f"{participant.response_rate:.2f}"
    return [_rounded(participant.shown_score), participant.response_count, rate, "provider"]


def _rounded(value) -> str:
    return score_figure(value)


def programme_export(request: HttpRequest) -> StreamingHttpResponse:
    """The directory as it is filtered and sorted, every matching programme, as CSV (streamed)."""
    ids = selectors.directory_ids(params=request.GET)
    site = request.build_absolute_uri("/").rstrip("/")
    writer = InertCsvWriter(_Echo())

    def rows():
        # A byte-order mark first, so Excel reads the file as UTF-8 ("£", not "Â£").
        yield "\ufeff"
        yield writer.writerow(EXPORT_HEADER)
        for start in range(0, len(ids), EXPORT_CHUNK):
            chunk = ids[start : start + EXPORT_CHUNK]
            participants = participant_ratings_for(chunk)
            for programme in selectors.programmes_in_order(chunk):
                yield writer.writerow(_export_row(programme, site, participants.get(programme.id)))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="programmes.csv"'
    return response


@cached_for_everyone(_register_version)
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.programme_for_public(slug=slug)
    explanation = explain_programme_rating(programme_id=programme.id)
    standing = programme_standing(programme, getattr(programme, "rating", None))
    context = {
        "programme": programme,
        "standing": standing,
        "rating": getattr(programme, "rating", None) if standing.shows_rating else None,
        "explanation": explanation,
        "elements": explanation.elements if standing.shows_rating else [],
        "chart": _element_chart(explanation.elements),
        "trend": rating_history(programme_id=programme.id) if standing.shows_rating else [],
        "response": getattr(programme, "provider_response", None),
        "participant": participant_summary(programme_id=programme.id),
        "details_updated": selectors.details_updated_since_review(programme=programme),
        "in_compare": programme.id in compare.compared_ids(request.session),
        "badge_url": request.build_absolute_uri(reverse("programmes:badge", kwargs={"slug": slug})),
        "page_url": request.build_absolute_uri(programme.get_absolute_url()),
        "cycle": programme_cycle(programme=programme),
    }
    return render(request, "programmes/detail.html", context)


def _element_chart(elements: list) -> dict:
    """Bar positions for the element chart (scores out of 4 drawn on a 400-unit scale)."""
    bars = []
    for index, element in enumerate(elements):
        width = round((element.mean or 0) / 4 * 400, 1)
        label = score_figure(element.mean) or "–"  # as the table's `score` filter shows it
        bars.append({"name": element.name, "y": index * 36 + 4, "text_y": index * 36 + 21, "width": width,
                     "value_x": 150 + width + 8, "label": label})  # fmt: skip
    return {"bars": bars, "height": len(elements) * 36 + 8}


@cached_for_everyone(_register_version, personal=False, max_age=BADGE_MAX_AGE)
def programme_badge(request: HttpRequest, slug: str) -> HttpResponse:
    programme = selectors.programme_for_public(slug=slug)
    rating = getattr(programme, "rating", None)
    standing = programme_standing(programme, rating)
    status_text, rank = standing.label, standing.band_rank
    if rank and rating_has_expired(programme_id=programme.id):
        status_text, rank = f"{status_text} (expired)", None
    link = request.build_absolute_uri(programme.get_absolute_url())
    return badge_response(badge_svg(name=programme.title, status_text=status_text, band_rank=rank, link=link))


# --- Compare ------------------------------------------------------------------------------------


def _posted_programme_id(request: HttpRequest) -> int | None:
    return whole_number(request.POST.get("programme"))


@require_POST
@same_origin_post
def compare_add(request: HttpRequest) -> HttpResponse:
    programme_id = _posted_programme_id(request)
    if programme_id is None or not selectors.published_programmes().filter(id=programme_id).exists():
        return HttpResponseBadRequest("Choose a published programme to compare.")
    try:
        compare.compare_add(request.session, programme_id=programme_id)
    except InvalidTransition as full:
        messages.error(request, full.message)
    return next_or(request, reverse("programmes:compare"))


@require_POST
@same_origin_post
def compare_remove(request: HttpRequest) -> HttpResponse:
    programme_id = _posted_programme_id(request)
    if programme_id is not None:
        compare.compare_remove(request.session, programme_id=programme_id)
    return next_or(request, reverse("programmes:compare"))


COMPARE_COLUMNS = {
    # sort key: (heading, value of a compared row); what a leader weighs first comes first.
    "title": ("Programme", lambda row: row["programme"].title.lower()),
    "score": ("Overall score", lambda row: row["raw_mean"]),
    "cost": ("Cost", lambda row: row["programme"].cost_per_participant),
    "hours": ("Contact hours", lambda row: row["programme"].contact_hours),
    "purpose": ("Purpose", lambda row: row["elements"].get("purpose")),
    "governance": ("Governance", lambda row: row["elements"].get("governance")),
    "process": ("Process", lambda row: row["elements"].get("process")),
    "definitions": ("Definitions", lambda row: row["elements"].get("definitions")),
    "value": ("Value", lambda row: row["elements"].get("value")),
}


def compare_page(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_in_order(compare.compared_ids(request.session))
    # At most four programmes, each explained in a constant number of queries.
    rows = [_compare_row(programme, explain_programme_rating(programme_id=programme.id).elements)
            for programme in programmes]  # fmt: skip
    chosen = request.GET.get("sort") or ""
    sort = chosen if chosen in COMPARE_COLUMNS else "title"
    descending = request.GET.get("dir") == "desc"
    present = [row for row in rows if COMPARE_COLUMNS[sort][1](row) is not None]
    missing = [row for row in rows if COMPARE_COLUMNS[sort][1](row) is None]
    present.sort(key=COMPARE_COLUMNS[sort][1], reverse=descending)
    rows = present + missing
    headings = [
        {"key": key, "label": label, "aria_sort": _aria_sort(key, sort, descending),
         "next_dir": "asc" if key == sort and descending else ("desc" if key == sort else "asc")}
        for key, (label, _) in COMPARE_COLUMNS.items()
    ]  # fmt: skip
    criteria_rows = _criteria_rows(rows)
    context = {"rows": rows, "headings": headings, "criteria_rows": criteria_rows}
    return render(request, "programmes/compare.html", context)


def _aria_sort(key: str, sort: str, descending: bool) -> str:
    if key != sort:
        return "none"
    return "descending" if descending else "ascending"


def _compare_row(programme: Programme, elements: list) -> dict:
    rating = getattr(programme, "rating", None)
    return {
        "programme": programme,
        "rating": rating,
        "raw_mean": rating.raw_mean if rating else None,
        # The element scores the rating itself was computed with; the criteria come from the reviews.
        "elements": {key: getattr(rating, f"score_{key}", None) for key in ElementKey.values} if rating else {},
        "element_list": elements,
    }


def _criteria_rows(rows: list[dict]) -> list[dict]:
    """One row per criterion, one cell per compared programme (in the table's current order)."""
    if not rows or not rows[0]["element_list"]:
        return []
    criteria_rows = []
    for element_index, element in enumerate(rows[0]["element_list"]):
        for criterion_index, criterion in enumerate(element.criteria):
            cells = [row["element_list"][element_index].criteria[criterion_index].mean if row["element_list"] else None
                     for row in rows]  # fmt: skip
            criteria_rows.append({"element": element.name, "code": criterion.code, "title": criterion.title,
                                  "cells": cells})  # fmt: skip
    return criteria_rows


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"counts": selectors.register_counts()})


# --- How ratings work -----------------------------------------------------------------------------


def how_ratings_work(request: HttpRequest) -> HttpResponse:
    framework = selectors.live_framework()
    context: dict[str, object] = {"framework": framework}
    if framework:
        from reviews.models import Element

        context.update(
            elements=list(Element.objects.filter(framework=framework).prefetch_related("criteria")),
            bands=selectors.live_bands(),
            levels=list(framework.levels.all()),
        )
    return render(request, "directory/how_ratings_work.html", context)
