"""The Open Referral UK 3.0 read API (``/oruk/...``): public, read-only, JSON.

Directory data describes services, not people, so no sign-in is asked for. Paging follows the
standard (``page`` from 1, ``per_page``); a bad page or per_page, or a malformed filter, is a 400
with a JSON body; an unknown id is a 404 with a JSON body.

Filters: the standard's search, taxonomy_term_id, taxonomy_id, minimum_age, maximum_age, day,
start_time and end_time on /services and /service_at_locations, and postcode with proximity
(metres from the postcode's centroid, ``PostcodeCentroid``) on both (the standard names them for
/service_at_locations); organization_id and modified_after on /services; ``age`` (not in the
standard) keeps services that take a person of that age. A postcode this directory does not
know is a 400. The standard's ``format=ndjson``, ``minimal`` and ``full_service`` are defined in
its components but offered on none of its paths, so they are not served."""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from directory import oruk, selectors
from directory.geo import normalise_postcode

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


def _number(request, name: str) -> float | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadQuery(f"{name} must be a number.") from None
    if not 0 <= value < 1000:
        raise BadQuery(f"{name} must be 0 or more, and less than 1000.")
    return value


DAYS = {
    "MO": "MO", "MON": "MO", "MONDAY": "MO",
    "TU": "TU", "TUE": "TU", "TUESDAY": "TU",
    "WE": "WE", "WED": "WE", "WEDNESDAY": "WE",
    "TH": "TH", "THU": "TH", "THURSDAY": "TH",
    "FR": "FR", "FRI": "FR", "FRIDAY": "FR",
    "SA": "SA", "SAT": "SA", "SATURDAY": "SA",
    "SU": "SU", "SUN": "SU", "SUNDAY": "SU",
}  # fmt: skip


def _day(request) -> str:
    raw = request.GET.get("day", "").strip().upper()
    if raw == "":
        return ""
    if raw not in DAYS:
        raise BadQuery("day must be a day of the week, like MO or Monday.")
    return DAYS[raw]


def _time(request, name: str, *, end: bool) -> str:
    raw = request.GET.get(name, "").strip()
    if raw == "":
        return ""
    parts = raw.split(":")
    if not (
        len(parts) in (2, 3)
        and all(len(p) == 2 and p.isdigit() for p in parts)
        and int(parts[0]) < 24
        and all(int(p) < 60 for p in parts[1:])
    ):
        raise BadQuery(f"{name} must be a time, like 09:30.")
    # Opening times are held as the feed gave them ("17:00" or "17:00:00"): an end time given
    # to the minute takes in every second of that minute.
    return raw if len(parts) == 3 or not end else f"{raw}:59"


def _near(request):
    """The centroid of ``postcode`` and the ``proximity`` in metres (both, or neither)."""
    raw_postcode = request.GET.get("postcode", "")
    raw_proximity = request.GET.get("proximity", "")
    if raw_postcode == "" and raw_proximity == "":
        return None, None
    if raw_postcode == "":
        raise BadQuery("proximity needs a postcode.")
    postcode = normalise_postcode(raw_postcode)
    if not postcode:
        raise BadQuery("postcode must be a UK postcode, like HD1 2TA.")
    centre = selectors.postcode_point(postcode)
    if centre is None:
        raise BadQuery("postcode is not a postcode this directory knows.")
    if raw_proximity == "":
        return centre, None
    try:
        metres = float(raw_proximity)
    except ValueError:
        raise BadQuery("proximity must be a number of metres.") from None
    if not 0 < metres <= 1_000_000:
        raise BadQuery("proximity must be more than 0 and at most 1000000 metres.")
    return centre, metres


def _filtered(request, found, *, sal: bool):
    """The standard's age, schedule, postcode and proximity filters (and ``age``)."""
    found = selectors.oruk_filter(
        found,
        service_path="service__" if sal else "",
        minimum_age=_number(request, "minimum_age"),
        maximum_age=_number(request, "maximum_age"),
        age=_number(request, "age"),
        day=_day(request),
        start_time=_time(request, "start_time", end=False),
        end_time=_time(request, "end_time", end=True),
    )
    centre, metres = _near(request)
    if centre is not None and metres is not None:
        found = selectors.within_metres(found, centre=centre, metres=metres, sal=sal)
    return found


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
    return _paged(request, _filtered(request, found, sal=False), "service", oruk.SERVICE_LIST)


@_answers_bad_queries
def service(request: HttpRequest, id: str) -> JsonResponse:
    return _one(selectors.service(id), "service", oruk.FULL)


@_answers_bad_queries
def services_at_locations(request: HttpRequest) -> JsonResponse:
    found = selectors.services_at_locations(
        text=_text(request),
        taxonomy_term_id=_uuid(request, "taxonomy_term_id"),
    )
    found = _filtered(request, found, sal=True)
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
