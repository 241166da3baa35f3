import logging

from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter

from core import request_context


class RequestIdFilter(logging.Filter):
    """Adds the request id to every log record so lines of one request can be joined."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_context.current().request_id
        return True


class ScrubRequestFilter(logging.Filter):
    """Django's request logger names the path ("Internal Server Error: /people/…") and
    attaches the request; keep the status and the traceback, drop both of those."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        record.msg = "Server error" if status is None or status >= 500 else "Client error"
        record.args = ()
        if hasattr(record, "request"):
            record.request = None
        return True


def json_formatter() -> logging.Formatter:
    """The same JSON lines as Django's LOGGING (settings), for loggers set up outside it."""
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


class GunicornJsonLogger(glogging.Logger):
    """Gunicorn's own lines (start-up, workers, timeouts) as JSON, like the application's.

    Its access line, if switched on (``--access-logfile -``), is JSON too and names the method,
    status, time taken and request id, never the path or query string: a path that matches no
    route is whatever someone typed, and a query string carries searches for people by name.
    Django's ``core.middleware.AccessLogMiddleware`` already writes one line per request with
    the route's name, so the deployment leaves gunicorn's access log off (ADR 0020).
    """

    def setup(self, cfg):
        super().setup(cfg)
        # Only the handlers gunicorn made (a log config file's, or a test's, are left as they are).
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(json_formatter())
                handler.addFilter(RequestIdFilter())
        for handler in self.access_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(json_formatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = getattr(resp, "headers", None) or []
        if hasattr(headers, "items"):
            headers = headers.items()
        request_id = next((v for k, v in headers if k.lower() == "x-request-id"), "")
        status = resp.status
        if isinstance(status, str):
            status = int(status.split(None, 1)[0])
        self.access_log.info(
            "request",
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "status": status,
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "static": environ.get("PATH_INFO", "").startswith("/static/"),
                "request_id": request_id,
            },
        )
