import logging

from core import request_context


class RequestIdFilter(logging.Filter):
    """Adds the request id to every log record so lines of one request can be joined."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_context.current().request_id
        return True
