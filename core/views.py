import sys

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import request_context, scope, selectors, worktray
from core.models import Site
from core.roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # What is waiting for this person: each app adds its own sections (core.worktray); the
    # messages sent to them are shown apart, as something to know rather than to do.
    sections = worktray.tray_for(user)
    context = {
        "nav_section": "home",
        "can_see_cases": scope.can_see_case_records(user),
        "sees_every_family": scope.sees_every_family(user),
        "is_admin": user.has_role(Role.SYSTEM_ADMINISTRATOR),
        # Asked by name: the requests app sits above core, which never imports it.
        "can_make_requests": rules.has_perm("support_requests.make_request", user),
        "can_see_requests": rules.has_perm("support_requests.see_requests", user),
        "can_read_reports": rules.has_perm("reporting.view_dashboard", user),
        "tray": [section for section in sections if not section.informational],
        "tray_notices": [section for section in sections if section.informational],
        # The navigation's count, from the sections just built rather than counted again.
        "nav_waiting": worktray.count_of(sections),
    }
    return render(request, "core/home.html", context)


@login_required
@require_GET
def waiting_section(request: HttpRequest, key: str) -> HttpResponse:
    """All of one kind of work waiting for this person (a work tray section's "see all")."""
    section = worktray.section_in_full(request.user, key)
    if section is None:
        raise Http404("Nothing of this kind is waiting for you")
    context = {"nav_section": "home", "section": section, "limit": worktray.IN_FULL}
    return render(request, "core/waiting_section.html", context)


@login_required
def configuration(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.SYSTEM_ADMINISTRATOR):
        raise PermissionDenied
    context = {
        "nav_section": "configuration",
        "council_record": selectors.the_council(),
        "areas": selectors.areas_with_sites(),
        "agencies": selectors.agencies(),
        "teams": selectors.teams(),
        "levels": selectors.need_levels(),
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
    return JsonResponse(
        {"status": "ok" if status == 200 else "unhealthy", "database": database}, status=status
    )


def root(request: HttpRequest) -> HttpResponse:
    return redirect("core:home")


# How long to tell clients to wait before trying again while the database is unavailable.
RETRY_AFTER_SECONDS = 30


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(detail: str, status: int) -> JsonResponse:
    # The request id lets support find the logged error; nothing else about it is said.
    return JsonResponse(
        {"detail": detail, "request_id": request_context.current().request_id}, status=status
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    # Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or too many fields) through here.
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if _is_api(request):
        return JsonResponse(
            {"detail": "The request body is too large." if too_large else "Bad request."},
            status=status,
        )
    return render(request, "errors/400.html", status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """Any uncaught exception. A database that cannot be reached (or is too busy) is a 503 with
    Retry-After, not a 500: nothing is wrong with the request, and trying again will work."""
    # No request context: the error may have come from the database or a context
    # processor, and nothing about the request (or a person) belongs on this page.
    from django.template import loader

    unavailable = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    if _is_api(request):
        if unavailable:
            response = _api_error("The service is unavailable. Try again shortly.", 503)
        else:
            response = _api_error("Sorry, there is a problem with the service.", 500)
    elif unavailable:
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
    else:
        response = HttpResponse(loader.get_template("errors/500.html").render(), status=500)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
