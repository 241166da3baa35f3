"""Reads of the directory. Directory records describe services, not people, so they are public:
nothing here is scoped or audited."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Avg, Q, QuerySet

from core.models import Area, Council
from directory import models as m
from directory.geo import METRES_PER_MILE, Point, bounding_box, miles_between, outward_code


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def services(
    *,
    text: str = "",
    taxonomy_term_id: uuid.UUID | None = None,
    taxonomy_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    modified_after: datetime | None = None,
) -> QuerySet:
    found = m.Service.objects.all()
    if text:
        found = found.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if taxonomy_term_id:
        found = found.filter(pk__in=_linked(Q(taxonomy_term_id=taxonomy_term_id)))
    if taxonomy_id:
        found = found.filter(pk__in=_linked(Q(taxonomy_term__taxonomy_detail_id=taxonomy_id)))
    if organization_id:
        found = found.filter(organization_id=organization_id)
    if modified_after:
        found = found.filter(last_modified__gte=modified_after)
    return found.order_by("name", "id")


def _linked(condition: Q):
    return m.Attribute.objects.filter(condition, link_entity="service").values("link_id")


def service(service_id: str) -> m.Service | None:
    pk = _uuid(service_id)
    return m.Service.objects.filter(pk=pk).first() if pk else None


def services_at_locations(*, text: str = "", taxonomy_term_id=None) -> QuerySet:
    found = m.ServiceAtLocation.objects.all()
    if text:
        found = found.filter(
            Q(service__name__icontains=text) | Q(service__description__icontains=text)
        )
    if taxonomy_term_id:
        found = found.filter(service_id__in=_linked(Q(taxonomy_term_id=taxonomy_term_id)))
    return found.order_by("service__name", "id")


def service_at_location(sal_id: str) -> m.ServiceAtLocation | None:
    pk = _uuid(sal_id)
    return m.ServiceAtLocation.objects.filter(pk=pk).first() if pk else None


def taxonomies() -> QuerySet:
    return m.Taxonomy.objects.order_by("name", "id")


def taxonomy(taxonomy_id: str) -> m.Taxonomy | None:
    pk = _uuid(taxonomy_id)
    return m.Taxonomy.objects.filter(pk=pk).first() if pk else None


def taxonomy_terms(*, taxonomy_id: uuid.UUID | None = None) -> QuerySet:
    found = m.TaxonomyTerm.objects.all()
    if taxonomy_id:
        found = found.filter(taxonomy_detail_id=taxonomy_id)
    return found.order_by("name", "id")


def taxonomy_term(term_id: str) -> m.TaxonomyTerm | None:
    pk = _uuid(term_id)
    return m.TaxonomyTerm.objects.filter(pk=pk).first() if pk else None


# ------------------------------------------------------------------ the find support pages
# Only active services are found; a service's page shows it whatever its status bar defunct
# (the view says it is closed). Areas are the council's (core.Area): a service is in an area
# when one of its service areas names the area (its name or code) or the whole council, or one
# of its locations' addresses has the area's name as its town or region.


def postcode_point(postcode: str):
    """The centroid of a normalised postcode; for an unknown full postcode (or an outward code
    alone) the mean of its outward code's postcodes; None when neither is held."""
    if not postcode:
        return None
    if " " in postcode:
        row = (
            m.PostcodeCentroid.objects.filter(postcode=postcode)
            .values_list("latitude", "longitude")
            .first()
        )
        if row:
            return Point(*row)
    mean = m.PostcodeCentroid.objects.filter(outward=outward_code(postcode)).aggregate(
        latitude=Avg("latitude"), longitude=Avg("longitude")
    )
    if mean["latitude"] is None:
        return None
    return Point(mean["latitude"], mean["longitude"])


