"""Writes to people and families. Each is one transaction with its audit event."""

import re
import secrets
from collections.abc import Iterable
from datetime import date, timedelta

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from core import clock, scope
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from people import selectors
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
from people.search import person_search_keys

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
    "phone",
)

PHONE_INVALID = "Enter a UK telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
PHONE_TOO_LONG = "Telephone number must be 30 characters or fewer"


def phone_error(value: str) -> str:
    """The rule for a person's telephone number: blank, or a UK number however it is spaced.

    Spaces, dashes and brackets are allowed; +44 or 0044 (with or without the 0 after it) stands
    for the leading 0; what is left must be 0 and 9 or 10 more digits. '' when it is fine.
    """
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > 30:
        return PHONE_TOO_LONG
    digits = re.sub(r"[\s().-]", "", value)
    for prefix in ("+44", "0044"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :].removeprefix("0")
            break
    return "" if re.fullmatch(r"0\d{9,10}", digits) else PHONE_INVALID


def _tidy_phone(fields: dict) -> None:
    # Kept as typed, less stray spaces, so it reads as the family gave it.
    if "phone" in fields:
        fields["phone"] = " ".join((fields["phone"] or "").split())


def _refresh_search_keys(person: Person) -> None:
    addresses = [link.address for link in person.addresses.select_related("address")]
    # Confidential as everywhere else: any link to the address flagged, a person's or a
    # household's (selectors.confidential_address_ids).
    confidential = selectors.confidential_address_ids(address.pk for address in addresses)
    search_names, search_phonetic, search_postcodes = person_search_keys(
        person,
        person.other_names.all(),
        addresses,
        is_confidential=lambda address: address.pk in confidential,
    )
    Person.objects.filter(pk=person.pk).update(
        search_names=search_names,
        search_phonetic=search_phonetic,
        search_postcodes=search_postcodes,
    )
    person.search_names, person.search_phonetic = search_names, search_phonetic
    person.search_postcodes = search_postcodes


def _refresh_search_keys_at(address: Address, *, besides: Person | None = None) -> None:
    """An address has just become confidential: nobody who lived there may be found by it."""
    people = Person.objects.filter(addresses__address=address).distinct()
    if besides is not None:
        people = people.exclude(pk=besides.pk)
    for person in people:
        _refresh_search_keys(person)


# A planned birth is at most about 42 weeks away; allow a little more.
MAX_EDD_AHEAD = timedelta(days=300)
# An unborn record may be made or kept a little after the due date (babies are late).
MAX_EDD_PAST = timedelta(days=31)
EARLIEST_YEAR = 1900


def person_errors(fields: dict, *, creating: bool) -> dict[str, str]:
    """Every rule about a person's own details, as {field: message} (empty when all is well).

    The one place these rules live: person_create and person_update enforce them, and the
    person forms ask this function too so a page shows every problem at once. ``creating``
    is stricter: adding an unborn baby whose due date is long past is almost always a
    mistake, while an existing record may rightly keep one (a baby not yet recorded as born,
    or a loss), and a child's record keeps the expected date of delivery from before birth.
    """
    errors: dict[str, str] = {}
    kind = fields.get("kind")
    dob = fields.get("date_of_birth")
    edd = fields.get("expected_date_of_delivery")
    today = clock.today()
    if phone_error(fields.get("phone", "")):
        errors["phone"] = phone_error(fields.get("phone", ""))
    if kind and kind != Person.Kind.UNBORN and not (fields.get("first_name") or "").strip():
        errors["first_name"] = "Enter the person's first name"
    if kind == Person.Kind.UNBORN:
        if dob:
            errors["date_of_birth"] = (
                "An unborn baby does not have a date of birth. Leave it blank, or select "
                "'Child or young person' if the baby has been born"
            )
        if not edd:
            errors["expected_date_of_delivery"] = "Enter the expected date of delivery"
        elif edd > today + MAX_EDD_AHEAD:
            errors["expected_date_of_delivery"] = (
                "Expected date of delivery must be within the next 10 months"
            )
        elif creating and edd < today - MAX_EDD_PAST:
            errors["expected_date_of_delivery"] = (
                "Expected date of delivery must be in the last month or in the future. If the baby "
                "has been born, select 'Child or young person' and enter the date of birth"
            )
    elif kind:
        if dob and dob > today:
            errors["date_of_birth"] = "Date of birth must be today or in the past"
        elif dob and dob.year < EARLIEST_YEAR:
            errors["date_of_birth"] = "Date of birth must be after 1900"
        if edd and creating:
            errors["expected_date_of_delivery"] = (
                "Only enter an expected date of delivery for an unborn baby"
            )
    return errors


