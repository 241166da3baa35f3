from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Role
from core import scope
from core.models import Agency, Area, Council, NeedLevel, Site, Team
from support_requests.selectors import can_make_requests, can_see_requests


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "nav_section": "home",
        "can_see_cases": scope.can_see_case_records(user),
        "sees_every_family": scope.sees_every_family(user),
        "is_admin": user.has_role(Role.SYSTEM_ADMINISTRATOR),
        "can_make_requests": can_make_requests(user),
        "can_see_requests": can_see_requests(user),
    }
    return render(request, "core/home.html", context)


@login_required
def configuration(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.SYSTEM_ADMINISTRATOR):
        raise PermissionDenied
    context = {
        "nav_section": "configuration",
        "council_record": Council.objects.first(),
        "areas": Area.objects.prefetch_related("sites"),
        "agencies": Agency.objects.all(),
        "teams": Team.objects.select_related("agency", "area"),
        "levels": NeedLevel.objects.all(),
        "site_kinds": Site.Kind,
    }
    return render(request, "core/configuration.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: is the app up and can it reach its database?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy; details go to logs, not here
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "unhealthy", "database": database}, status=status)


def root(request: HttpRequest) -> HttpResponse:
    return redirect("core:home")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the error may have come from the database or a context
    # processor, and nothing about the request (or a person) belongs on this page.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
