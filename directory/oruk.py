"""Directory records in their Open Referral UK 3.0 form (the API's answers).

Records are loaded a table at a time for a whole page (one query per nested table, however many
rows), then put together: a page of services costs the same number of queries as one service.
A ``tree`` says which nested records to include: ``None`` everything the standard nests, a dict
only the keys it names (each with its own tree)."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from directory import models as m
from directory.standard import TABLES, columns, nested

FULL = None
SERVICE_LIST = {"organization": {}}
SERVICE_AT_LOCATION_LIST = {"location": {}, "service": {}}
# A service at a location nests its service in full, bar the service's own locations.
SERVICE_AT_LOCATION_FULL = {
    "location": FULL,
    "service": {k: FULL for k in nested("service") if k != "service_at_locations"},
}
TAXONOMY_LIST: dict = {}
TAXONOMY_TERM = {}


def _value(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value


def _scalars(table: str, record, leave_out: set[str]) -> dict:
    out = {}
    for name, field in columns(table).items():
        value = getattr(record, field.attname)
        if name in leave_out or value is None or value == "":
            continue
        out[name] = _value(value)
    return out


def _keys(table: str, tree) -> dict[str, tuple]:
    found = dict(nested(table))
    if table == "service_at_location":
        # The compiled schema nests the service too (the table schema names only its id).
        found["service"] = ("one", "service", "service_id")
    if tree is FULL:
        return {k: (*v, FULL) for k, v in found.items() if k != "service"}
    return {k: (*found[k], sub) for k, sub in tree.items()}


def encode(table: str, records: list, tree=FULL, parent_column: str = "") -> list[dict]:
    """The ORUK dicts of ``records`` (of one table), in their order."""
    if not records:
        return []
    keys = _keys(table, tree)
    leave_out = {parent_column} | {col for kind, _t, col, _s in keys.values() if kind == "one"}
    out = [_scalars(table, r, leave_out) for r in records]
    ids = [r.pk for r in records]
    for key, (kind, other, column, sub) in keys.items():
        model = TABLES[other]
        if kind == "one":
            field = TABLES[table]._meta.get_field(column.removesuffix("_id"))
            wanted = {getattr(r, field.attname) for r in records} - {None}
            found = list(model.objects.filter(pk__in=wanted))
            by_id = dict(zip([f.pk for f in found], encode(other, found, sub), strict=True))
            for item, record in zip(out, records, strict=True):
                if getattr(record, field.attname) in by_id:
                    item[key] = by_id[getattr(record, field.attname)]
            continue
        if other == "attribute":
            rows = list(
                m.Attribute.objects.filter(link_entity=table, link_id__in=ids).order_by("id")
            )
            attname = "link_id"
        else:
            attname = next(f.attname for f in model._meta.concrete_fields if f.column == column)
            rows = list(model.objects.filter(**{f"{attname}__in": ids}).order_by("id"))
        grouped = defaultdict(list)
        for row, item in zip(rows, encode(other, rows, sub, parent_column=column), strict=True):
            grouped[getattr(row, attname)].append(item)
        for item, record in zip(out, records, strict=True):
            item[key] = grouped.get(record.pk, [])
    return out


def page(*, items: list[dict], total: int, number: int, size: int) -> dict:
    """The standard's page: its counts and flags, then the records."""
    pages = -(-total // size)
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(items),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not items,
        "contents": items,
    }
