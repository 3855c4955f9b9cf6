from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from programmes import selectors
from programmes.models import Programme


def programme_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_programmes().order_by("title", "id"), 20).get_page(request.GET.get("page"))
    return render(request, "programmes/list.html", {"page": page})


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        programme = selectors.programme_for_public(slug=slug)
    except Programme.DoesNotExist as missing:
        raise Http404("No such programme") from missing
    return render(request, "programmes/detail.html", {"programme": programme})
