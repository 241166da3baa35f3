"""Writes to people and families. Each is one transaction with its audit event."""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from core.audit import Action, audit_record
from people.models import (
    Address,
    ChronologyEntry,
    Family,
    FamilyMember,
    FamilyTeam,
    Household,
    HouseholdMember,
    ParentalResponsibility,
    Person,
    PersonAddress,
    PersonName,
    ProfessionalInvolvement,
    Relationship,
)
from people.search import name_keys, normalise_postcode


class StaleEditError(Exception):
    """The record changed after the user opened it; their edit was not saved."""


PERSON_EDITABLE_FIELDS = (
    "kind",
    "first_name",
    "middle_names",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_delivery",
    "gender",
    "ethnicity",
    "disability",
    "disability_details",
    "has_ehcp",
    "is_young_carer",
    "first_language",
    "communication_needs",
    "interpreter_required",
)


def _refresh_search_keys(person: Person) -> None:
    names = [person.first_name, person.middle_names, person.last_name, person.preferred_name]
    for other in person.other_names.all():
        names.extend([other.first_name, other.last_name])
    search_names, search_phonetic = name_keys(names)
    # An address is left out if anyone's link to it is confidential: a refuge marked
    # confidential for the mother must not be findable through her child's record.
    confidential = PersonAddress.objects.filter(address=OuterRef("address"), is_confidential=True)
    postcodes = sorted(
        {
            normalise_postcode(pa.address.postcode)
            for pa in person.addresses.select_related("address").exclude(Exists(confidential))
        }
    )
    Person.objects.filter(pk=person.pk).update(
        search_names=search_names,
        search_phonetic=search_phonetic,
        search_postcodes=f" {' '.join(postcodes)} " if postcodes else "",
    )
    person.search_names, person.search_phonetic = search_names, search_phonetic


def _validate_dates(fields: dict) -> None:
    kind = fields.get("kind")
    if kind == Person.Kind.UNBORN:
        if not fields.get("expected_date_of_delivery"):
            raise ValidationError({"expected_date_of_delivery": "Enter the expected date of delivery"})
        if fields.get("date_of_birth"):
            raise ValidationError({"date_of_birth": "An unborn baby has an expected date of delivery, not a date of birth"})
    elif fields.get("date_of_birth") and fields["date_of_birth"] > timezone.localdate():
        raise ValidationError({"date_of_birth": "Date of birth must be today or in the past"})


@transaction.atomic
def person_create(*, actor, other_names: list[tuple[str, str]] | None = None, **fields) -> Person:
    unknown = set(fields) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    _validate_dates(fields)
    person = Person.objects.create(created_by=actor, **fields)
    for first, last in other_names or []:
        PersonName.objects.create(person=person, first_name=first, last_name=last)
    _refresh_search_keys(person)
    audit_record(actor=actor, action=Action.CREATE, target=person)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, changes: dict) -> Person:
    """Apply ``changes`` only if nobody saved the person since ``expected_version``."""
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    merged = {name: getattr(person, name) for name in PERSON_EDITABLE_FIELDS} | changes
    _validate_dates(merged)
    changed = sorted(name for name, value in changes.items() if getattr(person, name) != value)
    if not changed:
        # Saving unchanged details must not make everyone else's open edit stale.
        if not Person.objects.filter(pk=person.pk, version=expected_version).exists():
            raise StaleEditError("This record was changed by someone else since you opened it")
        return person
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **{name: changes[name] for name in changed}
    )
    if updated == 0:
        raise StaleEditError("This record was changed by someone else since you opened it")
    person.refresh_from_db()
    _refresh_search_keys(person)
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": changed})
    return person


@transaction.atomic
def person_add_other_name(*, actor, person: Person, first_name: str, last_name: str, kind: str) -> PersonName:
    other = PersonName.objects.create(person=person, first_name=first_name, last_name=last_name, kind=kind)
    _refresh_search_keys(person)
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["other_names"]})
    return other


def _new_family_reference() -> str:
    # Random, not sequential: a reference says nothing about the family or how many there are.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        reference = "FAM-" + "".join(secrets.choice(alphabet) for _ in range(6))
        if not Family.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def family_create(*, actor, name: str, area, team=None, reference: str | None = None) -> Family:
    """Create a family group; the creating user's team starts working with it.

    A family must start with a team: one linked to no team would be invisible to
    everyone but the early support service, its creator included.
    """
    team = team or getattr(actor, "team", None)
    if team is None:
        raise ValidationError("A new family needs a team to work with it")
    family = Family.objects.create(
        name=name, area=area, created_by=actor, reference=reference or _new_family_reference()
    )
    FamilyTeam.objects.create(family=family, team=team, started_on=timezone.localdate())
    audit_record(actor=actor, action=Action.CREATE, target=family)
    return family


