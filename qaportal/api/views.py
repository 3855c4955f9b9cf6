from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from qaportal.api.base import RegisterAPIView
from qaportal.api.exceptions import CredentialsRefused, ErrorSerializer
from qaportal.api.fields import NOT_BLANK
from qaportal.api.tokens import token_issue, tokens_revoke
from qaportal.signin_guard import slowed_message
from qaportal.two_factor import second_factor_refusal

LOCKED_OUT = "Too many failed sign-ins: this account is locked for a while. Try again later."
ROOT_LINKS = [
    "framework",
    "programme-list",
    "provider-list",
    "assignment-list",
    "moderation-queue",
    "summaries",
    "agreement",
    "export-list",
    "token",
    "schema",
    "docs",
]


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class CredentialsSerializer(AuthTokenSerializer):
    """DRF's username and password, with the username's length checked before anyone is asked
    (a longer one reached the lock-out records and failed there with a 500)."""

    username = serializers.CharField(
        label="Username", max_length=User._meta.get_field("username").max_length, validators=[NOT_BLANK]
    )
    password = serializers.CharField(
        label="Password", style={"input_type": "password"}, trim_whitespace=False, validators=[NOT_BLANK]
    )


class TokenRequestSerializer(CredentialsSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=32,
        help_text="Convenors and staff: the code their authenticator app shows now, or a recovery code.",
    )


def credentials_refusal(errors) -> CredentialsRefused | None:
    """Well-formed credentials that match no account are a 401, not a 400: DRF's serializer reports
    them as its one non-field error with the code ``authorization``."""
    refused = errors.get("non_field_errors", [])
    if set(errors) == {"non_field_errors"} and all(getattr(error, "code", "") == "authorization" for error in refused):
        return CredentialsRefused({"non_field_errors": refused})
    return None


class TokenView(RegisterAPIView):
    """Exchange a username and password for an API token; DELETE revokes the token in use.

    Sign-in lock-out applies here as on the sign-in page: repeated failures from one address lock
    that address out for the account. Tokens last ``API_TOKEN_LIFETIME_DAYS`` and are revoked when
    the password changes. Convenors and staff, who must use two-factor authentication, also send
    ``otp``: a current code from their authenticator app (or a recovery code).
    """

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="A field is missing, blank or too long."),
            401: OpenApiResponse(
                ErrorSerializer,
                description="The username and password do not match an account, or the two-factor code (`otp`) "
                "of a convenor or staff member is missing or not right; `errors` says which.",
            ),
        },
        operation_id="auth_token_create",
    )
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data, context={"request": request})
        if not credentials.is_valid():
            # django-axes marks the request when the account is locked; say so rather than
            # "wrong password", as the sign-in page does.
            if getattr(request, "axes_locked_out", False):
                raise exceptions.PermissionDenied(LOCKED_OUT, code="locked_out")
            if getattr(request, "signin_wait_seconds", 0):
                raise exceptions.Throttled(wait=request.signin_wait_seconds, detail=slowed_message(request))
            refusal = credentials_refusal(credentials.errors)
            raise refusal or exceptions.ValidationError(credentials.errors)
        user = credentials.validated_data["user"]
        second_factor_refusal(request, user, code=credentials.validated_data.get("otp", ""))
        token = token_issue(user=user, request=request)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_destroy")
    def delete(self, request):
        tokens_revoke(user=request.user, reason="signed out of the API", request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiRootView(RegisterAPIView):
    """Where to start: the main collections of API v1."""

    @extend_schema(
        responses=inline_serializer("ApiRoot", {"links": serializers.DictField(child=serializers.CharField())})
    )
    def get(self, request):
        links = {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in ROOT_LINKS}
        return Response({"links": links})


@csrf_exempt
def api_not_found(request: HttpRequest) -> JsonResponse:
    """Any other address under /api/: a 404 in the API's error shape, never an HTML page."""
    body = {"status": 404, "code": "not_found", "detail": "There is no API endpoint at this address.", "errors": {}}
    return JsonResponse(body, status=404)
