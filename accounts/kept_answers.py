"""Keep what someone typed when their session ran out, so nothing is lost.

When a form is posted by someone whose session has just expired (or who is not signed
in at all), the fields are kept server-side in the new, anonymous session together with
the path they were posted to, the user whose session expired (when known) and the time.
After the same person signs in again they are offered a page that posts the answers back
to where they were going, with a fresh CSRF token. Nothing is ever put in a URL or a log.
"""

import time

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "kept_answers"
KEEP_FOR_SECONDS = 2 * 60 * 60
# Session rows are not meant for bulk data: a form bigger than this is not kept.
MAX_KEPT_CHARACTERS = 500_000

_NEVER_KEPT_NAMES = ("csrfmiddlewaretoken",)
_NEVER_KEPT_PARTS = ("password", "token", "otp")
_IGNORED_PREFIXES = ("/api/", "/accounts/", "/static/", "/admin/")


def _is_local(request, path: str) -> bool:
    return (
        bool(path)
        and path.startswith("/")
        and url_has_allowed_host_and_scheme(
            path, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def _field_is_kept(name: str) -> bool:
    lowered = name.lower()
    if lowered in _NEVER_KEPT_NAMES:
        return False
    return not any(part in lowered for part in _NEVER_KEPT_PARTS)


def capture_fields(request):
    """The posted fields worth keeping, as ``[[name, [values...]], ...]``, or None."""
    if request.method != "POST" or request.path.startswith(_IGNORED_PREFIXES):
        return None
    if not _is_local(request, request.path):
        return None
    try:
        post = request.POST
    except Exception:  # an unreadable body: nothing we can keep
        return None
    fields = [[name, list(post.getlist(name))] for name in post if _field_is_kept(name)]
    if not fields:
        return None
    if (
        sum(len(name) + sum(len(v) for v in values) for name, values in fields)
        > MAX_KEPT_CHARACTERS
    ):
        return None
    return fields


def keep(request, fields, user_id=None) -> None:
    """Store ``fields`` from :func:`capture_fields` in the (new) session."""
    has_files = False
    try:
        has_files = bool(request.FILES)
    except Exception:
        pass
    request.session[SESSION_KEY] = {
        "path": request.path,
        "fields": fields,
        "user_id": str(user_id) if user_id is not None else None,
        "at": time.time(),
        "had_files": has_files,
    }


def keep_from_request(request, user_id=None) -> bool:
    fields = capture_fields(request)
    if fields is None:
        return False
    if user_id is None:
        # Posted again after the session ran out: still the answers of whoever it was.
        earlier = request.session.get(SESSION_KEY)
        if isinstance(earlier, dict):
            user_id = earlier.get("user_id")
    keep(request, fields, user_id=user_id)
    return True


def discard(request) -> None:
    request.session.pop(SESSION_KEY, None)


def _valid(request, kept) -> bool:
    return (
        isinstance(kept, dict)
        and isinstance(kept.get("fields"), list)
        and time.time() - float(kept.get("at") or 0) <= KEEP_FOR_SECONDS
        and _is_local(request, kept.get("path") or "")
        and not kept["path"].startswith(_IGNORED_PREFIXES)
    )


def claim_for(request, user) -> None:
    """Called as ``user`` signs in: bind kept answers to them, or drop someone else's."""
    kept = request.session.get(SESSION_KEY)
    if kept is None:
        return
    if not _valid(request, kept):
        discard(request)
        return
    if kept.get("user_id") is None:
        kept["user_id"] = str(user.pk)
        request.session[SESSION_KEY] = kept
    elif kept["user_id"] != str(user.pk):
        discard(request)


def pending_for(request):
    """The kept answers the signed-in user may resume, or None (dropping any not theirs)."""
    kept = request.session.get(SESSION_KEY)
    if kept is None:
        return None
    user = request.user
    if not user.is_authenticated:
        return None
    if not _valid(request, kept) or kept.get("user_id") != str(user.pk):
        discard(request)
        return None
    return kept


def csrf_ok(request) -> bool:
    """Whether the POST carries a good CSRF token (checked here because an expired
    session is turned away before CsrfViewMiddleware sees the view)."""
    from django.middleware.csrf import CsrfViewMiddleware

    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None


def resumed(request) -> None:
    """A signed-in POST to the kept path has arrived: the answers have been handed back."""
    kept = request.session.get(SESSION_KEY)
    if isinstance(kept, dict) and kept.get("path") == request.path:
        discard(request)


def login_path() -> str:
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)
