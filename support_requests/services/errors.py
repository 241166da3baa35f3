"""How the request services refuse, beyond a ValidationError for wrong input."""

from django.core.exceptions import PermissionDenied

from core.workflow import TransitionNotAllowed

__all__ = [
    "NotAllowedToRequest",
    "NotAllowedToTriage",
    "SafeguardingStopRequired",
    "TooManySubmissions",
    "TransitionNotAllowed",
]


class TooManySubmissions(Exception):
    """Too many requests from one client address in the last hour; nothing was saved."""


class SafeguardingStopRequired(Exception):
    """CIN or child protection concerns are recorded, or a stop is waiting for its next step:
    the early help decision cannot be saved."""


class NotAllowedToTriage(PermissionDenied):
    """Only early support team leaders triage requests (403 on the page and in the API)."""


class NotAllowedToRequest(PermissionDenied):
    """This member of staff may not make (or record) this kind of request (403)."""
