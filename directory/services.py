"""Staff changes to the directory: services and their parts, organisations, taxonomy terms.

Every write checks ``directory.edit`` itself, runs in one transaction, is audited (ids, table
names and field names only) and, for a service, bumps its ``last_modified`` and checks the
service as the standard's compiled schema does: what staff save is always valid Open Referral UK
3.0, so the read API never publishes a record the standard would refuse.

Concurrent edits: a page carries the version of the record it showed (a service's
``last_modified``; a digest of an organisation's or a term's fields) and a change made after it
is refused as a conflict (``core.concurrency.StaleVersionError``), changing nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from directory import models as m
from directory import oruk
from directory.standard import table_schema, validator

STATUSES: tuple[str, ...] = tuple(table_schema("service")["properties"]["status"]["enum"])
LOCATION_TYPES: tuple[str, ...] = tuple(
    table_schema("location")["properties"]["location_type"]["enum"]
)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
STALE = "Someone else changed this after you opened it. Check what it says now and try again."

SERVICE_FIELDS = (
    "name",
    "description",
    "status",
    "url",
    "email",
    "fees",
    "minimum_age",
    "maximum_age",
    "alert",
)
ORGANIZATION_FIELDS = ("name", "description", "email", "website")
TERM_FIELDS = ("name", "description", "term_uri")


def _require_edit(actor) -> None:
    if not rules.has_perm("directory.edit", actor):
        raise PermissionDenied("Only people who keep the directory may change it")


# ------------------------------------------------------------------ versions


def service_version(service: m.Service) -> str:
    """What a page carries to detect a later change: the service's last_modified."""
    return service.last_modified.isoformat() if service.last_modified else ""


def record_version(record, names: tuple[str, ...]) -> str:
    """A digest of a record's fields, for tables with no last_modified of their own."""
    text = "\x1f".join(str(getattr(record, name)) for name in names)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _check(current: str, expected: str) -> None:
    if current != expected:
        raise StaleVersionError(STALE)


def _touch(service: m.Service) -> None:
    """A new last_modified, always later than the one it replaces (so a version changes even
    when two saves fall in the same instant)."""
    now = clock.now()
    if service.last_modified and now <= service.last_modified:
        now = service.last_modified + datetime.timedelta(microseconds=1)
    service.last_modified = now
    service.save(update_fields=["last_modified"])


# ------------------------------------------------------------------ the standard's check

# The compiled schema's names for the form fields they come from (a path's last key).
_FIELD_BY_KEY = {"postal_code": "postcode"}
# The standard's names in plain English, for messages.
_WORDS = {
    "state_province": "county",
    "postal_code": "postcode",
    "address_1": "address line",
    "location_type": "kind of location",
    "url": "web address",
    "uri": "web address",
    "website": "website",
    "term_uri": "web address",
    "email": "email address",
}


def _word(name) -> str:
    return _WORDS.get(str(name), str(name).replace("_", " "))