def find_support_needs() -> QuerySet:
    """The taxonomy terms given to at least one active service: the needs a search offers."""
    active = m.Service.objects.filter(status=m.ServiceStatus.ACTIVE).values("pk")
    used = m.Attribute.objects.filter(link_entity="service", link_id__in=active).values(
        "taxonomy_term_id"
    )
    return m.TaxonomyTerm.objects.filter(pk__in=used).order_by("name", "id")


def find_support_areas() -> QuerySet:
    return Area.objects.order_by("sort_order", "name")


def _in_area(area: Area) -> Q:
    names = Q(name__iexact=area.name) | Q(service_area__iexact=area.name)
    names |= Q(name__iexact=area.code) | Q(service_area__iexact=area.code)
    council = Council.objects.values_list("name", flat=True).first()
    if council:
        names |= Q(name__iexact=council) | Q(service_area__iexact=council)
    by_area = m.ServiceArea.objects.filter(names).values("service_id")
    addresses = m.Address.objects.filter(
        Q(city__iexact=area.name) | Q(region__iexact=area.name)
    ).values("location_id")
    by_address = m.ServiceAtLocation.objects.filter(location_id__in=addresses).values("service_id")
    return Q(pk__in=by_area) | Q(pk__in=by_address)


def find_support_services(
    *,
    need_ids: list[uuid.UUID] | tuple = (),
    age: int | None = None,
    area: Area | None = None,
) -> QuerySet:
    """Active services meeting every criterion given (any of the needs), in name order."""
    found = m.Service.objects.filter(status=m.ServiceStatus.ACTIVE)
    if need_ids:
        found = found.filter(pk__in=_linked(Q(taxonomy_term_id__in=list(need_ids))))
    if age is not None:
        found = found.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age))
        found = found.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=age))
    if area is not None:
        found = found.filter(_in_area(area))
    return found.order_by("name", "id")


def service_nearest(found: QuerySet, *, centre, miles: float | None) -> list[tuple]:
    """(service id, miles to its nearest location) for ``found``'s services, nearest first.

    Within ``miles`` if given (the database first keeps locations inside the bounding box, then
    the exact distance decides); otherwise every service, those with no location with
    coordinates last (distance None), in name order."""
    located = m.ServiceAtLocation.objects.filter(
        service_id__in=found.values("pk"),
        location__latitude__isnull=False,
        location__longitude__isnull=False,
    )
    if miles is not None:
        south, north, west, east = bounding_box(centre, miles)
        located = located.filter(
            location__latitude__range=(south, north), location__longitude__range=(west, east)
        )
    nearest: dict = {}
    names: dict = {}
    for service_id, name, lat, lon in located.values_list(
        "service_id", "service__name", "location__latitude", "location__longitude"
    ):
        distance = miles_between(centre, Point(lat, lon))
        if miles is not None and distance > miles:
            continue
        names[service_id] = name
        if service_id not in nearest or distance < nearest[service_id]:
            nearest[service_id] = distance
    ordered = sorted(nearest, key=lambda pk: (nearest[pk], names[pk], str(pk)))
    out = [(pk, nearest[pk]) for pk in ordered]
    if miles is None:
        out += [
            (pk, None) for pk in found.exclude(pk__in=list(nearest)).values_list("pk", flat=True)
        ]
    return out


def services_by_id(ids: list) -> list[m.Service]:
    """The services (with their organisations) in the order of ``ids``."""
    found = {s.pk: s for s in m.Service.objects.filter(pk__in=ids).select_related("organization")}
    return [found[pk] for pk in ids if pk in found]


def service_summaries(services: list[m.Service]) -> dict:
    """Per service id: its locations (with addresses) and cost options, for a results page."""
    ids = [s.pk for s in services]
    out = {pk: {"locations": [], "cost_options": []} for pk in ids}
    sals = m.ServiceAtLocation.objects.filter(service_id__in=ids).select_related("location")
    sals = list(sals.order_by("location__name", "id"))
    addresses = _addresses([sal.location_id for sal in sals])
    for sal in sals:
        if sal.location:
            out[sal.service_id]["locations"].append(
                (sal.location, addresses.get(sal.location_id, []))
            )
    for option in m.CostOption.objects.filter(service_id__in=ids).order_by("amount", "id"):
        out[option.service_id]["cost_options"].append(option)
    return out


