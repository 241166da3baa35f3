"""Per-request facts (request id, client address, channel) for logs and the audit trail.

A context variable rather than a thread-local so it is correct under ASGI too.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    via: str = "web"


_current: ContextVar[RequestContext] = ContextVar("request_context", default=RequestContext())


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
