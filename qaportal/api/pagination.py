from rest_framework.pagination import PageNumberPagination


class RegisterPagination(PageNumberPagination):
    """Numbered pages of 20 by default; clients may ask for up to 100 a page.

    A page past the end, or a page that is not a positive whole number, is a 404 in the one error
    shape; a ``page_size`` that is not a positive whole number falls back to the default.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
