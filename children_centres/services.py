"""Writes for children's centre registration and reach (keyword-only, typed, transactional,
audited; each checks its own permission and the child's scope).

- ``centre_registration_add``: register a child under five at a children's centre (a second open
  registration at the same centre is a conflict; another centre is allowed).
- ``centre_registration_end``: end a registration (the family moved away, or stopped using the
  centre). Turning five is never stored: the figures count a child only while under five.
- ``reach_contact_record``: a child seen at or by a centre on a day, of a kind from the pack.
- ``under_fives_load``: the council's under-fives population by centre (or area) and year, from a
  CSV file; each year in the file replaces what was loaded for that year.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from children_centres import reach, selectors
from children_centres.models import CentreRegistration, ReachContact, UnderFivesPopulation
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.errors import ConflictError
from core.models import Site
from people.models import Person
from people.selectors import people_for

MAX_NOTE = 500
STALE = "Someone else changed this registration since you opened it. Check it and try again."
# Years a population may be for: a sensible range, so a typo (20266) is an error, not a row.
YEARS = (2000, 2100)
MAX_ROWS = 1000


def _may_record(actor) -> None:
    if not rules.has_perm("children_centres.record", actor):
        raise PermissionDenied(
            "Only the early support service registers children and records contacts"
        )


def _in_scope(actor, child: Person) -> Person:
    found = people_for(actor).filter(pk=child.pk).first()
    if found is None:
        raise Http404("No such child in your scope")
    return found


def _centre(centre) -> Site:
    if not isinstance(centre, Site) or centre.kind != Site.Kind.CHILDRENS_CENTRE:
        raise ValidationError({"centre": "Choose a children's centre"})
    return centre


def _day(value, *, field: str, noun: str, child: Person) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: f"Enter the {noun}"})
    if value > clock.today():
        raise ValidationError({field: f"The {noun} must be today or in the past"})
    if child.date_of_birth and value < child.date_of_birth:
        raise ValidationError({field: f"The {noun} must be on or after the child's date of birth"})
    return value


def _under_five(child: Person, on: date, *, field: str) -> None:
    if child.kind != Person.Kind.CHILD or child.date_of_birth is None:
        raise ValidationError(
            {field: "Only a child with a date of birth can be registered or seen at a centre"}
        )
    if not reach.under_five_on(child.date_of_birth, on):
        raise ValidationError({field: "The child must be under five on this date"})


@transaction.atomic
def centre_registration_add(
    *, actor, child: Person, centre: Site, registered_on: date
) -> CentreRegistration:
    """Register ``child`` (in the actor's scope, under five on the day) at ``centre``."""
    child = _in_scope(actor, child)
    _may_record(actor)
    centre = _centre(centre)
    registered_on = _day(
        registered_on, field="registered_on", noun="date of registration", child=child
    )
    _under_five(child, registered_on, field="registered_on")
    # One open registration per child and centre: serialise on the child.
    lock(Person, child.pk)
    if CentreRegistration.objects.filter(
        child=child, centre=centre, ended_on__isnull=True
    ).exists():
        raise ConflictError("This child is already registered at this centre")
    registration = CentreRegistration.objects.create(
        child=child, centre=centre, registered_on=registered_on, registered_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=registration,
        detail={"centre": centre.pk, "fields": ["registered_on"]},
    )
    return registration


@transaction.atomic
def centre_registration_end(
    *,
    actor,
    registration: CentreRegistration,
    ended_on: date,
    reason: str,
    expected_version: int,
) -> CentreRegistration:
    """End an open registration (a stale version, or one already ended, is a conflict)."""
    _in_scope(actor, registration.child)
    _may_record(actor)
    registration = lock(CentreRegistration, registration.pk, select_related=("child",))
    if reason not in CentreRegistration.EndReason.values:
        raise ValidationError({"reason": "Choose why the registration ended"})
    ended_on = _day(ended_on, field="ended_on", noun="date it ended", child=registration.child)
    if ended_on < registration.registered_on:
        raise ValidationError(
            {"ended_on": "The date it ended must be on or after the date of registration"}
        )
    if expected_version != registration.version:
        raise StaleVersionError(STALE)
    if registration.ended_on is not None:
        raise ConflictError("This registration has already ended")
    registration.ended_on = ended_on
    registration.end_reason = reason
    registration.ended_by = actor
    registration.version += 1
    registration.save(update_fields=["ended_on", "end_reason", "ended_by", "version"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=registration,
        detail={"fields": ["ended_on", "end_reason"], "reason": reason},
    )
    return registration


@transaction.atomic
def reach_contact_record(
    *, actor, child: Person, centre: Site, seen_on: date, kind: str, note: str = ""
) -> ReachContact:
    """Record that ``child`` (in scope, under five that day) was seen at or by ``centre``."""
    child = _in_scope(actor, child)
    _may_record(actor)
    centre = _centre(centre)
    seen_on = _day(seen_on, field="seen_on", noun="date the child was seen", child=child)
    _under_five(child, seen_on, field="seen_on")
    kinds = selectors.kind_names(selectors.centre_settings())
    if kind not in kinds:
        raise ValidationError({"kind": "Choose the kind of contact"})
    note = (note or "").strip() if isinstance(note, str) else ""
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"The note must be {MAX_NOTE} characters or fewer"})
    contact = ReachContact.objects.create(
        child=child, centre=centre, seen_on=seen_on, kind=kind, note=note, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=contact,
        detail={"centre": centre.pk, "kind": kind, "fields": ["seen_on", "kind", "note"]},
    )
    return contact


