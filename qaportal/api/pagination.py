import re

from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination


class RegisterPagination(PageNumberPagination):
    """Numbered pages of 20 by default; clients may ask for up to 100 a page.

    A page past the end, or a page that is not a positive whole number, is a 404 in the one error
    shape; a ``page_size`` that is not a whole number from 1 to 100 is a 400 naming it (a client
    asking for 500 should learn that it gets at most 100, not be quietly given 20).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,9}", raw) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"Send a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


# What every numbered page says besides its rows, for the schema; a list's page adds its results.
# (A comment, not a docstring: drf-spectacular would publish a docstring as each page's description.)
class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