def _validate_person(fields: dict, *, creating: bool) -> None:
    errors = person_errors(fields, creating=creating)
    if errors:
        raise ValidationError(errors)


def past_date_error(value: date | None, future_message: str, *, today: date | None = None) -> str:
    """The rule for a date something happened (moved in, started, ended, occurred): today or
    before, and after 1900. '' when it is fine; the forms ask this too, for their wording."""
    if value and value > (today or clock.today()):
        return future_message
    if value and value.year < EARLIEST_YEAR:
        return "The date must be after 1900"
    return ""


def _check_past(
    field: str, value: date | None, future_message: str, *, today: date | None = None
) -> None:
    message = past_date_error(value, future_message, today=today)
    if message:
        raise ValidationError({field: message})


def other_name_errors(*, first_name: str, last_name: str) -> dict[str, str]:
    if not ((first_name or "").strip() or (last_name or "").strip()):
        return {"first_name": "Enter a first name, a last name or both"}
    return {}


def relationship_errors(*, kind: str, notes: str) -> dict[str, str]:
    # 'Other' says nothing by itself: the notes must say how they are related.
    if kind == Relationship.Kind.OTHER and not (notes or "").strip():
        return {"notes": "Enter how they are related"}
    return {}


def professional_errors(*, agency, organisation: str) -> dict[str, str]:
    if agency and organisation:
        return {"organisation": "Choose an agency or enter an organisation, not both"}
    if not (agency or organisation):
        return {"organisation": "Choose an agency, or enter the organisation they work for"}
    return {}


def _require_add_person(actor) -> None:
    if not rules.has_perm("people.add_person", actor):
        raise PermissionDenied("Your role may not add people's records")


@transaction.atomic
def person_create(*, actor, other_names: list[tuple[str, str]] | None = None, **fields) -> Person:
    _require_add_person(actor)
    unknown = set(fields) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    _tidy_phone(fields)
    _validate_person(fields, creating=True)
    person = Person.objects.create(created_by=actor, **fields)
    for first, last in other_names or []:
        PersonName.objects.create(person=person, first_name=first, last_name=last)
    _refresh_search_keys(person)
    audit_record(actor=actor, action=Action.CREATE, target=person)
    return person


@transaction.atomic
def person_add(
    *,
    actor,
    fields: dict,
    family: Family | None = None,
    role: str = "",
    new_family_name: str = "",
    new_family_area=None,
    joined_on: date | None = None,
) -> tuple[Person, Family | None]:
    """Add a person, and put them in a family: one the actor can see, or a new one.

    What "add a person" means, for the page and the API alike: a person outside every
    family would be invisible to whoever added them (unless they see every family), and a
    role needs a family. All or nothing: a refusal leaves no half-made person or family.
    """
    _require_add_person(actor)
    if new_family_name:
        family = family_create(actor=actor, name=new_family_name, area=new_family_area)
    elif family is not None and not selectors.families_for(actor).filter(pk=family.pk).exists():
        # The same answer whether the family does not exist or is not the actor's.
        raise ValidationError({"family": "Select a family your team works with."})
    if family is not None and not role:
        raise ValidationError({"role": "Say what the person's role in the family is."})
    if role and family is None:
        raise ValidationError({"family": "Say which family the role is in."})
    if family is None and not scope.sees_every_family(actor):
        raise ValidationError({"family": "Add the person to a family your team works with."})
    person = person_create(actor=actor, **fields)
    if family is not None:
        family_add_member(actor=actor, family=family, person=person, role=role, joined_on=joined_on)
    return person, family


