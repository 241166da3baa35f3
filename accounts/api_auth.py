from dataclasses import dataclass

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.mfa import is_mfa_satisfied
from accounts.services import api_token_mark_used
from core.audit import Action, audit_record

API_TOKEN_LABEL = "accounts.apitoken"
# Set on the HttpRequest once a token's use is audited; ApiTokenUseAuditMiddleware reads it.
TOKEN_USE_ATTR = "api_token_use"


@dataclass(frozen=True)
class TokenUse:
    user: object
    token_id: int
    event_id: int


def record_token_use(*, user, token_id: int, status: int | None = None) -> int:
    """One audit event for one request made with a token; also notes when it was last used."""
    api_token_mark_used(token_id=token_id)
    detail = {"method": "api_token"}
    if status is not None:
        detail["status"] = status
    event = audit_record(
        actor=user, action=Action.SIGN_IN, target=API_TOKEN_LABEL, record_id=token_id, detail=detail
    )
    return event.pk


class AuditedTokenAuthentication(TokenAuthentication):
    """knox's token check (digest, expiry, active user), and every use of a token audited.

    Sent as ``Authorization: Token <token>``. The audit event is written in the request's
    transaction (ATOMIC_REQUESTS). An error answer rolls that transaction back, event and all;
    ApiTokenUseAuditMiddleware then writes the event again, with the status, so a token probing
    for records it cannot see still leaves a trace.
    """

    def authenticate_credentials(self, token: bytes):
        # knox decodes the header as UTF-8 unguarded; a header that is not would be a 500.
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        django_request = request._request
        # DRF authenticates once per request, but a view may build a second Request around
        # the same HttpRequest; one request, one event.
        if getattr(django_request, TOKEN_USE_ATTR, None) is None:
            event_id = record_token_use(user=user, token_id=token.pk)
            setattr(
                django_request,
                TOKEN_USE_ATTR,
                TokenUse(user=user, token_id=token.pk, event_id=event_id),
            )
        return result


class AuditedTokenScheme(OpenApiAuthenticationExtension):
    target_class = AuditedTokenAuthentication
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        definition = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
        definition["description"] = (
            'An API token made on the "API tokens" page (after signing in with a security code) or '
            "with `python manage.py create_api_token`, sent as `Authorization: Token <token>`. "
            "Tokens expire and can be revoked."
        )
        return definition


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only once its second factor is done."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        if not is_mfa_satisfied(request._request):
            return None
        if result[0].must_change_password:
            # A temporary password is changed before the session is used for anything else.
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """Describes VerifiedSessionAuthentication in the OpenAPI schema (drf-spectacular
    only matches SessionAuthentication itself, not subclasses)."""

    target_class = VerifiedSessionAuthentication
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = (
            "The browser session cookie, once the second factor has been given."
        )
        return definition
