"""Demo data for the directory: a handful of Community Plus and voluntary sector services in the
demo council's areas (from the file beside the council pack), with locations, schedules, costs,
contacts, accessibility and the needs they help with, imported as an Open Referral UK 3.0 feed
through ``oruk_import``; and a small set of synthetic postcode centroids around the same towns, so
the find support page can measure distances.

Every id is a fixed uuid5, so a second run finds the same rows (the import updates them, or
leaves them as they were). The organisations, services, people and numbers are made up; the
postcode centroids are synthetic points near each town's centre, not the ONS directory's.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import yaml
from django.conf import settings

from core.models import Council
from directory import models as m
from directory.geo import normalise_postcode, outward_code
from directory.importer import oruk_import

NAMESPACE = uuid.UUID("6f1e0a43-8d8e-5b7e-9a51-2d0c3c1f4e21")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


TAXONOMY = "Early Support needs"
NEEDS = (
    "Activities for children and young people",
    "Babies and young children",
    "Domestic abuse",
    "Feeling low or anxious",
    "Food",
    "Meeting people and getting involved",
    "Money, debt and benefits",
    "Parenting and family relationships",
)
LANGUAGES = ("British Sign Language", "Polish", "Urdu")


def demo_directory() -> dict:
    """The demo directory that goes with the council pack (``<pack>.demo-directory.yaml``):
    ``towns`` (outward code, centre and region of each town) and ``services``. A council belongs
    in its pack, so the places and organisations are there rather than here; a pack without the
    file has no demo directory."""
    path = Path(settings.COUNCIL_PACK)
    path = path.with_name(f"{path.stem}.demo-directory.yaml")
    if not path.exists():
        return {"towns": {}, "services": []}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _organization(name: str, council: str) -> dict:
    slug = name.lower().replace(" ", "-").replace("'", "")
    return {
        "id": _id("organization", name),
        "name": name,
        "description": f"{name} works with families across {council}.",
        "email": f"hello@{slug}.example.org",
        "website": f"https://{slug}.example.org",
        "organization_identifiers": [
            {
                "id": _id("organization_identifier", name),
                "identifier_scheme": "GB-CHC",
                "identifier_type": "Charity number",
                "identifier": str(1100000 + sum(map(ord, name))),
            }
        ],
    }


def _service(item: dict, index: int, today: date, towns: dict, council: str) -> dict:
    name = item["name"]
    town = towns.get(item["town"]) if item["town"] else None
    location: dict = {
        "id": _id("location", item["venue"]),
        "location_type": "physical" if town else "virtual",
        "name": item["venue"],
        "description": f"{item['venue']}: ask at reception for {name}.",
    }
    if town:
        # A little off the town centre, different for each venue.
        location["latitude"] = round(town["latitude"] + 0.002 * (index % 3), 6)
        location["longitude"] = round(town["longitude"] - 0.003 * (index % 2), 6)
        location["addresses"] = [
            {
                "id": _id("address", item["venue"]),
                "address_1": item["address"],
                "city": item["town"],
                "region": town["region"],
                "state_province": "West Yorkshire",
                "postal_code": f"{town['outward']} {index % 9 + 1}AB",
                "country": "GB",
                "address_type": "physical",
            }
        ]
        location["accessibility"] = [
            {
                "id": _id("accessibility", item["venue"]),
                "description": "Step-free entrance and an accessible toilet.",
                "details": "A hearing loop at the front desk.",
                "url": "https://www.accessable.co.uk",
            }
        ]
    schedules = []
    for number, schedule in enumerate(item["schedules"]):
        entry = {"id": _id("schedule", name, str(number)), **schedule}
        if not entry.get("freq"):
            entry.pop("freq", None)
        if "one_off" in item:
            entry["dtstart"] = (today + timedelta(days=item["one_off"])).isoformat()
        entry["attending_type"] = "In person" if town else "By telephone or video call"
        schedules.append(entry)
    costs = []
    for number, cost in enumerate(item["costs"]):
        entry = {"id": _id("cost_option", name, str(number)), "amount": cost["amount"]}
        if cost["option"]:
            entry["option"] = cost["option"]
        entry["amount_description"] = "GBP"
        costs.append(entry)
    low, high = item["ages"]
    service = {
        "id": _id("service", name),
        "name": name,
        "description": item["description"],
        "status": item.get("status", "active"),
        "url": f"https://example.org/services/{index + 1}",
        "email": f"service{index + 1}@example.org",
        "organization_id": _id("organization", item["org"]),
        "organization": _organization(item["org"], council),
        "schedules": schedules,
        "cost_options": costs,
        "service_areas": [
            {"id": _id("service_area", name, area), "name": area, "service_area": area}
            for area in item["areas"]
        ],
        "service_at_locations": [{"id": _id("service_at_location", name), "location": location}],
        "contacts": [
            {
                "id": _id("contact", name),
                "name": "Reception",
                "title": "Bookings and enquiries",
            }
        ],
        "funding": [{"id": _id("funding", name), "source": f"{council} grant"}],
        "languages": [{"id": _id("language", name)}],
        "attributes": [
            {
                "id": _id("attribute", name, need),
                "taxonomy_term_id": _id("taxonomy_term", need),
                "link_type": "need",
            }
            for need in item["needs"]
        ]
        + [
            {
                "id": _id("attribute", name, language),
                "taxonomy_term_id": _id("taxonomy_term", language),
                "link_type": "language",
            }
            for language in item.get("languages", ())
        ],
    }
    if item.get("fees"):
        service["fees"] = item["fees"]
    if low is not None:
        service["minimum_age"] = low
    if high is not None:
        service["maximum_age"] = high
    return service


def _taxonomies() -> list[dict]:
    return [
        {
            "id": _id("taxonomy", TAXONOMY),
            "name": TAXONOMY,
            "description": "What families ask for help with (the find support page's needs).",
        },
        {
            "id": _id("taxonomy", "Languages"),
            "name": "Languages",
            "description": "Languages a service is offered in, besides English.",
        },
    ]


def _terms() -> list[dict]:
    terms = [
        {
            "id": _id("taxonomy_term", need),
            "name": need,
            "description": f"Help with: {need.lower()}.",
            "taxonomy_id": _id("taxonomy", TAXONOMY),
        }
        for need in NEEDS
    ]
    terms += [
        {
            "id": _id("taxonomy_term", language),
            "name": language,
            "description": f"Offered in {language}.",
            "taxonomy_id": _id("taxonomy", "Languages"),
        }
        for language in LANGUAGES
    ]
    return terms


def postcode_rows(towns: dict) -> list[tuple[str, float, float]]:
    """Synthetic postcode centroids: nine per town, on a small grid around its centre."""
    rows = []
    for town in towns.values():
        outward, lat, lon = town["outward"], town["latitude"], town["longitude"]
        for n in range(9):
            postcode = normalise_postcode(f"{outward} {n + 1}AB")
            rows.append(
                (
                    postcode,
                    round(lat + 0.004 * (n % 3 - 1), 6),
                    round(lon + 0.006 * (n // 3 - 1), 6),
                )
            )
    return rows


def _import(data, kind: str) -> None:
    report = oruk_import(actor=None, data=data, dry_run=False, kind=kind)
    if report.errors:
        raise ValueError(f"the directory's demo {kind} feed was refused: {report.errors[:3]}")


def seed(*, today: date, counts: Counter) -> None:
    data = demo_directory()
    towns, services = data["towns"], data["services"]
    if not services:
        return
    ids = [_id("service", item["name"]) for item in services]
    if m.Service.objects.filter(id__in=ids).count() == len(ids):
        return  # seeded before: nothing to add
    existing = set(m.Service.objects.filter(id__in=ids).values_list("id", flat=True))
    council = Council.objects.values_list("name", flat=True).first() or "the council"
    _import(_taxonomies(), "taxonomy")
    _import(_terms(), "taxonomy_term")
    _import(
        [_service(item, index, today, towns, council) for index, item in enumerate(services)],
        "service",
    )
    # The standard nests no telephone numbers under a service's contacts: added directly.
    for index, item in enumerate(services):
        m.Phone.objects.update_or_create(
            id=_id("phone", item["name"]),
            defaults={
                "contact_id": _id("contact", item["name"]),
                "number": f"01632 960{index + 1:03d}",  # Ofcom's numbers for drama
                "description": "Bookings and enquiries",
            },
        )
    for postcode, lat, lon in postcode_rows(towns):
        m.PostcodeCentroid.objects.update_or_create(
            postcode=postcode,
            defaults={"outward": outward_code(postcode), "latitude": lat, "longitude": lon},
        )
    counts["directory services"] += len(ids) - len(existing)