@transaction.atomic
def person_update(*, actor, person: Person, expected_version: int, changes: dict) -> Person:
    """Apply ``changes`` only if nobody saved the person since ``expected_version``."""
    unknown = set(changes) - set(PERSON_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    changes = dict(changes)
    _tidy_phone(changes)
    merged = {name: getattr(person, name) for name in PERSON_EDITABLE_FIELDS} | changes
    _validate_person(merged, creating=False)
    changed = sorted(name for name, value in changes.items() if getattr(person, name) != value)
    if not changed:
        # Saving unchanged details must not make everyone else's open edit stale.
        if not Person.objects.filter(pk=person.pk, version=expected_version).exists():
            raise StaleVersionError("This record was changed by someone else since you opened it")
        return person
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        version=F("version") + 1,
        updated_at=clock.now(),
        **{name: changes[name] for name in changed},
    )
    if updated == 0:
        raise StaleVersionError("This record was changed by someone else since you opened it")
    person.refresh_from_db()
    _refresh_search_keys(person)
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": changed})
    return person


@transaction.atomic
def person_add_other_name(
    *, actor, person: Person, first_name: str, last_name: str, kind: str
) -> PersonName:
    if errors := other_name_errors(first_name=first_name, last_name=last_name):
        raise ValidationError(errors)
    other = PersonName.objects.create(
        person=person, first_name=first_name, last_name=last_name, kind=kind
    )
    _refresh_search_keys(person)
    audit_record(
        actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["other_names"]}
    )
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
    FamilyTeam.objects.create(family=family, team=team, started_on=clock.today())
    audit_record(actor=actor, action=Action.CREATE, target=family)
    return family


def _require_team_change(actor) -> None:
    if not rules.has_perm("people.change_family_teams", actor):
        raise PermissionDenied(
            "Only a team manager or an early support team leader can change the teams"
        )


@transaction.atomic
def family_link_team(*, actor, family: Family, team, started_on: date | None = None) -> FamilyTeam:
    """A team starts working with the family: its staff can now see the family's records.

    A choice staff make, so only the roles that decide which teams work with a family
    (the people.change_family_teams rule) may make it; family_team_link is for the steps
    that link a team as a consequence of something else.
    """
    _require_team_change(actor)
    if FamilyTeam.objects.filter(family=family, team=team, ended_on__isnull=True).exists():
        raise ValidationError({"team": "This team is already working with the family"})
    link = FamilyTeam.objects.create(
        family=family, team=team, started_on=started_on or clock.today()
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=family,
        detail={"fields": ["teams"], "team": team.code},
    )
    return link


@transaction.atomic
def family_team_link(*, actor, family: Family, team, reason: str) -> FamilyTeam | None:
    """Make sure ``team`` works with the family, so its staff can see the family's records.

    For steps that hand a family to a team as a consequence (the panel naming a lead
    agency, a lead professional allocated, an episode opened): unlike family_link_team,
    a team already working with the family is not an error. Returns the new link, or None
    if there already was one. ``reason`` says why, in the audit trail.
    """
    if (
        team is None
        or FamilyTeam.objects.filter(family=family, team=team, ended_on__isnull=True).exists()
    ):
        return None
    link = FamilyTeam.objects.create(family=family, team=team, started_on=clock.today())
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=family,
        detail={"fields": ["teams"], "team": team.code, "reason": reason},
    )
    return link


