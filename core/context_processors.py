from django.conf import settings

from core import worktray
from core.models import Council
from core.navigation import items_for


def service(request):
    council = Council.objects.only("name", "service_name").first()
    user = getattr(request, "user", None)
    return {
        "council": council,
        "service_name": council.service_name if council else "Early help",
        "demo_mode": settings.DEMO_MODE,
        "nav_items": items_for(user) if user is not None else [],
        # Counted only when the navigation shows it (a template calls a callable): a fixed number
        # of count queries (core.worktray.navigation_count).
        "nav_waiting": (lambda: worktray.navigation_count(user)) if _verified(user) else 0,
        "nav_section": getattr(request, "nav_section", ""),
    }


def _verified(user) -> bool:
    # Only a session that has given its security code counts the work waiting: the sign-in pages
    # stay as light as they were.
    is_verified = getattr(user, "is_verified", None)
    return bool(user is not None and user.is_authenticated and is_verified and is_verified())
