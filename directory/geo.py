"""Postcodes and distances for the find support pages, without the network.

A postcode is found in the ``PostcodeCentroid`` table (loaded from the ONS Postcode Directory by
``manage.py directory_postcodes``); distances are great-circle distances (haversine) in miles,
worked out in Python over a candidate set the database has first narrowed by a bounding box."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from core.audit import audit_record
from core.models import AuditEvent
from directory import models as m

EARTH_RADIUS_MILES = 3958.7613
MILES_PER_DEGREE_LATITUDE = 69.0934  # 2 * pi * R / 360
METRES_PER_MILE = 1609.344

# A UK postcode's outward code (area, district) and inward code (sector, unit).
_OUTWARD = r"[A-Z]{1,2}[0-9][0-9A-Z]?"
_FULL = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
_OUTWARD_ONLY = re.compile(rf"^({_OUTWARD})$")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def normalise_postcode(text: str) -> str:
    """ "hd12ab" -> "HD1 2AB"; an outward code alone ("hd1") -> "HD1"; anything else -> ""."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if found := _FULL.match(compact):
        return f"{found[1]} {found[2]}"
    if _OUTWARD_ONLY.match(compact):
        return compact
    return ""


def outward_code(postcode: str) -> str:
    return postcode.split(" ")[0]


def miles_between(a: Point, b: Point) -> float:
    """The great-circle distance (haversine), in miles."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: Point, miles: float) -> tuple[float, float, float, float]:
    """(south, north, west, east): every point within ``miles`` of ``centre`` is inside it."""
    dlat = miles / MILES_PER_DEGREE_LATITUDE
    # Degrees of longitude shrink towards the poles: widen by the box's most poleward latitude.
    poleward = min(89.9, abs(centre.latitude) + dlat)
    dlon = miles / (MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(poleward)))
    return (
        centre.latitude - dlat,
        centre.latitude + dlat,
        centre.longitude - dlon,
        centre.longitude + dlon,
    )


# The ONS Postcode Directory gives postcodes with no grid reference these coordinates.
_NO_GRID_REFERENCE = 99.999999
BATCH = 5000


@dataclass
class PostcodeLoad:
    read: int = 0
    saved: int = 0
    skipped: int = 0


def postcodes_load(*, actor, path: Path) -> PostcodeLoad:
    """Load (or reload) postcode centroids from a CSV in the ONS Postcode Directory's layout
    (columns ``pcds``, ``lat``, ``long``; others ignored). Rows already held are updated, so it
    can be run again with a newer directory. Rows with no usable coordinates are skipped."""
    report = PostcodeLoad()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"pcds", "lat", "long"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"the file has no {', '.join(sorted(missing))} column")
        with transaction.atomic():
            batch: list[m.PostcodeCentroid] = []
            for row in reader:
                report.read += 1
                postcode = normalise_postcode(row.get("pcds", ""))
                try:
                    latitude, longitude = float(row["lat"]), float(row["long"])
                except (TypeError, ValueError):
                    latitude = longitude = _NO_GRID_REFERENCE
                if (
                    " " not in postcode
                    or not -90 <= latitude <= 90
                    or not -180 <= longitude <= 180
                    or latitude == _NO_GRID_REFERENCE
                ):
                    report.skipped += 1
                    continue
                batch.append(
                    m.PostcodeCentroid(
                        postcode=postcode,
                        outward=outward_code(postcode),
                        latitude=latitude,
                        longitude=longitude,
                    )
                )
                if len(batch) >= BATCH:
                    report.saved += _save(batch)
                    batch = []
            report.saved += _save(batch)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target="directory.postcodecentroid",
                detail={"read": report.read, "saved": report.saved, "skipped": report.skipped},
            )
    return report


def _save(batch: list[m.PostcodeCentroid]) -> int:
    # The last row for a postcode wins, within a batch as across batches.
    unique = list({row.postcode: row for row in batch}.values())
    m.PostcodeCentroid.objects.bulk_create(
        unique,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["outward", "latitude", "longitude"],
    )
    return len(unique)
