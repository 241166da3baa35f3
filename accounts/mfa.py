"""Second-factor rules in one place."""

from django.conf import settings

DEMO_SKIP_KEY = "demo_mfa_skipped"


def demo_skip_allowed(user) -> bool:
    # Both must hold: a demo account, and an installation running in demo mode.
    # Production settings force DEMO_MODE off, so this is never true there.
    return bool(settings.DEMO_MODE and getattr(user, "is_demo", False))


def is_mfa_satisfied(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_verified():
        return True
    return bool(request.session.get(DEMO_SKIP_KEY)) and demo_skip_allowed(user)
