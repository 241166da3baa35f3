from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from accounts.mfa import is_mfa_satisfied


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only once its second factor is done."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        if not is_mfa_satisfied(request._request):
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
