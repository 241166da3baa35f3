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
