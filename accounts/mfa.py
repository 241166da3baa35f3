"""Second-factor rules in one place."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY

DEMO_SKIP_KEY = "demo_mfa_skipped"
# Set when the council's identity provider gave the second factor at single sign-on (ADR 0021).
IDP_MFA_KEY = "mfa_by_identity_provider"


def demo_skip_allowed(user) -> bool:
    # Both must hold: a demo account, and an installation running in demo mode.
    # Production settings force DEMO_MODE off, so this is never true there.
    return bool(settings.DEMO_MODE and getattr(user, "is_demo", False))


def is_mfa_satisfied(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_verified() or verified_by_identity_provider(request):
        return True
    return bool(request.session.get(DEMO_SKIP_KEY)) and demo_skip_allowed(user)


def verified_by_identity_provider(request) -> bool:
    # Only a session signed in through single sign-on, while it is still switched on.
    backend = settings.OIDC_BACKEND
    return bool(
        request.session.get(IDP_MFA_KEY)
        and request.session.get(BACKEND_SESSION_KEY) == backend
        and backend in settings.AUTHENTICATION_BACKENDS
    )


def signed_in_by_council_account(request) -> bool:
    """The session came through single sign-on: the council's identity provider checked who they
    are, so a temporary password here (never used to sign in) need not be changed first."""
    return request.session.get(BACKEND_SESSION_KEY) == settings.OIDC_BACKEND