@transaction.atomic
def family_unlink_team(*, actor, family: Family, team, ended_on: date | None = None) -> None:
    """A team stops working with the family; the link is kept, with the date it ended."""
    _require_team_change(actor)
    ended = FamilyTeam.objects.filter(family=family, team=team, ended_on__isnull=True).update(
        ended_on=ended_on or clock.today()
    )
    if not ended:
        raise ValidationError("This team is no longer working with the family")
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=family,
        detail={"fields": ["teams"], "team": team.code},
    )


@transaction.atomic
def family_add_member(
    *, actor, family: Family, person: Person, role: str, joined_on: date | None = None
) -> FamilyMember:
    if FamilyMember.objects.filter(family=family, person=person).exists():
        raise ValidationError({"person": "This person is already in this family"})
    member = FamilyMember.objects.create(
        family=family, person=person, role=role, joined_on=joined_on
    )
    audit_record(actor=actor, action=Action.UPDATE, target=family, detail={"fields": ["members"]})
    return member


@transaction.atomic
def household_create(
    *, actor, family: Family, name: str, address: Address | None = None, is_confidential=False
) -> Household:
    """A household of the family. At an address someone keeps confidential, it must be confidential too."""
    # Confidential as everywhere else: any link to the address flagged (selectors.confidential_address_ids).
    if (
        address is not None
        and not is_confidential
        and selectors.confidential_address_ids([address.pk])
    ):
        raise ValidationError(
            {
                "is_confidential": "This address is confidential for someone who lives there, "
                "so the household must be confidential too. Select \u2018Yes\u2019"
            }
        )
    household = Household.objects.create(
        family=family, name=name, address=address, is_confidential=is_confidential
    )
    if is_confidential and address is not None:
        _refresh_search_keys_at(address)
    audit_record(
        actor=actor, action=Action.UPDATE, target=family, detail={"fields": ["households"]}
    )
    return household


def _household_join(
    household: Household, person: Person, from_date: date | None, stays_part_time: bool
):
    """Open a spell in the household, or change how often someone in it stays. (membership, changed)"""
    current = HouseholdMember.objects.filter(
        household=household, person=person, to_date__isnull=True
    ).first()
    if current is None:
        return (
            HouseholdMember.objects.create(
                household=household,
                person=person,
                from_date=from_date,
                stays_part_time=stays_part_time,
            ),
            True,
        )
    if current.stays_part_time != stays_part_time:
        current.stays_part_time = stays_part_time
        current.save(update_fields=["stays_part_time"])
        return current, True
    return current, False


def _household_leave(household: Household, person: Person, to_date: date) -> bool:
    """End someone's open spell in the household; the row stays as history."""
    current = HouseholdMember.objects.filter(
        household=household, person=person, to_date__isnull=True
    ).first()
    if current is None:
        return False
    if current.from_date and to_date < current.from_date:
        raise ValidationError(
            "The date they left must be on or after the date they joined the household"
        )
    current.to_date = to_date
    current.save(update_fields=["to_date"])
    return True


@transaction.atomic
def household_add_member(
    *,
    actor,
    household: Household,
    person: Person,
    from_date: date | None = None,
    stays_part_time: bool = False,
) -> HouseholdMember:
    """Add someone to a household (or, if they already live there, change whether they stay part time)."""
    membership, _ = _household_join(household, person, from_date, stays_part_time)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=household.family,
        detail={"fields": ["households"]},
    )
    return membership


@transaction.atomic
def household_remove_member(
    *, actor, household: Household, person: Person, to_date: date | None = None
) -> None:
    """Record that someone no longer lives in a household. Their time there is kept."""
    if not _household_leave(household, person, to_date or clock.today()):
        raise ValidationError("This person does not live in this household")
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=household.family,
        detail={"fields": ["households"]},
    )


