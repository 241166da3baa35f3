"""The public "find support" pages (under /find-support/): no sign-in, GOV.UK patterns.

Anyone may search the directory's active services by need, age, area and postcode (with a
distance), and open a service's page: how to get in touch, when, cost, where, accessibility and
who it is for. Directory records describe services, not people, so nothing here is audited; what
a visitor types (an age, a postcode) is in the query string, never stored, never logged by us.

A service that is inactive or temporarily closed keeps its page, which says it is closed and
shows no way to take it up; a defunct service is gone (404), as an unknown id is."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from directory import presenters, selectors
from directory.forms_public import FindSupportForm
from directory.geo import Point, miles_between, normalise_postcode
from directory.models import ServiceStatus

PER_PAGE = 20
CLOSED = {ServiceStatus.INACTIVE, ServiceStatus.TEMPORARILY_CLOSED}


def _render(request: HttpRequest, template: str, context: dict, status: int = 200):
    # The public layout: no staff navigation, even for a signed-in member of staff.
    context = {"nav_items": [], **context}
    return render(request, f"directory/public/{template}", context, status=status)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"


def _pagination(request: HttpRequest, number: int, pages: int) -> dict | None:
    if pages <= 1:
        return None
    shown = sorted({1, pages, number - 1, number, number + 1} & set(range(1, pages + 1)))
    items, previous = [], 0
    for n in shown:
        if n - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "url": _page_url(request, n), "current": n == number})
        previous = n
    return {
        "items": items,
        "previous": _page_url(request, number - 1) if number > 1 else "",
        "next": _page_url(request, number + 1) if number < pages else "",
    }


def _results(request: HttpRequest, data: dict) -> dict:
    found = selectors.find_support_services(
        need_ids=[uuid.UUID(n) for n in data.get("need") or []],
        age=data.get("age"),
        area=data.get("area"),
    )
    point = data.get("point")
    number = _page_number(request)
    if point is not None:
        ranked = selectors.service_nearest(found, centre=point, miles=data.get("distance"))
        total = len(ranked)
        pages = max(1, -(-total // PER_PAGE))
        number = min(number, pages)
        window = ranked[(number - 1) * PER_PAGE : number * PER_PAGE]
        distances = dict(window)
        services = selectors.services_by_id([pk for pk, _d in window])
    else:
        total = found.count()
        pages = max(1, -(-total // PER_PAGE))
        number = min(number, pages)
        start = (number - 1) * PER_PAGE
        services = list(found.select_related("organization")[start : start + PER_PAGE])
        distances = {}
    summaries = selectors.service_summaries(services)
    rows = []
    for service in services:
        summary = summaries[service.pk]
        places = []
        for location, addresses in summary["locations"]:
            if location.location_type == "virtual":
                places.append("Online")
            elif addresses:
                places.append(addresses[0].city or addresses[0].address_1)
            elif location.name:
                places.append(location.name)
        rows.append(
            {
                "service": service,
                "line": presenters.first_line(service.description),
                "distance": presenters.miles(distances.get(service.pk)),
                "where": ", ".join(dict.fromkeys(p for p in places if p)),
                "cost": presenters.cost_summary(summary["cost_options"], service.fees),
            }
        )
    return {
        "rows": rows,
        "total": total,
        "page_number": number,
        "pages": pages,
        "pagination": _pagination(request, number, pages),
        "first": (number - 1) * PER_PAGE + 1,
        "last": (number - 1) * PER_PAGE + len(rows),
    }


@require_GET
def find_support(request: HttpRequest) -> HttpResponse:
    searched = any(k in request.GET for k in ("need", "age", "area", "postcode", "distance"))
    form = FindSupportForm(request.GET if searched else None)
    context = {"form": form, "searched": searched}
    if searched and form.is_valid():
        context.update(_results(request, form.cleaned_data))
        context["postcode"] = form.cleaned_data.get("postcode", "")
    elif not searched:
        context.update(_results(request, {}))
    return _render(request, "search.html", context, status=400 if form.errors else 200)


@require_GET
def find_support_service(request: HttpRequest, id: uuid.UUID) -> HttpResponse:
    service = selectors.public_service(id)
    if service is None or service.status == ServiceStatus.DEFUNCT:
        raise Http404("No such service.")
    details = selectors.service_page(service)
    # From a search by postcode: how far each location is (the postcode is not kept).
    postcode = normalise_postcode(request.GET.get("postcode", "")[:10])
    point = selectors.postcode_point(postcode) if postcode else None
    locations = []
    for _sal, location, addresses, access in details["locations"]:
        distance = None
        if point and location.latitude is not None and location.longitude is not None:
            distance = miles_between(point, Point(location.latitude, location.longitude))
        locations.append(
            {
                "location": location,
                "addresses": [presenters.address_line(a) for a in addresses],
                "accessibility": [
                    {
                        "description": a.description,
                        "details": a.details,
                        "link": presenters.web_link(a.url),
                    }
                    for a in access
                ],
                "distance": presenters.miles(distance),
            }
        )
    context = {
        "service": service,
        "closed": service.status in CLOSED,
        "postcode": postcode if point else "",
        "website": presenters.web_link(service.url),
        "organization_website": presenters.web_link(
            service.organization.website if service.organization else ""
        ),
        "contacts": details["contacts"],
        "schedules": [
            {
                "words": presenters.schedule_in_words(s),
                "dates": presenters.schedule_dates(s),
                "schedule": s,
            }
            for s in details["schedules"]
        ],
        "cost": presenters.cost_summary(details["cost_options"], service.fees),
        "cost_options": [presenters.cost_option_in_words(o) for o in details["cost_options"]],
        "locations": locations,
        "service_areas": details["service_areas"],
        "ages": presenters.age_range(service),
        "needs": [a.taxonomy_term for a in details["attributes"] if a.link_type != "language"],
        "languages": [a.taxonomy_term for a in details["attributes"] if a.link_type == "language"],
        "back_url": request.META.get("HTTP_REFERER", "") if _from_search(request) else "",
    }
    return _render(request, "service.html", context)


def _from_search(request: HttpRequest) -> bool:
    referer = request.META.get("HTTP_REFERER", "")
    host = request.get_host()
    path = reverse("directory:find_support")
    return referer.startswith((f"http://{host}{path}", f"https://{host}{path}"))
