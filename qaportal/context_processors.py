from django.http import HttpRequest

from qaportal.navigation import role_links

SERVICE_NAME = "LPD/CPD Quality Register"


def register(request: HttpRequest) -> dict:
    return {"service_name": SERVICE_NAME, "role_links": role_links(request.user)}
