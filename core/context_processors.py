from django.conf import settings

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
        "nav_section": getattr(request, "nav_section", ""),
    }