def _addresses(location_ids: list) -> dict:
    grouped: dict = {}
    for address in m.Address.objects.filter(location_id__in=location_ids).order_by("id"):
        grouped.setdefault(address.location_id, []).append(address)
    return grouped


def public_service(service_id: uuid.UUID) -> m.Service | None:
    return m.Service.objects.filter(pk=service_id).select_related("organization").first()


def service_page(service: m.Service) -> dict:
    """Everything a service's public page shows, a table at a time."""
    sals = list(
        m.ServiceAtLocation.objects.filter(service=service)
        .select_related("location")
        .order_by("location__name", "id")
    )
    location_ids = [sal.location_id for sal in sals if sal.location_id]
    addresses = _addresses(location_ids)
    access: dict = {}
    for item in m.Accessibility.objects.filter(location_id__in=location_ids).order_by("id"):
        access.setdefault(item.location_id, []).append(item)
    contacts = list(m.Contact.objects.filter(service=service).order_by("name", "id"))
    phones: dict = {}
    for phone in m.Phone.objects.filter(contact__in=contacts).order_by("id"):
        phones.setdefault(phone.contact_id, []).append(phone)
    schedules = list(
        m.Schedule.objects.filter(
            Q(service=service) | Q(service_at_location__in=[sal.pk for sal in sals])
        ).order_by("dtstart", "opens_at", "id")
    )
    attributes = list(
        m.Attribute.objects.filter(link_entity="service", link_id=service.pk)
        .select_related("taxonomy_term")
        .order_by("taxonomy_term__name", "id")
    )
    return {
        "locations": [
            (sal, sal.location, addresses.get(sal.location_id, []), access.get(sal.location_id, []))
            for sal in sals
            if sal.location
        ],
        "contacts": [(contact, phones.get(contact.pk, [])) for contact in contacts],
        "schedules": schedules,
        "cost_options": list(m.CostOption.objects.filter(service=service).order_by("amount", "id")),
        "service_areas": list(m.ServiceArea.objects.filter(service=service).order_by("name", "id")),
        "attributes": [a for a in attributes if a.taxonomy_term],
    }


# ------------------------------------------------------------------ the staff pages


def staff_services(
    *,
    text: str = "",
    status: str = "",
    organization_id: uuid.UUID | None = None,
    term_id: uuid.UUID | None = None,
) -> QuerySet:
    """The staff list: services by name, with their organisation (one query a page)."""
    found = services(text=text, taxonomy_term_id=term_id, organization_id=organization_id)
    if status:
        found = found.filter(status=status)
    return found.select_related("organization")


def status_counts() -> dict[str, int]:
    from django.db.models import Count

    rows = m.Service.objects.values("status").annotate(n=Count("id")).order_by("status")
    return {row["status"]: row["n"] for row in rows}