# ---------------------------------------------------------------- the population


@dataclass(frozen=True)
class PopulationRow:
    year: int
    centre: Site | None
    area: object | None
    under_fives: int


@dataclass(frozen=True)
class LoadResult:
    years: list[int]
    centres: int
    areas: int
    replaced: int


HEADER = ("year", "centre", "area", "under_fives")


def read_population_csv(text: str) -> list[PopulationRow]:
    """Read the CSV (columns ``year``, ``centre``, ``area``, ``under_fives``: a centre's code for
    a centre's figure, or an empty centre and an area's code for an area's own). Every error, by
    line, in one ValidationError on ``file``; nothing is read if any line is wrong."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip().lower() for c in (reader.fieldnames or [])]
    if not set(HEADER) <= set(columns):
        raise ValidationError(
            {"file": "The file's first line must name the columns: " + ", ".join(HEADER)}
        )
    reader.fieldnames = columns
    errors, rows, seen = [], [], set()
    centres = {site.code: site for site in selectors.centres()}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            errors.append(f"The file has more than {MAX_ROWS} lines")
            break
        values = {k: (raw.get(k) or "").strip() for k in HEADER}
        if not any(values.values()):
            continue
        problem = ""
        year = int(values["year"]) if values["year"].isdigit() else None
        count = int(values["under_fives"]) if values["under_fives"].isdigit() else None
        centre = area = None
        if year is None or not YEARS[0] <= year <= YEARS[1]:
            problem = f"the year must be a year from {YEARS[0]} to {YEARS[1]}"
        elif count is None:
            problem = "the number of under-fives must be a whole number"
        elif values["centre"]:
            centre = centres.get(values["centre"])
            if centre is None:
                problem = "no children's centre has that code"
            elif values["area"] and values["area"] != centre.area.code:
                problem = "the centre is not in that area"
        elif values["area"]:
            area = selectors.area_by_code(values["area"])
            if area is None:
                problem = "no early help area has that code"
        else:
            problem = "give a centre's code, or an area's code for the area's own figure"
        key = (year, centre.pk if centre else None, area.pk if area else None)
        if not problem and key in seen:
            problem = "this centre or area is given twice for the year"
        if problem:
            errors.append(f"Line {number}: {problem}")
            continue
        seen.add(key)
        rows.append(PopulationRow(year=year, centre=centre, area=area, under_fives=count))
    if not errors and not rows:
        errors.append("The file has no figures in it")
    if errors:
        raise ValidationError({"file": errors[:20]})
    return rows


@transaction.atomic
def under_fives_load(*, actor, rows: list[PopulationRow]) -> LoadResult:
    """Load the rows: each year they give replaces every figure loaded for that year (so
    loading the same file again changes nothing). ``actor`` None is the command line."""
    if actor is not None and not rules.has_perm("children_centres.load_population", actor):
        raise PermissionDenied("Only early support team leaders and administrators load this")
    years = sorted({row.year for row in rows})
    if not years:
        raise ValidationError({"file": "The file has no figures in it"})
    replaced, _ = UnderFivesPopulation.objects.filter(year__in=years).delete()
    UnderFivesPopulation.objects.bulk_create(
        UnderFivesPopulation(
            year=row.year,
            centre=row.centre,
            area=row.area,
            under_fives=row.under_fives,
            loaded_by=actor,
        )
        for row in rows
    )
    result = LoadResult(
        years=years,
        centres=sum(1 for r in rows if r.centre),
        areas=sum(1 for r in rows if r.area),
        replaced=replaced,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target="children_centres.underfivespopulation",
        detail={
            "years": years,
            "centres": result.centres,
            "areas": result.areas,
            "replaced": replaced,
            "by": "user" if actor is not None else "command",
        },
    )
    return result
