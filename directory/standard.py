"""The Open Referral UK 3.0 standard as shipped in ``directory/standard/``: its table schemas,
its compiled response schemas, and which of its tables each model holds.

Nesting (a service's schedules, a location's addresses) is read from the table schemas rather
than written out again here, so the import and the API follow the standard's shape."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory import models as m

ROOT = Path(__file__).resolve().parent / "standard"
BASE_URI = "https://directory.invalid/oruk-3.0/"
# Where the standard's OpenAPI document says its schemas are: served from our copies.
PUBLISHED_URI = "https://raw.githubusercontent.com/openreferral/uk-profile/main/"

TABLES: dict[str, type] = {
    "organization": m.Organization,
    "organization_identifier": m.OrganizationIdentifier,
    "service": m.Service,
    "location": m.Location,
    "address": m.Address,
    "accessibility": m.Accessibility,
    "service_at_location": m.ServiceAtLocation,
    "schedule": m.Schedule,
    "service_area": m.ServiceArea,
    "contact": m.Contact,
    "phone": m.Phone,
    "language": m.Language,
    "funding": m.Funding,
    "cost_option": m.CostOption,
    "taxonomy": m.Taxonomy,
    "taxonomy_term": m.TaxonomyTerm,
    "attribute": m.Attribute,
}


@cache
def table_schema(table: str) -> dict:
    return json.loads((ROOT / "schema" / f"{table}.json").read_text())


@cache
def registry() -> Registry:
    """Every schema file by its path under BASE_URI, so relative $refs resolve between them."""
    resources = []
    for path in sorted((ROOT / "schema").rglob("*.json")):
        relative = path.relative_to(ROOT).as_posix()
        resource = Resource.from_contents(json.loads(path.read_text()), DRAFT202012)
        resources += [(BASE_URI + relative, resource), (PUBLISHED_URI + relative, resource)]
    return Registry().with_resources(resources)


# jsonschema checks "uri" and "date-time" only with optional packages; these two checks use
# the standard library instead, so a feed's links and timestamps are checked too.
FORMATS = FormatChecker()


@FORMATS.checks("uri", raises=ValueError)
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and not any(c.isspace() for c in value)


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    # RFC 3339: a date, "T", a time and an offset (or Z).
    moment = datetime.fromisoformat(value)
    return "T" in value.upper() and moment.tzinfo is not None


@cache
def validator(relative_path: str) -> Draft202012Validator:
    """A validator for ``schema/...`` (the standard declares JSON Schema 2020-12); a fragment
    points inside a file (``schema/openapi.json#/paths/...``)."""
    return Draft202012Validator(
        {"$ref": BASE_URI + relative_path}, registry=registry(), format_checker=FORMATS
    )


def response_validator(path: str) -> Draft202012Validator:
    """A validator for the 200 answer the standard's OpenAPI document gives ``path``."""
    pointer = path.replace("~", "~0").replace("/", "~1")
    return validator(
        f"schema/openapi.json#/paths/{pointer}/get/responses/200/content/application~1json/schema"
    )


@cache
def columns(table: str) -> dict[str, object]:
    """The table's one-to-one fields: ORUK name -> model field (the name is the column's)."""
    model = TABLES[table]
    props = table_schema(table)["properties"]
    return {f.column: f for f in model._meta.concrete_fields if f.column in props}


@cache
def nested(table: str) -> dict[str, tuple[str, str, str]]:
    """The table's nested records: key -> (kind, table, column).

    kind "many": the other table's ``column`` names this record; kind "one": this table's
    ``column`` names the nested record."""
    out = {}
    for key, prop in table_schema(table)["properties"].items():
        ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
        if not ref:
            continue
        other = ref.removesuffix(".json")
        if "$ref" in prop:
            out[key] = ("one", other, f"{key}_id")
        elif other == "attribute":
            out[key] = ("many", other, "link_id")
        else:
            model = TABLES[table]
            column = next(
                f.column
                for f in TABLES[other]._meta.concrete_fields
                if f.is_relation and f.related_model is model
            )
            out[key] = ("many", other, column)
    return out
