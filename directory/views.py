"""The Open Referral UK 3.0 read API (``/oruk/...``): public, read-only, JSON.

Directory data describes services, not people, so no sign-in is asked for. Paging follows the
standard (``page`` from 1, ``per_page``); a bad page or per_page, or a malformed filter, is a 400
with a JSON body; an unknown id is a 404 with a JSON body."""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from directory import oruk, selectors

ORUK_VERSION = "3.0"
PROFILE = "https://openreferral.org/uk/"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 200


class BadQuery(Exception):
    pass


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"status": status, "error": message}, status=status)


def _int(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a whole number.") from None
    if value < 1 or (maximum is not None and value > maximum):
        limit = f" and at most {maximum}" if maximum else ""
        raise BadQuery(f"{name} must be at least 1{limit}.")
    return value


def _uuid(request, name: str) -> uuid.UUID | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a UUID.") from None


def _text(request) -> str:
    text = request.GET.get("text", "") or request.GET.get("search", "")
    if "\x00" in text or len(text) > 200:
        raise BadQuery("text must be at most 200 characters, with no null characters.")
    return text


def _paged(request, queryset, table: str, tree) -> JsonResponse:
    number = _int(request, "page", 1)
    size = _int(request, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX)
    total = queryset.count()
    start = (number - 1) * size
    # A page past the last is empty; asking the database for it could overflow its integers.
    records = list(queryset[start : start + size]) if start < total else []
    items = oruk.encode(table, records, tree)
    return JsonResponse(oruk.page(items=items, total=total, number=number, size=size))


def _one(record, table: str, tree) -> JsonResponse:
    if record is None:
        return _error(404, "Not found.")
    return JsonResponse(oruk.encode(table, [record], tree)[0])


def _answers_bad_queries(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadQuery as error:
            return _error(400, str(error))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_GET(wrapped)


@_answers_bad_queries
def index(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "version": ORUK_VERSION,
            "profile": PROFILE,
            "openapi_url": OPENAPI_URL,
        }
    )


@_answers_bad_queries
def services(request: HttpRequest) -> JsonResponse:
    modified_after = None
    if request.GET.get("modified_after"):
        try:
            modified_after = parse_datetime(request.GET["modified_after"])
        except ValueError:
            modified_after = None
        if modified_after is None:
            raise BadQuery("modified_after must be a date and time (ISO 8601).")
        if modified_after.tzinfo is None:
            modified_after = modified_after.replace(tzinfo=datetime.UTC)
    found = selectors.services(
        text=_text(request),
        taxonomy_term_id=_uuid(request, "taxonomy_term_id"),
        taxonomy_id=_uuid(request, "taxonomy_id"),
        organization_id=_uuid(request, "organization_id"),
        modified_after=modified_after,
    )
    return _paged(request, found, "service", oruk.SERVICE_LIST)


@_answers_bad_queries
def service(request: HttpRequest, id: str) -> JsonResponse:
    return _one(selectors.service(id), "service", oruk.FULL)


@_answers_bad_queries
def services_at_locations(request: HttpRequest) -> JsonResponse:
    found = selectors.services_at_locations(
        text=_text(request),
        taxonomy_term_id=_uuid(request, "taxonomy_term_id"),
    )
    return _paged(request, found, "service_at_location", oruk.SERVICE_AT_LOCATION_LIST)


@_answers_bad_queries
def service_at_location(request: HttpRequest, id: str) -> JsonResponse:
    return _one(
        selectors.service_at_location(id), "service_at_location", oruk.SERVICE_AT_LOCATION_FULL
    )


@_answers_bad_queries
def taxonomies(request: HttpRequest) -> JsonResponse:
    return _paged(request, selectors.taxonomies(), "taxonomy", oruk.TAXONOMY_LIST)


@_answers_bad_queries
def taxonomy(request: HttpRequest, id: str) -> JsonResponse:
    return _one(selectors.taxonomy(id), "taxonomy", oruk.FULL)


@_answers_bad_queries
def taxonomy_terms(request: HttpRequest) -> JsonResponse:
    found = selectors.taxonomy_terms(taxonomy_id=_uuid(request, "taxonomy_id"))
    return _paged(request, found, "taxonomy_term", oruk.TAXONOMY_TERM)


@_answers_bad_queries
def taxonomy_term(request: HttpRequest, id: str) -> JsonResponse:
    return _one(selectors.taxonomy_term(id), "taxonomy_term", oruk.TAXONOMY_TERM)
