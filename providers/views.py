from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from programmes.selectors import published_programmes
from providers import selectors
from providers.models import Provider


def provider_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.provider_list(), 20).get_page(request.GET.get("page"))
    return render(request, "providers/list.html", {"page": page})


def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.select_related("rating"), slug=slug)
    programmes = published_programmes().filter(provider=provider).order_by("title")
    return render(request, "providers/detail.html", {"provider": provider, "programmes": programmes})
