import logging

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