@transaction.atomic
def household_set_members(
    *, actor, household: Household, residents: dict[Person, bool], on: date | None = None
) -> dict[str, int]:
    """Make ``residents`` (person -> stays part time) the people living in the household now.

    Newcomers join from ``on`` (today by default); anyone no longer listed leaves on that
    day, their spell kept as history. One audit event for the change, none if nothing changed.
    """
    on = on or clock.today()
    counts = {"added": 0, "removed": 0, "changed": 0}
    current = {
        m.person_id: m
        for m in HouseholdMember.objects.filter(household=household, to_date__isnull=True)
    }
    wanted = {person.pk: (person, part_time) for person, part_time in residents.items()}
    for person_id, membership in current.items():
        if person_id not in wanted:
            _household_leave(household, membership.person, on)
            counts["removed"] += 1
    for person_id, (person, part_time) in wanted.items():
        _membership, changed = _household_join(household, person, on, part_time)
        if changed:
            counts["added" if person_id not in current else "changed"] += 1
    if any(counts.values()):
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=household.family,
            detail={"fields": ["households"], **counts},
        )
    return counts


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
    _check_past("moved_in", moved_in, "The date they moved in must be today or in the past")
    if (
        ends_current
        and moved_in
        and person.addresses.filter(moved_out__isnull=True, moved_in__gt=moved_in).exists()
    ):
        raise ValidationError(
            {
                "moved_in": "The date they moved in must be after the date they moved in to their current "
                "address. If this is another current address, untick 'This is their current address'"
            }
        )
    if address is None:
        address = Address.objects.create(line_1=line_1, line_2=line_2, town=town, postcode=postcode)
    if ends_current:
        person.addresses.filter(moved_out__isnull=True).update(moved_out=moved_in or clock.today())
    link = PersonAddress.objects.create(
        person=person, address=address, moved_in=moved_in, is_confidential=is_confidential
    )
    _refresh_search_keys(person)
    if is_confidential:
        _refresh_search_keys_at(address, besides=person)
    audit_record(actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["addresses"]})
    return link


@transaction.atomic
def address_end(*, actor, link: PersonAddress, moved_out: date) -> PersonAddress:
    """Record that the person moved out of one of their current addresses."""
    _check_past("moved_out", moved_out, "The date they moved out must be today or in the past")
    if link.moved_in and moved_out < link.moved_in:
        raise ValidationError(
            {"moved_out": "The date they moved out must be on or after the date they moved in"}
        )
    # Only an open link is ended: two people ending it at once cannot overwrite each other.
    if not PersonAddress.objects.filter(pk=link.pk, moved_out__isnull=True).update(
        moved_out=moved_out
    ):
        raise ValidationError("Someone has already recorded that they moved out of this address")
    link.moved_out = moved_out
    audit_record(
        actor=actor, action=Action.UPDATE, target=link.person, detail={"fields": ["addresses"]}
    )
    return link


@transaction.atomic
def relationship_add(
    *, actor, person: Person, relative: Person, kind: str, notes: str = ""
) -> Relationship:
    if person.pk == relative.pk:
        raise ValidationError(
            {"relative": "A person cannot be related to themselves. Choose someone else"}
        )
    if errors := relationship_errors(kind=kind, notes=notes):
        raise ValidationError(errors)
    if Relationship.objects.filter(person=person, relative=relative, kind=kind).exists():
        raise ValidationError({"kind": "This relationship is already recorded"})
    relationship = Relationship.objects.create(
        person=person, relative=relative, kind=kind, notes=notes
    )
    audit_record(
        actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["relationships"]}
    )
    return relationship


@transaction.atomic
def parental_responsibility_add(
    *, actor, child: Person, adult: Person, basis: str, from_date: date | None = None
) -> ParentalResponsibility:
    if child.kind not in (Person.Kind.CHILD, Person.Kind.UNBORN):
        raise ValidationError(
            "Parental responsibility can only be recorded for a child or an unborn baby"
        )
    if adult.kind != Person.Kind.ADULT:
        raise ValidationError(
            {"adult": "Only an adult can have parental responsibility. Choose an adult"}
        )
    _check_past("from_date", from_date, "The date it started must be today or in the past")
    if ParentalResponsibility.objects.filter(child=child, adult=adult, basis=basis).exists():
        raise ValidationError({"basis": "This parental responsibility is already recorded"})
    pr = ParentalResponsibility.objects.create(
        child=child, adult=adult, basis=basis, from_date=from_date
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=child,
        detail={"fields": ["parental_responsibility"]},
    )
    return pr


