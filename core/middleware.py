import logging
import time
import uuid

from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

from core import request_context

access_log = logging.getLogger("earlyhelp.access")


def client_ip(request) -> str | None:
    # Behind the council's proxy the first X-Forwarded-For hop is the client; the
    # proxy is trusted to overwrite it (documented in the deployment notes).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        via = "api" if request.path.startswith("/api/") else "web"
        token = request_context.set_current(
            request_context.RequestContext(
                request_id=request_id, ip_address=client_ip(request), via=via
            )
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class AccessLogMiddleware:
    """One structured line per request: the route's name, never the path or query.

    Paths can carry record ids and query strings can carry whatever someone typed, so
    neither is logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        try:
            route = resolve(request.path_info).view_name or "unnamed"
        except Resolver404:
            route = "not_found"
        user = getattr(request, "user", None)
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


class NoStoreMiddleware:
    """Every response Django builds is ``Cache-Control: no-store`` (ADR 0010).

    Signed-in pages and API answers carry children's and families' records, and the public
    "ask for help" pages echo back what someone typed about their family, perhaps on a shared
    computer; none of it may be kept by the browser or any cache on the way. Static files never
    get here (WhiteNoise answers them first), so they stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Overrides anything a view set (an attachment, a calendar feed): the data is the same.
        add_never_cache_headers(response)
        return response


class ErrorContractMiddleware:
    """Pages' side of the error contract (``core.errors``), for a refusal no view caught.

    A view with a form shows a service's refusal on the form (``core.forms.add_service_errors``);
    a button with no form behind it may let the refusal through, and it lands here as a page that
    says what happened, with the right status, rather than a 500. The API maps the same errors in
    ``core.api.exception_handler``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import ObjectDoesNotExist, ValidationError
        from django.http import Http404
        from django.shortcuts import render

        from core.errors import ConflictError

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, ObjectDoesNotExist):
            raise Http404 from exception
        if isinstance(exception, ValidationError):
            status = 409 if isinstance(exception, ConflictError) else 400
            return render(
                request,
                "errors/refused.html",
                {"problems": exception.messages, "status": status},
                status=status,
            )
        return None
