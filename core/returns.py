"""Coming back to where you were: a page may send users to another app's form with
``return_to`` (a path on this site) and have them brought back after saving."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_return_to(request: HttpRequest) -> str:
    """The requested return path, if it is a path on this site; otherwise empty."""
    candidate = (request.POST.get("return_to") or request.GET.get("return_to") or "").strip()
    if (
        candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return ""


def with_return_to(url: str, return_to: str) -> str:
    return f"{url}?{urlencode({'return_to': return_to})}" if return_to else url
