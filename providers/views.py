from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from programmes.directory_version import current_version, directory_database
from programmes.lifecycle import PROGRAMME_PUBLIC
from programmes.querystrings import directory_context
from programmes.vocabulary import ProgrammeStatus
from providers import selectors
from providers.badge import BADGE_MAX_AGE, badge_response, badge_svg
from qaportal.http_cache import cached_for_everyone
from ratings.models import band_name


def _register_version(request: HttpRequest) -> int:
    return current_version(directory_database())  # where the page's rows will be read


@cached_for_everyone(_register_version)
def provider_list(request: HttpRequest) -> HttpResponse:
    directory = selectors.provider_directory(params=request.GET, page_number=request.GET.get("page"))
    return render(request, "providers/list.html", directory_context(request.GET, directory))


@cached_for_everyone(_register_version)
def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    provider = selectors.provider_for_public(slug=slug)
    programmes = list(selectors.provider_programmes(provider=provider))
    context = {
        "provider": provider,
        "rating": getattr(provider, "rating", None),
        "published": [p for p in programmes if p.status == ProgrammeStatus.PUBLISHED],
        "withdrawn": [p for p in programmes if p.status == ProgrammeStatus.WITHDRAWN],
        "badge_url": request.build_absolute_uri(reverse("providers:badge", kwargs={"slug": slug})),
        "page_url": request.build_absolute_uri(provider.get_absolute_url()),
    }
    return render(request, "providers/detail.html", context)


@cached_for_everyone(_register_version, personal=False, max_age=BADGE_MAX_AGE)
def provider_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's band; "Withdrawn" once none of its programmes is published any longer."""
    provider = selectors.provider_for_public(slug=slug)
    rating = getattr(provider, "rating", None)
    statuses = set(provider.programmes.filter(PROGRAMME_PUBLIC).values_list("status", flat=True).distinct())
    if ProgrammeStatus.PUBLISHED not in statuses and ProgrammeStatus.WITHDRAWN in statuses:
        status_text, rank = "Withdrawn", None
    elif rating and rating.band_rank:
        status_text, rank = rating.band, rating.band_rank
    else:
        status_text, rank = band_name(rating.band if rating else None), None
    link = request.build_absolute_uri(provider.get_absolute_url())
    svg = badge_svg(name=provider.name, status_text=status_text, band_rank=rank, link=link)
    return badge_response(svg)