@transaction.atomic
def family_link_team(*, actor, family: Family, team, started_on: date | None = None) -> FamilyTeam:
    link, _ = FamilyTeam.objects.get_or_create(
        family=family, team=team, ended_on=None, defaults={"started_on": started_on or timezone.localdate()}
    )
    audit_record(actor=actor, action=Action.UPDATE, target=family, detail={"fields": ["teams"], "team": team.code})
    return link


@transaction.atomic
def family_unlink_team(*, actor, family: Family, team, ended_on: date | None = None) -> None:
    FamilyTeam.objects.filter(family=family, team=team, ended_on__isnull=True).update(
        ended_on=ended_on or timezone.localdate()
    )
    audit_record(actor=actor, action=Action.UPDATE, target=family, detail={"fields": ["teams"], "team": team.code})


@transaction.atomic
def family_add_member(*, actor, family: Family, person: Person, role: str, joined_on: date | None = None) -> FamilyMember:
    member, _ = FamilyMember.objects.get_or_create(
        family=family, person=person, defaults={"role": role, "joined_on": joined_on}
    )
    audit_record(actor=actor, action=Action.UPDATE, target=family, detail={"fields": ["members"]})
    return member


@transaction.atomic
def household_create(*, actor, family: Family, name: str, address: Address | None = None, is_confidential=False) -> Household:
    household = Household.objects.create(family=family, name=name, address=address, is_confidential=is_confidential)
    audit_record(actor=actor, action=Action.UPDATE, target=family, detail={"fields": ["households"]})
    return household


@transaction.atomic
def household_add_member(
    *, actor, household: Household, person: Person, from_date: date | None = None, stays_part_time: bool = False
) -> HouseholdMember:
    membership, _ = HouseholdMember.objects.get_or_create(
        household=household,
        person=person,
        defaults={"from_date": from_date, "stays_part_time": stays_part_time},
    )
    audit_record(actor=actor, action=Action.UPDATE, target=household.family, detail={"fields": ["households"]})
    return membership


@transaction.atomic
def address_add(
    *,
    actor,
    person: Person,
    line_1: str,
    town: str,
    postcode: str,
    line_2: str = "",
    moved_in: date | None = None,
    is_confidential: bool = False,
    ends_current: bool = True,
    address: Address | None = None,
) -> PersonAddress:
    """Record a new address; by default the person's current address becomes a past one."""
    if address is None:
        address = Address.objects.create(line_1=line_1, line_2=line_2, town=town, postcode=postcode)
    if ends_current:
        person.addresses.filter(moved_out__isnull=True).update(moved_out=moved_in or timezone.localdate())
    link = PersonAddress.objects.create(
        person=person, address=address, moved_in=moved_in, is_confidential=is_confidential
    )
    _refresh_search_keys(person)
    if is_confidential:
        for other in Person.objects.filter(addresses__address=address).exclude(pk=person.pk).distinct():
            _refresh_search_keys(other)
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["addresses"]})
    return link


@transaction.atomic
def relationship_add(*, actor, person: Person, relative: Person, kind: str, notes: str = "") -> Relationship:
    relationship, _ = Relationship.objects.get_or_create(
        person=person, relative=relative, kind=kind, defaults={"notes": notes}
    )
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["relationships"]})
    return relationship


@transaction.atomic
def parental_responsibility_add(
    *, actor, child: Person, adult: Person, basis: str, from_date: date | None = None
) -> ParentalResponsibility:
    pr, _ = ParentalResponsibility.objects.get_or_create(
        child=child, adult=adult, basis=basis, defaults={"from_date": from_date}
    )
    audit_record(actor=actor, action=Action.UPDATE, target=child, detail={"fields": ["parental_responsibility"]})
    return pr


@transaction.atomic
def professional_add(*, actor, person: Person, **fields) -> ProfessionalInvolvement:
    involvement = ProfessionalInvolvement.objects.create(person=person, **fields)
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["professionals"]})
    return involvement


@transaction.atomic
def chronology_add(
    *, actor, person: Person, occurred_on: date, category: str, summary: str, source: str = ""
) -> ChronologyEntry:
    entry = ChronologyEntry.objects.create(
        person=person,
        occurred_on=occurred_on,
        category=category,
        summary=summary,
        source=source,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["chronology"]})
    return entry
