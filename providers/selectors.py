from django.db.models import QuerySet

from providers.models import Provider


def provider_list() -> QuerySet[Provider]:
    return Provider.objects.select_related("rating").order_by("name", "id")