def organizations() -> QuerySet:
    from django.db.models import Count, OuterRef, Subquery

    count = (
        m.Service.objects.filter(organization_id=OuterRef("pk"))
        .order_by()
        .values("organization_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return m.Organization.objects.annotate(service_count=Subquery(count)).order_by("name", "id")


def organization(organization_id) -> m.Organization | None:
    pk = _uuid(organization_id)
    return m.Organization.objects.filter(pk=pk).first() if pk else None


def taxonomy_terms_with_taxonomy() -> QuerySet:
    return m.TaxonomyTerm.objects.select_related("taxonomy_detail").order_by("name", "id")


def service_terms(service: m.Service) -> list[m.TaxonomyTerm]:
    ids = m.Attribute.objects.filter(link_entity="service", link_id=service.pk).values(
        "taxonomy_term_id"
    )
    return list(taxonomy_terms_with_taxonomy().filter(pk__in=ids))


def service_parts(service: m.Service) -> dict[str, list]:
    """Everything the staff page of a service shows, a table at a time."""
    sals = list(
        m.ServiceAtLocation.objects.filter(service=service)
        .select_related("location")
        .order_by("location__name", "id")
    )
    location_ids = [s.location_id for s in sals]
    addresses, access = _addresses(location_ids), {}
    for row in m.Accessibility.objects.filter(location_id__in=location_ids).order_by("id"):
        access.setdefault(row.location_id, row)
    for sal in sals:
        sal.addresses = addresses.get(sal.location_id, [])
        sal.access = access.get(sal.location_id)
    contacts = list(m.Contact.objects.filter(service=service).order_by("name", "id"))
    phones: dict = {}
    for phone in m.Phone.objects.filter(contact__in=contacts).order_by("id"):
        phones.setdefault(phone.contact_id, []).append(phone)
    for contact in contacts:
        contact.phones = phones.get(contact.pk, [])
    return {
        "location": sals,
        "schedule": list(m.Schedule.objects.filter(service=service).order_by("id")),
        "contact": contacts,
        "cost_option": list(m.CostOption.objects.filter(service=service).order_by("id")),
        "funding": list(m.Funding.objects.filter(service=service).order_by("id")),
        "service_area": list(m.ServiceArea.objects.filter(service=service).order_by("id")),
        "languages": m.Language.objects.filter(service=service).count(),
    }


def service_part(service: m.Service, model, part_id):
    """One of a service's rows (a location at it, a schedule ...), or None."""
    return model.objects.filter(service=service, pk=part_id).first()


def part_values(kind: str, row) -> dict:
    """A part's fields as its form names them."""
    if kind == "location":
        location = row.location
        addresses = m.Address.objects.filter(location=location).order_by("id")
        access = m.Accessibility.objects.filter(location=location).order_by("id").first()
        return {
            "name": location.name,
            "location_type": location.location_type,
            "description": location.description,
            "latitude": location.latitude,
            "longitude": location.longitude,
            # Each address is changed on its own page; the list is for the remove page.
            "addresses": "; ".join(_address_words(a) for a in addresses),
            "accessibility": access.description if access else "",
        }
    if kind == "schedule":
        return {
            "byday": [d for d in row.byday.split(",") if d],
            "opens_at": row.opens_at[:5],
            "closes_at": row.closes_at[:5],
            "description": row.description,
        }
    if kind == "contact":
        phones = m.Phone.objects.filter(contact=row).order_by("id")
        return {
            "name": row.name,
            "title": row.title,
            # Each phone is changed on its own page; the list is for the remove page.
            "phones": "; ".join(p.number for p in phones),
        }
    names = {
        "cost_option": ("option", "amount", "amount_description"),
        "funding": ("source",),
        "service_area": ("name", "service_area", "uri"),
    }[kind]
    return {name: getattr(row, name) for name in names}


def _address_words(address: m.Address) -> str:
    lines = (address.address_1, address.city, address.state_province, address.postal_code)
    return ", ".join(line for line in lines if line)


def service_subpart(service: m.Service, kind: str, part_id, sub_id=None):
    """A service's location (by its link to the service) or contact, and one of its addresses
    or phones (``sub_id``; None to add one): ``(owner, row)``, or None when either is not the
    service's."""
    if kind == "address":
        sal = m.ServiceAtLocation.objects.filter(service=service, pk=part_id).first()
        owner = sal.location if sal and sal.location_id else None
        rows = m.Address.objects.filter(location=owner)
    elif kind == "phone":
        owner = m.Contact.objects.filter(service=service, pk=part_id).first()
        rows = m.Phone.objects.filter(contact=owner)
    else:
        return None
    if owner is None:
        return None
    row = rows.filter(pk=sub_id).first() if sub_id else None
    if sub_id and row is None:
        return None
    return owner, row


def subpart_count(kind: str, owner) -> int:
    """How many addresses a location has, or phones a contact."""
    if kind == "address":
        return m.Address.objects.filter(location=owner).count()
    return m.Phone.objects.filter(contact=owner).count()


def subpart_values(kind: str, row) -> dict:
    """An address's or a phone's fields as its form names them."""
    if kind == "address":
        return {
            "address_type": row.address_type,
            "attention": row.attention,
            "address_1": row.address_1,
            "city": row.city,
            "state_province": row.state_province,
            "postcode": row.postal_code,
        }
    return {"number": row.number, "description": row.description}


# ------------------------------------------------------------------ the ORUK API's other filters
# The standard's words (openapi.json): minimum_age "a minimum age of at least the value",
# maximum_age "a maximum age equal to or below the value"; day, start_time and end_time match
# one schedule of the service (its own or at one of its locations): byday holds the day,
# opens_at is at or after start_time, closes_at at or before end_time.


def _schedule_matches(*, day: str, start_time: str, end_time: str) -> Q:
    condition = Q()
    if day:
        condition &= Q(byday__icontains=day)
    if start_time:
        condition &= Q(opens_at__gte=start_time) & ~Q(opens_at="")
    if end_time:
        condition &= Q(closes_at__lte=end_time) & ~Q(closes_at="")
    return condition


def oruk_filter(
    found: QuerySet,
    *,
    service_path: str = "",
    minimum_age: float | None = None,
    maximum_age: float | None = None,
    age: float | None = None,
    day: str = "",
    start_time: str = "",
    end_time: str = "",
) -> QuerySet:
    """``found`` (services, or services at locations with ``service_path`` "service__")
    narrowed by the standard's age and schedule filters, and by ``age`` (not in the standard:
    services that take a person of that age)."""
    p = service_path
    if minimum_age is not None:
        found = found.filter(**{f"{p}minimum_age__gte": minimum_age})
    if maximum_age is not None:
        found = found.filter(**{f"{p}maximum_age__lte": maximum_age})
    if age is not None:
        found = found.filter(
            Q(**{f"{p}minimum_age__isnull": True}) | Q(**{f"{p}minimum_age__lte": age})
        ).filter(Q(**{f"{p}maximum_age__isnull": True}) | Q(**{f"{p}maximum_age__gte": age}))
    if day or start_time or end_time:
        schedules = m.Schedule.objects.filter(
            _schedule_matches(day=day, start_time=start_time, end_time=end_time)
        )
        by_service = schedules.exclude(service_id=None).values("service_id")
        at = schedules.exclude(service_at_location_id=None).values("service_at_location_id")
        by_location = m.ServiceAtLocation.objects.filter(pk__in=at).values("service_id")
        found = found.filter(Q(**{f"{p}pk__in": by_service}) | Q(**{f"{p}pk__in": by_location}))
    return found


def within_metres(found: QuerySet, *, centre: Point, metres: float, sal: bool) -> QuerySet:
    """``found`` (services, or services at locations when ``sal``) kept to those with a
    location within ``metres`` of ``centre``: a bounding box in SQL, then haversine."""
    miles = metres / METRES_PER_MILE
    south, north, west, east = bounding_box(centre, miles)
    candidates = m.ServiceAtLocation.objects.filter(
        location__latitude__range=(south, north), location__longitude__range=(west, east)
    ).values_list("pk", "service_id", "location__latitude", "location__longitude")
    near = [
        (pk, service_id)
        for pk, service_id, lat, lon in candidates
        if miles_between(centre, Point(lat, lon)) <= miles
    ]
    if sal:
        return found.filter(pk__in=[pk for pk, _s in near])
    return found.filter(pk__in={service_id for _pk, service_id in near})