def _problems(data: dict, schema: str) -> ValidationError | None:
    errors = sorted(validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    by_field: dict[str, list[str]] = {}
    for error in errors:
        path = [p for p in error.absolute_path if not isinstance(p, int)]
        name = path[-1] if path else "__all__"
        if error.validator == "required":
            name = _missing(error)
        name = _FIELD_BY_KEY.get(name, name)
        by_field.setdefault(name, []).append(_plain(error))
    return ValidationError(by_field)


def _missing(error) -> str:
    """The property a "required" error names ("'name' is a required property")."""
    return str(error.message).split("'")[1]


def _plain(error) -> str:
    """The schema's complaint in plain English, naming the field."""
    name = _word(error.absolute_path[-1]) if error.absolute_path else "record"
    if error.validator == "enum":
        return f"Choose a {name} from the list"
    if error.validator == "format":
        if error.validator_value == "uri":
            return f"Enter the {name} in full, starting https://"
        if error.validator_value == "email":
            return f"Enter the {name} like name@example.org"
        return f"Enter a valid {name}"
    if error.validator == "required":
        return f"Enter the {_word(_missing(error))}"
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"The {name} is out of range"
    if error.validator == "type":
        return f"Enter a valid {name}"
    return f"The {name} is not valid Open Referral UK: {error.message}"


def _check_service(service: m.Service) -> None:
    """Refuse (and so roll back) a change that leaves the service invalid for the standard."""
    data = oruk.encode("service", [service])[0]
    problem = _problems(data, "schema/compiled/service.json")
    if problem is not None:
        raise problem


def _audit(actor, change: str, target, **detail) -> None:
    """The audit row: created or changed (Action), and which change (ids, kinds, field names)."""
    action = Action.CREATE if change.endswith("_create") else Action.UPDATE
    audit_record(actor=actor, action=action, target=target, detail={"change": change, **detail})


# ------------------------------------------------------------------ services


def _ages(values: dict) -> None:
    low, high = values.get("minimum_age"), values.get("maximum_age")
    if low is not None and high is not None and low > high:
        raise ValidationError(
            {"maximum_age": "The maximum age must be the same as or more than the minimum age"}
        )


@transaction.atomic
def service_create(*, actor, organization: m.Organization | None, **values) -> m.Service:
    """A new service; ``values`` are SERVICE_FIELDS (text "" when not given)."""
    _require_edit(actor)
    values = {name: values.get(name, "" if "age" not in name else None) for name in SERVICE_FIELDS}
    _ages(values)
    service = m.Service.objects.create(
        organization=organization, last_modified=clock.now(), **values
    )
    _check_service(service)
    _audit(actor, "service_create", service, status=service.status)
    return service


@transaction.atomic
def service_update(
    *,
    actor,
    service: m.Service,
    expected_version: str,
    organization: m.Organization | None,
    **values,
) -> m.Service:
    _require_edit(actor)
    service = lock(m.Service, service.pk)
    _check(service_version(service), expected_version)
    _ages(values)
    changed = [n for n in SERVICE_FIELDS if n in values and getattr(service, n) != values[n]]
    for name in changed:
        setattr(service, name, values[name])
    if service.organization_id != (organization.pk if organization else None):
        service.organization = organization
        changed.append("organization")
    if changed:
        service.save(update_fields=changed)
        _touch(service)
        _check_service(service)
    _audit(actor, "service_update", service, fields=sorted(changed))
    return service


@transaction.atomic
def service_terms_set(
    *, actor, service: m.Service, expected_version: str, terms: list[m.TaxonomyTerm]
) -> m.Service:
    """The taxonomy terms (the standard's attributes) the service is described by."""
    _require_edit(actor)
    service = lock(m.Service, service.pk)
    _check(service_version(service), expected_version)
    held = m.Attribute.objects.filter(link_entity="service", link_id=service.pk)
    wanted = {t.pk for t in terms}
    have = set(held.values_list("taxonomy_term_id", flat=True))
    removed = held.exclude(taxonomy_term_id__in=wanted).delete()[0]
    for term_id in sorted(wanted - have, key=str):
        m.Attribute.objects.create(
            link_id=service.pk, link_entity="service", link_type="", taxonomy_term_id=term_id
        )
    if removed or wanted - have:
        _touch(service)
        _check_service(service)
    _audit(actor, "service_terms_set", service, added=len(wanted - have), removed=removed)
    return service


# ------------------------------------------------------------------ a service's parts


@dataclass(frozen=True)
class Part:
    """One kind of row a service has (a location, a schedule ...): its table and writer."""

    kind: str
    model: type
    noun: str


PARTS: dict[str, Part] = {
    "location": Part("location", m.ServiceAtLocation, "location"),
    "schedule": Part("schedule", m.Schedule, "opening time"),
    "contact": Part("contact", m.Contact, "contact"),
    "cost_option": Part("cost_option", m.CostOption, "cost"),
    "funding": Part("funding", m.Funding, "funding source"),
    "service_area": Part("service_area", m.ServiceArea, "service area"),
}


def _first(model, **where):
    return model.objects.filter(**where).order_by("id").first()


def _write_location(service, sal, v):
    """A location and its accessibility. Its first address may come with it when it is added;
    after that each address is changed on its own (``service_subpart_save``)."""
    location = sal.location if sal and sal.location_id else m.Location()
    location.location_type = v.get("location_type") or "physical"
    location.name = v.get("name", "")
    location.description = v.get("description", "")
    location.latitude = v.get("latitude")
    location.longitude = v.get("longitude")
    location.save()
    if sal is None:
        sal = m.ServiceAtLocation.objects.create(service=service, location=location)
        if any(v.get(k) for k in ("address_1", "city", "postcode")):
            _write_address(location, None, {"address_type": "physical", **v})
    access = _first(m.Accessibility, location=location)
    if v.get("accessibility"):
        access = access or m.Accessibility(location=location)
        access.description = v["accessibility"]
        access.save()
    elif access is not None:
        access.delete()
    return sal


def _write_schedule(service, schedule, v):
    schedule = schedule or m.Schedule(service=service)
    days = v.get("byday") or []
    schedule.freq = "WEEKLY" if days else ""
    schedule.byday = ",".join(d for d in DAYS if d in days)
    schedule.opens_at = v.get("opens_at", "")
    schedule.closes_at = v.get("closes_at", "")
    schedule.description = v.get("description", "")
    schedule.save()
    return schedule


def _write_contact(service, contact, v):
    """A contact. Its first phone may come with it when it is added; after that each phone is
    changed on its own (``service_subpart_save``)."""
    adding = contact is None
    contact = contact or m.Contact(service=service)
    contact.name = v.get("name", "")
    contact.title = v.get("title", "")
    contact.save()
    if adding and v.get("phone"):
        _write_phone(
            contact,
            None,
            {"number": v["phone"], "description": v.get("phone_description", "")},
            field="phone",
        )
    return contact


# ------------------------------------------------------------------ a part's own rows

# A UK or international phone number as people write it: digits, spaces, brackets and hyphens,
# with a leading + for an international one; between 3 (999, 111) and 15 digits (E.164).
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_MESSAGE = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
# The standard's address types staff may choose (its third, "virtual", has no street address).
ADDRESS_TYPES: tuple[str, ...] = ("physical", "postal")
ADDRESS_TYPE_MESSAGE = "Choose whether it is the place people visit or a postal address"


def _phone_number(number: str, *, field: str = "number") -> str:
    """The number as typed, trimmed, or a refusal by field."""
    number = " ".join(number.split())
    digits = sum(c.isdigit() for c in number)
    if not number:
        raise ValidationError({field: "Enter the telephone number"})
    if not PHONE_CHARACTERS.match(number) or not 3 <= digits <= 15:
        raise ValidationError({field: PHONE_MESSAGE})
    return number


def _write_phone(contact, phone, v, *, field: str = "number"):
    number = _phone_number(v.get("number", ""), field=field)
    phone = phone or m.Phone(contact=contact)
    phone.number = number
    phone.description = v.get("description", "")
    phone.save()
    return phone


def _write_address(location, address, v):
    kind = v.get("address_type") or "physical"
    if kind not in ADDRESS_TYPES:
        raise ValidationError({"address_type": ADDRESS_TYPE_MESSAGE})
    address = address or m.Address(location=location)
    address.address_type = kind
    address.attention = v.get("attention", "")
    address.address_1 = v.get("address_1", "")
    address.city = v.get("city", "")
    address.state_province = v.get("state_province", "")
    address.postal_code = v.get("postcode", "")
    address.country = v.get("country") or "GB"
    address.save()
    return address


def _write_simple(names):
    def write(service, row, v, model):
        row = row or model(service=service)
        for name in names:
            setattr(row, name, v.get(name, "" if name != "amount" else None))
        row.save()
        return row

    return write


_WRITERS = {
    "location": _write_location,
    "schedule": _write_schedule,
    "contact": _write_contact,
    "cost_option": lambda s, r, v: _write_simple(("option", "amount", "amount_description"))(
        s, r, v, m.CostOption
    ),
    "funding": lambda s, r, v: _write_simple(("source",))(s, r, v, m.Funding),
    "service_area": lambda s, r, v: _write_simple(("name", "service_area", "uri"))(
        s, r, v, m.ServiceArea
    ),
}


def _part_row(service: m.Service, kind: str, part_id):
    part = PARTS.get(kind)
    if part is None:
        raise ValidationError({"kind": "Choose a part of the service"})
    row = part.model.objects.filter(pk=part_id, service_id=service.pk).first()
    if row is None:
        raise part.model.DoesNotExist
    return row


@transaction.atomic
def service_part_save(
    *,
    actor,
    service: m.Service,
    expected_version: str,
    kind: str,
    part_id: uuid.UUID | None = None,
    values: dict,
):
    """Add (``part_id`` None) or change one of a service's parts (``PARTS``)."""
    _require_edit(actor)
    if kind not in PARTS:
        raise ValidationError({"kind": "Choose a part of the service"})
    service = lock(m.Service, service.pk)
    _check(service_version(service), expected_version)
    row = _part_row(service, kind, part_id) if part_id else None
    saved = _WRITERS[kind](service, row, values)
    _touch(service)
    _check_service(service)
    _audit(actor, "service_part_save", service, part=kind, part_id=str(saved.pk), added=not row)
    return saved


@transaction.atomic
def service_part_remove(
    *, actor, service: m.Service, expected_version: str, kind: str, part_id: uuid.UUID
) -> None:
    """Take one of a service's parts off it. A location other services are at stays theirs."""
    _require_edit(actor)
    service = lock(m.Service, service.pk)
    _check(service_version(service), expected_version)
    row = _part_row(service, kind, part_id)
    location_id = row.location_id if kind == "location" else None
    row.delete()
    if location_id and not m.ServiceAtLocation.objects.filter(location_id=location_id).exists():
        m.Location.objects.filter(pk=location_id).delete()
    _touch(service)
    _check_service(service)
    _audit(actor, "service_part_remove", service, part=kind, part_id=str(part_id))


# ------------------------------------------------------------------ a part's own rows: the
# addresses of a location and the phones of a contact, each added, changed and removed alone.


@dataclass(frozen=True)
class SubPart:
    """Rows a part has many of: the part's kind, the table, and the noun."""

    kind: str
    part: str
    model: type
    noun: str


SUBPARTS: dict[str, SubPart] = {
    "address": SubPart("address", "location", m.Address, "address"),
    "phone": SubPart("phone", "contact", m.Phone, "phone number"),
}


def _owner(service: m.Service, sub: SubPart, part_id):
    """The row a sub-part hangs from: a location (through the service's link to it) or a
    contact of the service; DoesNotExist when it is not the service's."""
    row = _part_row(service, sub.part, part_id)
    if sub.kind == "address":
        if row.location_id is None:
            raise m.Location.DoesNotExist
        return row.location
    return row


def _sub_row(sub: SubPart, owner, sub_id):
    where = {"location": owner} if sub.kind == "address" else {"contact": owner}
    row = sub.model.objects.filter(pk=sub_id, **where).first()
    if row is None:
        raise sub.model.DoesNotExist
    return row


@transaction.atomic
def service_subpart_save(
    *,
    actor,
    service: m.Service,
    expected_version: str,
    kind: str,
    part_id: uuid.UUID,
    sub_id: uuid.UUID | None = None,
    values: dict,
):
    """Add (``sub_id`` None) or change one address of a service's location or one phone of its
    contact (``SUBPARTS``). ``values``: an address's address_type (physical or postal),
    attention, address_1, city, state_province, postcode, country; a phone's number and
    description. The service's version guards it, and the service is checked as the standard's
    compiled schema does."""
    _require_edit(actor)
    sub = SUBPARTS.get(kind)
    if sub is None:
        raise ValidationError({"kind": "Choose an address or a phone number"})
    service = lock(m.Service, service.pk)
    _check(service_version(service), expected_version)
    owner = _owner(service, sub, part_id)
    row = _sub_row(sub, owner, sub_id) if sub_id else None
    if kind == "address":
        saved = _write_address(owner, row, values)
    else:
        saved = _write_phone(owner, row, values)
    _touch(service)
    _check_service(service)
    _audit(actor, "service_part_save", service, part=kind, part_id=str(saved.pk), added=not row)
    return saved


@transaction.atomic
def service_subpart_remove(
    *,
    actor,
    service: m.Service,
    expected_version: str,
    kind: str,
    part_id: uuid.UUID,
    sub_id: uuid.UUID,
) -> None:
    """Take one address off a service's location, or one phone off its contact. A contact
    with no name or job title keeps its last phone (it would say nothing): remove the contact."""
    _require_edit(actor)
    sub = SUBPARTS.get(kind)
    if sub is None:
        raise ValidationError({"kind": "Choose an address or a phone number"})
    service = lock(m.Service, service.pk)
    _check(service_version(service), expected_version)
    owner = _owner(service, sub, part_id)
    row = _sub_row(sub, owner, sub_id)
    if kind == "phone" and not (owner.name or owner.title):
        if not m.Phone.objects.filter(contact=owner).exclude(pk=row.pk).exists():
            raise ValidationError(
                "This is the contact’s only detail: remove the contact instead, or give it a "
                "name first"
            )
    row.delete()
    _touch(service)
    _check_service(service)
    _audit(actor, "service_part_remove", service, part=kind, part_id=str(sub_id))


# ------------------------------------------------------------------ organisations and terms


def _check_table(record, table: str) -> None:
    data = oruk.encode(table, [record], tree={})[0]
    problem = _problems(data, f"schema/{table}.json")
    if problem is not None:
        raise problem


def _organization_values(values: dict) -> dict:
    return {name: values.get(name, "") for name in ORGANIZATION_FIELDS}


@transaction.atomic
def organization_create(*, actor, **values) -> m.Organization:
    _require_edit(actor)
    organization = m.Organization.objects.create(**_organization_values(values))
    _check_table(organization, "organization")
    _audit(actor, "organization_create", organization)
    return organization


@transaction.atomic
def organization_update(
    *, actor, organization: m.Organization, expected_version: str, **values
) -> m.Organization:
    _require_edit(actor)
    organization = lock(m.Organization, organization.pk)
    _check(record_version(organization, ORGANIZATION_FIELDS), expected_version)
    values = _organization_values(values)
    changed = [n for n, v in values.items() if getattr(organization, n) != v]
    for name in changed:
        setattr(organization, name, values[name])
    if changed:
        organization.save(update_fields=changed)
        _check_table(organization, "organization")
    _audit(actor, "organization_update", organization, fields=sorted(changed))
    return organization


def _term_values(values: dict) -> dict:
    return {name: values.get(name, "") for name in TERM_FIELDS}


@transaction.atomic
def taxonomy_term_create(*, actor, taxonomy: m.Taxonomy | None, **values) -> m.TaxonomyTerm:
    _require_edit(actor)
    term = m.TaxonomyTerm.objects.create(taxonomy_detail=taxonomy, **_term_values(values))
    _check_table(term, "taxonomy_term")
    _audit(actor, "taxonomy_term_create", term)
    return term


@transaction.atomic
def taxonomy_term_update(
    *,
    actor,
    term: m.TaxonomyTerm,
    expected_version: str,
    taxonomy: m.Taxonomy | None,
    **values,
) -> m.TaxonomyTerm:
    _require_edit(actor)
    term = lock(m.TaxonomyTerm, term.pk)
    _check(record_version(term, (*TERM_FIELDS, "taxonomy_detail_id")), expected_version)
    values = _term_values(values)
    changed = [n for n, v in values.items() if getattr(term, n) != v]
    for name in changed:
        setattr(term, name, values[name])
    if term.taxonomy_detail_id != (taxonomy.pk if taxonomy else None):
        term.taxonomy_detail = taxonomy
        changed.append("taxonomy_detail")
    if changed:
        term.save(update_fields=changed)
        _check_table(term, "taxonomy_term")
    _audit(actor, "taxonomy_term_update", term, fields=sorted(changed))
    return term


def term_version(term: m.TaxonomyTerm) -> str:
    return record_version(term, (*TERM_FIELDS, "taxonomy_detail_id"))


def organization_version(organization: m.Organization) -> str:
    return record_version(organization, ORGANIZATION_FIELDS)