@transaction.atomic
def parental_responsibility_end(
    *, actor, responsibility: ParentalResponsibility, to_date: date
) -> ParentalResponsibility:
    """Record the date an adult's parental responsibility for a child ended. The record is kept."""
    _check_past("to_date", to_date, "The date it ended must be today or in the past")
    if responsibility.from_date and to_date < responsibility.from_date:
        raise ValidationError(
            {"to_date": "The date it ended must be on or after the date it started"}
        )
    updated = ParentalResponsibility.objects.filter(
        pk=responsibility.pk, to_date__isnull=True
    ).update(to_date=to_date)
    if not updated:
        raise ValidationError(
            "Someone has already recorded that this parental responsibility ended"
        )
    responsibility.to_date = to_date
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=responsibility.child,
        detail={"fields": ["parental_responsibility"]},
    )
    return responsibility


@transaction.atomic
def professional_add(*, actor, person: Person, **fields) -> ProfessionalInvolvement:
    if errors := professional_errors(
        agency=fields.get("agency"), organisation=fields.get("organisation", "")
    ):
        raise ValidationError(errors)
    _check_past("started_on", fields.get("started_on"), "Start date must be today or in the past")
    involvement = ProfessionalInvolvement.objects.create(person=person, **fields)
    audit_record(
        actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["professionals"]}
    )
    return involvement


@transaction.atomic
def chronology_add(
    *,
    actor,
    person: Person,
    occurred_on: date,
    category: str,
    summary: str,
    source: str = "",
    today: date | None = None,
) -> ChronologyEntry:
    """Record an event in the person's chronology. It happened today or before: ``today`` is
    the caller's own clock, for an entry another service writes about its own event (casework's
    step-up on the day the episode ends); by default, the local date."""
    _check_past("occurred_on", occurred_on, "The date must be today or in the past", today=today)
    entry = ChronologyEntry.objects.create(
        person=person,
        occurred_on=occurred_on,
        category=category,
        summary=summary,
        source=source,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor, action=Action.UPDATE, target=person, detail={"fields": ["chronology"]}
    )
    return entry


# The record an entry links to (core.records resolves the link; the owning app registers it).
class RecordType:
    SUPPORT_REQUEST = "support_request"
    ASSESSMENT = "assessment"
    CONSENT = "consent"
    PANEL_CASE = "panel_case"
    EPISODE = "episode"


@transaction.atomic
def chronology_record(
    *,
    actor,
    people: Iterable[Person],
    summary: str,
    record_type: str,
    record_id: object,
    event: str,
    category: str = ChronologyEntry.Category.SERVICE,
    source: str = "",
    occurred_on: date | None = None,
) -> list[ChronologyEntry]:
    """Write a service's own event on each person's chronology, linked to the record it came
    from, in one insert and one audit row.

    The calling service has already checked its own permission for the event (which may be a
    member of the public asking for help, with no account): this records that the event
    happened, in the same transaction, so the two never disagree. Who gets an entry is the
    caller's choice: the children of the family by default (``selectors.family_children``), the
    named child for a missed appointment. The summary is the service's own plain words, holding
    nothing typed by a user beyond what the record already holds; nobody edits these entries.
    """
    people = list({person.pk: person for person in people}.values())
    if not people:
        return []
    entries = ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            person=person,
            occurred_on=occurred_on or clock.today(),
            category=category,
            summary=summary[:500],
            source=source[:200],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            record_type=record_type,
            record_id=str(record_id),
            event=event,
        )
        for person in people
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target="people.chronologyentry",
        record_id=f"{record_type}:{record_id}",
        detail={"event": event, "people": len(entries)},
    )
    return entries
