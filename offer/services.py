"""Writes for the offer (keyword-only, typed, transactional, audited; each checks its own
permission).

The interface for the apps above (support_requests' triage, the panel's "single agency with
handover" decision, casework's plan actions):

- ``referral_make``: signpost a family to any directory service with a handover, or refer family
  members to one of our programmes. A programme with no free place puts the referral on its
  waiting list (date added, priority, reason).
- ``referral_uptake_record``: later, whether the family took a signpost up.

The programme's team then works its list: ``referral_enrol`` (a group programme: the referral's
people into a group, refused beyond the group's capacity), ``referral_take_on`` (a one-to-one
service), ``referral_finish``, ``referral_withdraw``; groups and sessions
(``group_create``, ``group_set_status``, ``session_add``), capacity (``programme_set_capacity``),
whether it takes referrals (``programme_set_running``), offering a place from the waiting list
(``referral_offer_place``: held until enrolled, or withdrawn when the family declines),
attendance (``attendance_record``), completion (``enrolment_complete``, ``enrolment_leave``)
and impact measures (``impact_record``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core import clock, records, scope
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.errors import ConflictError
from core.workflow import Workflow
from directory.models import Service
from offer import selectors
from offer.models import (
    Attendance,
    Enrolment,
    GroupSession,
    ImpactMeasure,
    Programme,
    ProgrammeGroup,
    Referral,
    ReferralHistory,
)
from people import services as people_services
from people.models import FamilyMember, Person

Status = Referral.Status
MAX_TEXT = 5000
MAX_SHORT = 200
MAX_CAPACITY = 500
STALE = "Someone else changed this since you opened it. Check it and try again."
NOT_RUNNING = "This programme is not taking referrals at the moment"
NEEDS_FAMILY = "Refer from the family’s record: a programme place needs the family members"
RECORD_TYPE = "offer_referral"

WORKFLOW = Workflow(
    noun="referral",
    choices=Status,
    initial=frozenset({Status.HANDED_OVER, Status.REFERRED, Status.WAITING}),
    table={
        Status.HANDED_OVER: frozenset({Status.TAKEN_UP, Status.NOT_TAKEN_UP, Status.WITHDRAWN}),
        Status.TAKEN_UP: frozenset(),
        Status.NOT_TAKEN_UP: frozenset(),
        Status.REFERRED: frozenset({Status.ENROLLED, Status.WITHDRAWN}),
        # Offering the place (held while the family answers), or enrolling them straight away.
        Status.WAITING: frozenset({Status.REFERRED, Status.ENROLLED, Status.WITHDRAWN}),
        Status.ENROLLED: frozenset({Status.COMPLETED, Status.LEFT}),
        Status.COMPLETED: frozenset(),
        Status.LEFT: frozenset(),
        Status.WITHDRAWN: frozenset(),
    },
)


def _text(value, *, field: str, required: bool = False, message: str = "", limit=MAX_TEXT):
    value = value.strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationError({field: message or "Enter this"})
    if len(value) > limit:
        raise ValidationError({field: f"This must be {limit:,} characters or fewer"})
    return value


def _check_version(record, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != record.version:
        raise StaleVersionError(STALE)


def _history(*, record, actor, from_status, to_status, reason) -> None:
    ReferralHistory.objects.create(
        referral=record,
        actor=actor,
        from_status=from_status or "",
        to_status=to_status,
        reason=reason,
    )


def _move(referral: Referral, to_status: str, *, actor, reason: str = "", fields=()) -> None:
    referral.version += 1
    WORKFLOW.move(
        referral,
        to_status,
        actor=actor,
        reason=reason,
        history=_history,
        fields=("version", *fields),
    )


def _collect(checks: Mapping) -> tuple[dict, dict]:
    values, errors = {}, {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    return values, errors


# ---------------------------------------------------------------- referrals (the interface)


@transaction.atomic
def referral_make(
    *,
    actor,
    family,
    service: Service,
    people: Iterable[Person],
    source: str = Referral.Source.DIRECT,
    source_type: str = "",
    source_id: object = "",
    handover_to: str = "",
    handover_on: date | None = None,
    agreed_with_family: bool = False,
    priority: str = "",
    reason: str = "",
) -> Referral:
    """Signpost ``family`` to ``service`` with a handover, or refer ``people`` (members of the
    family) to the programme that ``service`` is. See the module's docstring.

    ``family`` must be in the actor's scope (the caller read it through people.selectors). It
    is None only for a signpost at triage of a request with no family record yet: ``people`` is
    then empty and ``source_type``/``source_id`` name a request the actor may read.
    ``source`` is one of ``Referral.Source``; ``source_type``/``source_id`` name the record it
    came from (a ``core.records`` link type and id), empty for a direct referral.
    ``priority`` is one of the pack's priorities (default: the last, least urgent). Returns the
    referral: status "handed over" (signpost), "referred" (a place is free) or "on the waiting
    list"."""
    permission = "offer.refer_for_panel" if source == Referral.Source.PANEL else "offer.refer"
    if not rules.has_perm(permission, actor):
        raise PermissionDenied("Only staff who work with families can refer them")
    current = selectors.policy()
    codes = [p["code"] for p in current.priorities]
    people = list({p.pk: p for p in (people or [])}.values())
    errors: dict = {}
    if service is None or selectors.pickable_service(service.pk) is None:
        errors["service"] = "Choose a service from the directory"
    if family is None:
        # A signpost at triage of a request with no family record yet: it names no one and is
        # linked to its request, which the referrer must be able to read.
        if source != Referral.Source.TRIAGE or not records.may_read(
            actor, str(source_type or ""), str(source_id or "")
        ):
            raise ValidationError({"family": "Choose the family"})
        if people:
            errors["people"] = "Choose people from this family"
        if service is not None and selectors.programme_of_service(service) is not None:
            errors["service"] = NEEDS_FAMILY
    elif not people:
        errors["people"] = "Choose who the referral is for"
    elif FamilyMember.objects.filter(family=family, person__in=people).count() != len(people):
        errors["people"] = "Choose people from this family"
    if source not in Referral.Source.values:
        errors["source"] = "Choose where the referral came from"
    values, more = _collect(
        {
            "handover_to": lambda: _text(handover_to, field="handover_to", limit=MAX_SHORT),
            "reason": lambda: _text(
                reason, field="reason", required=True, message="Enter the reason for the referral"
            ),
            "source_type": lambda: _text(source_type, field="source_type", limit=40),
            "source_id": lambda: _text(str(source_id or ""), field="source_id", limit=64),
        }
    )
    errors.update(more)
    priority = priority or (codes[-1] if codes else "")
    if priority not in codes:
        errors["priority"] = "Choose the priority"
    if handover_on is not None and (
        not isinstance(handover_on, date) or handover_on > clock.today()
    ):
        errors["handover_on"] = "The date of the handover must be today or in the past"
    if errors:
        raise ValidationError(errors)
    programme = selectors.programme_of_service(service)
    if programme is not None and not programme.active:
        raise ValidationError({"service": NOT_RUNNING})
    if programme is not None:
        # Serialise the places decision: two referrals for the last place queue one behind the
        # other, and the second joins the waiting list.
        programme = lock(Programme, programme.pk, select_related=("team",))
        needed = len(people) if programme.runs_groups else 1
        free = selectors.programme_places(programme).free
        status = Status.REFERRED if free >= needed else Status.WAITING
    else:
        status = Status.HANDED_OVER
    today = clock.today()
    referral = Referral.objects.create(
        family=family,
        service=service,
        programme=programme,
        source=source,
        source_type=values["source_type"],
        source_id=values["source_id"],
        made_by=actor,
        made_on=today,
        handover_to=values["handover_to"],
        handover_on=handover_on,
        agreed_with_family=bool(agreed_with_family),
        priority=priority,
        reason=values["reason"],
        status=status,
        waiting_since=today if status == Status.WAITING else None,
    )
    referral.people.set(people)
    _history(record=referral, actor=actor, from_status="", to_status=status, reason="")
    if programme is not None:
        # The team running the programme now works with the family (it offers the place).
        people_services.family_team_link(
            actor=actor, family=family, team=programme.team, reason="offer_referral"
        )
    if people:
        words = "Signposted to" if programme is None else "Referred to"
        people_services.chronology_record(
            actor=actor,
            people=people,
            summary=f"{words} {service.name}",
            record_type=RECORD_TYPE,
            record_id=referral.pk,
            event="referral_made",
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=referral,
        detail={
            "fields": ["service", "people", "priority", "reason", "handover_to"],
            "status": status,
            "source": source,
            "people": len(people),
        },
    )
    return referral


def _lock_referral(referral: Referral, expected_version: int | None) -> Referral:
    referral = lock(Referral, referral.pk, select_related=("programme", "service"))
    _check_version(referral, expected_version)
    return referral


@transaction.atomic
def referral_uptake_record(
    *,
    actor,
    referral: Referral,
    taken_up: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Referral:
    """Record whether the family took up a signpost (handed over → taken up / not taken up)."""
    referral = _lock_referral(referral, expected_version)
    if not rules.has_perm("offer.change_referral", actor, referral):
        raise PermissionDenied("Only the referrer or the service’s team can record this")
    if referral.programme_id is not None:
        raise ConflictError("A referral to a programme records a place, not an uptake")
    referral.uptake_note = _text(note, field="note")
    _move(
        referral,
        Status.TAKEN_UP if taken_up else Status.NOT_TAKEN_UP,
        actor=actor,
        reason=referral.uptake_note,
        fields=("uptake_note",),
    )
    return referral


@transaction.atomic
def referral_withdraw(
    *, actor, referral: Referral, reason: str, expected_version: int | None = None
) -> Referral:
    """The family no longer wants the service (or it is no longer needed): off the list."""
    referral = _lock_referral(referral, expected_version)
    if not rules.has_perm("offer.change_referral", actor, referral):
        raise PermissionDenied("Only the referrer or the programme’s team can withdraw this")
    reason = _text(reason, field="reason", required=True, message="Enter why it is withdrawn")
    _move(referral, Status.WITHDRAWN, actor=actor, reason=reason)
    return referral


@transaction.atomic
def referral_offer_place(
    *, actor, referral: Referral, note: str = "", expected_version: int | None = None
) -> Referral:
    """Offer a free place to a family on the waiting list: the place is held for them (no one
    else can take it) until they are enrolled, or the referral is withdrawn when they decline."""
    referral = _lock_referral(referral, expected_version)
    programme = lock(Programme, referral.programme_id) if referral.programme_id else None
    if programme is None:
        raise ConflictError("A signpost has no place to offer")
    _may_manage(actor, programme)
    WORKFLOW.check(referral.status, Status.REFERRED)
    needed = referral.people.count() if programme.runs_groups else 1
    free = selectors.programme_places(programme).free
    if free < needed:
        raise ConflictError(
            f"No place to offer: {free} free, {needed} needed. Add places or a group first"
        )
    note = _text(note, field="note")
    _move(referral, Status.REFERRED, actor=actor, reason=note or "Place offered")
    return referral


def _may_manage(actor, programme) -> None:
    if not rules.has_perm("offer.manage_programme", actor, programme):
        raise PermissionDenied("Only the programme’s team or a team leader can do this")


@transaction.atomic
def referral_enrol(
    *,
    actor,
    referral: Referral,
    group: ProgrammeGroup,
    expected_version: int | None = None,
    enrolled_on: date | None = None,
) -> list[Enrolment]:
    """Enrol the referral's people in ``group`` (a place each): from the waiting list, or a
    referral told a place was free. Refused (409) beyond the group's capacity, or taking a place
    held for someone told one was free."""
    referral = _lock_referral(referral, expected_version)
    programme = lock(Programme, referral.programme_id) if referral.programme_id else None
    if programme is None or not programme.runs_groups:
        raise ConflictError("Only a referral to a group programme is enrolled in a group")
    _may_manage(actor, programme)
    group = lock(ProgrammeGroup, group.pk)
    if group.programme_id != programme.pk:
        raise ValidationError({"group": "Choose a group of this programme"})
    if group.status not in ProgrammeGroup.OPEN_STATUSES:
        raise ConflictError("This group is finished or cancelled: nobody can join it")
    WORKFLOW.check(referral.status, Status.ENROLLED)
    people = list(referral.people.all())
    _taken, free = selectors.group_places(group)
    if free < len(people):
        raise ConflictError(
            f"The group is full: {free} place{'s' if free != 1 else ''} free, {len(people)} needed"
        )
    if referral.status == Status.WAITING:
        places = selectors.programme_places(programme)
        if places.free < len(people):
            raise ConflictError(
                "The free places are held for families already told a place is free"
            )
    day = enrolled_on or clock.today()
    try:
        with transaction.atomic():
            enrolments = Enrolment.objects.bulk_create(
                Enrolment(group=group, person=person, referral=referral, enrolled_on=day)
                for person in people
            )
    except IntegrityError as error:
        raise ConflictError("Someone on this referral is already in this group") from error
    _move(referral, Status.ENROLLED, actor=actor, reason=f"Enrolled in {group.name}")
    people_services.chronology_record(
        actor=actor,
        people=people,
        summary=f"Enrolled in {referral.service.name}",
        record_type=RECORD_TYPE,
        record_id=referral.pk,
        event="enrolled",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=group,
        detail={"enrolments": len(enrolments), "referral": referral.pk},
    )
    return enrolments


@transaction.atomic
def referral_take_on(*, actor, referral: Referral, expected_version: int | None = None) -> Referral:
    """A one-to-one service takes the family on (from its list, or a place held for it)."""
    referral = _lock_referral(referral, expected_version)
    programme = lock(Programme, referral.programme_id) if referral.programme_id else None
    if programme is None or programme.runs_groups:
        raise ConflictError("Only a referral to a one-to-one service is taken on directly")
    _may_manage(actor, programme)
    if referral.status == Status.WAITING and selectors.programme_places(programme).free < 1:
        raise ConflictError("The service is full: no place is free")
    _move(referral, Status.ENROLLED, actor=actor, reason="Taken on")
    return referral


@transaction.atomic
def referral_finish(
    *,
    actor,
    referral: Referral,
    completed: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Referral:
    """A one-to-one service ends: completed, or left early (the place frees)."""
    referral = _lock_referral(referral, expected_version)
    if referral.programme is None or referral.programme.runs_groups:
        raise ConflictError("A group programme ends by each participant’s completion")
    _may_manage(actor, referral.programme)
    reason = _text(reason, field="reason")
    _move(referral, Status.COMPLETED if completed else Status.LEFT, actor=actor, reason=reason)
    return referral


# ---------------------------------------------------------------- programmes, groups, sessions


def _capacity(value, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_CAPACITY:
        raise ValidationError({field: f"Enter a number of places from 0 to {MAX_CAPACITY}"})
    return value


@transaction.atomic
def programme_create(
    *, actor, service: Service, kind: str, team, area=None, capacity: int = 0
) -> Programme:
    """Make a directory service one of the offer's programmes (team leaders)."""
    if not rules.has_perm("offer.add_programme", actor):
        raise PermissionDenied("Only an early support team leader can add a programme")
    errors: dict = {}
    if service is None:
        errors["service"] = "Choose the service in the directory"
    elif Programme.objects.filter(service=service).exists():
        errors["service"] = "This service is already in the offer"
    if kind not in Programme.Kind.values:
        errors["kind"] = "Choose the kind of programme"
    if team is None:
        errors["team"] = "Choose the team that runs it"
    try:
        capacity = _capacity(capacity, field="capacity")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    programme = Programme.objects.create(
        service=service, kind=kind, team=team, area=area, capacity=capacity
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=programme,
        detail={"fields": ["service", "kind", "team", "area", "capacity"], "kind": kind},
    )
    return programme


@transaction.atomic
def programme_set_capacity(
    *, actor, programme: Programme, capacity: int, expected_version: int | None = None
) -> Programme:
    """A one-to-one service's places at once (raising it frees places for the waiting list)."""
    programme = lock(Programme, programme.pk)
    _may_manage(actor, programme)
    _check_version(programme, expected_version)
    programme.capacity = _capacity(capacity, field="capacity")
    programme.version += 1
    programme.save(update_fields=["capacity", "version"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=programme,
        detail={"fields": ["capacity"], "capacity": programme.capacity},
    )
    return programme


@transaction.atomic
def programme_set_running(
    *,
    actor,
    programme: Programme,
    running: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> Programme:
    """Stop a programme taking referrals (a team leader, with the reason), or start it again.
    Stopping is refused while families wait for a place or hold one offered: enrol or withdraw
    them first. Participants already enrolled carry on."""
    if not rules.has_perm("offer.add_programme", actor):
        raise PermissionDenied("Only an early support team leader can do this")
    programme = lock(Programme, programme.pk)
    _check_version(programme, expected_version)
    if not isinstance(running, bool):
        raise ValidationError({"running": "Choose whether it is taking referrals"})
    reason = _text(
        reason,
        field="reason",
        required=not running,
        message="Enter why it is no longer taking referrals",
    )
    if running == programme.active:
        return programme
    if not running:
        waiting = selectors.waiting_or_offered(programme)
        if waiting:
            raise ConflictError(
                f"{waiting} famil{'ies are' if waiting != 1 else 'y is'} waiting or offered a "
                "place: enrol or withdraw them first"
            )
    programme.active = running
    programme.not_running_reason = "" if running else reason
    programme.version += 1
    programme.save(update_fields=["active", "not_running_reason", "version"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=programme,
        detail={"fields": ["active", "not_running_reason"], "active": running},
    )
    return programme


@transaction.atomic
def group_create(
    *,
    actor,
    programme: Programme,
    name: str,
    capacity: int,
    starts_on: date,
    venue=None,
    venue_text: str = "",
    facilitators: Iterable = (),
) -> ProgrammeGroup:
    """Add a run of a group programme."""
    programme = lock(Programme, programme.pk)
    _may_manage(actor, programme)
    if not programme.runs_groups:
        raise ConflictError("A one-to-one service has no groups")
    values, errors = _collect(
        {
            "name": lambda: _text(
                name, field="name", required=True, message="Enter the group’s name", limit=200
            ),
            "venue_text": lambda: _text(venue_text, field="venue_text", limit=200),
            "capacity": lambda: _capacity(capacity, field="capacity"),
        }
    )
    if not isinstance(starts_on, date):
        errors["starts_on"] = "Enter the date the group starts"
    facilitators = list(facilitators)
    if any(not (f.is_active and scope.can_see_case_records(f)) for f in facilitators):
        errors["facilitators"] = "Choose staff who work with families"
    if errors:
        raise ValidationError(errors)
    group = ProgrammeGroup.objects.create(
        programme=programme,
        name=values["name"],
        venue=venue,
        venue_text=values["venue_text"],
        capacity=values["capacity"],
        starts_on=starts_on,
    )
    group.facilitators.set(facilitators)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=group,
        detail={
            "fields": ["name", "venue", "capacity", "starts_on", "facilitators"],
            "capacity": group.capacity,
            "facilitators": len(facilitators),
        },
    )
    return group


GROUP_MOVES = {
    ProgrammeGroup.Status.PLANNED: {ProgrammeGroup.Status.RUNNING, ProgrammeGroup.Status.CANCELLED},
    ProgrammeGroup.Status.RUNNING: {ProgrammeGroup.Status.FINISHED},
    ProgrammeGroup.Status.FINISHED: set(),
    ProgrammeGroup.Status.CANCELLED: set(),
}


@transaction.atomic
def group_update(
    *,
    actor,
    group: ProgrammeGroup,
    expected_version: int | None = None,
    status: str | None = None,
    capacity: int | None = None,
) -> ProgrammeGroup:
    """Move a group on (planned → running → finished; planned → cancelled) or change its
    places (never below those taken)."""
    group = lock(ProgrammeGroup, group.pk, select_related=("programme",))
    _may_manage(actor, group.programme)
    _check_version(group, expected_version)
    fields = []
    if status is not None and status != group.status:
        if status not in GROUP_MOVES.get(group.status, set()):
            raise ConflictError("The group cannot move to that status from where it is")
        group.status = status
        fields.append("status")
    if capacity is not None and capacity != group.capacity:
        capacity = _capacity(capacity, field="capacity")
        taken, _free = selectors.group_places(group)
        if capacity < taken:
            raise ValidationError(
                {"capacity": f"{taken} people hold places: enter {taken} or more"}
            )
        group.capacity = capacity
        fields.append("capacity")
    if not fields:
        return group
    group.version += 1
    group.save(update_fields=[*fields, "version"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=group,
        detail={"fields": fields, "status": group.status, "capacity": group.capacity},
    )
    return group


@transaction.atomic
def session_add(
    *,
    actor,
    group: ProgrammeGroup,
    held_on: date,
    starts_at: time | None = None,
    ends_at: time | None = None,
) -> GroupSession:
    """Add the group's next session (numbered in order)."""
    group = lock(ProgrammeGroup, group.pk, select_related=("programme",))
    _may_manage(actor, group.programme)
    errors = {}
    if not isinstance(held_on, date):
        errors["held_on"] = "Enter the date of the session"
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts"
    if errors:
        raise ValidationError(errors)
    number = (group.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    session = GroupSession.objects.create(
        group=group, number=number, held_on=held_on, starts_at=starts_at, ends_at=ends_at
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=session,
        detail={"fields": ["held_on", "starts_at", "ends_at"], "number": number},
    )
    return session


# ---------------------------------------------------------------- attendance and completion


@transaction.atomic
def attendance_record(
    *, actor, session: GroupSession, marks: Mapping[int, str]
) -> list[Attendance]:
    """Record (or correct) each participant's attendance at one session: ``marks`` maps an
    enrolment id of the group to attended / absent / was not brought."""
    group = lock(ProgrammeGroup, session.group_id, select_related=("programme",))
    if not rules.has_perm("offer.record_attendance", actor, group):
        raise PermissionDenied("Only the group’s facilitators or its team can record attendance")
    if session.held_on > clock.today():
        raise ValidationError({"session": "You can record attendance once the session is held"})
    enrolments = {e.pk: e for e in group.enrolments.exclude(status=Enrolment.Status.LEFT)}
    errors = {}
    for enrolment_id, mark in marks.items():
        if enrolment_id not in enrolments:
            errors[f"enrolment_{enrolment_id}"] = "Choose a participant of this group"
        elif mark not in Attendance.Status.values:
            errors[f"enrolment_{enrolment_id}"] = "Choose attended, absent or was not brought"
    if not marks:
        errors["marks"] = "Record at least one participant’s attendance"
    if errors:
        raise ValidationError(errors)
    saved = []
    for enrolment_id, mark in marks.items():
        row, _created = Attendance.objects.update_or_create(
            enrolment_id=enrolment_id,
            session=session,
            defaults={"status": mark, "recorded_by": actor},
        )
        saved.append(row)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=session,
        detail={
            "fields": ["attendance"],
            "marks": {
                s: sum(1 for m in marks.values() if m == s) for s in sorted(set(marks.values()))
            },
        },
    )
    return saved


def _finish_referral_if_done(actor, referral_id: int) -> None:
    referral = lock(Referral, referral_id)
    if referral.status != Status.ENROLLED:
        return
    statuses = set(referral.enrolments.values_list("status", flat=True))
    if Enrolment.Status.ENROLLED in statuses:
        return
    done = Status.COMPLETED if Enrolment.Status.COMPLETED in statuses else Status.LEFT
    _move(referral, done, actor=actor, reason="Every participant has finished")


def _lock_enrolment(actor, enrolment: Enrolment) -> Enrolment:
    enrolment = lock(Enrolment, enrolment.pk, select_related=("group__programme",))
    _may_manage(actor, enrolment.group.programme)
    if enrolment.status != Enrolment.Status.ENROLLED:
        raise ConflictError("This participant has already finished")
    return enrolment


@transaction.atomic
def enrolment_complete(
    *, actor, enrolment: Enrolment, completed_on: date | None = None
) -> Enrolment:
    enrolment = _lock_enrolment(actor, enrolment)
    day = completed_on or clock.today()
    if day > clock.today() or day < enrolment.enrolled_on:
        raise ValidationError({"completed_on": "The date must be between the enrolment and today"})
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_on = day
    enrolment.save(update_fields=["status", "completed_on"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=enrolment,
        detail={"fields": ["status"], "status": "completed"},
    )
    _finish_referral_if_done(actor, enrolment.referral_id)
    return enrolment


@transaction.atomic
def enrolment_leave(*, actor, enrolment: Enrolment, left_on: date | None = None) -> Enrolment:
    """The participant leaves early: their place frees for the waiting list."""
    enrolment = _lock_enrolment(actor, enrolment)
    day = left_on or clock.today()
    if day > clock.today():
        raise ValidationError({"left_on": "The date must be today or in the past"})
    enrolment.status = Enrolment.Status.LEFT
    enrolment.left_on = day
    enrolment.save(update_fields=["status", "left_on"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=enrolment,
        detail={"fields": ["status"], "status": "left"},
    )
    _finish_referral_if_done(actor, enrolment.referral_id)
    return enrolment


@transaction.atomic
def impact_record(
    *, actor, enrolment: Enrolment, measure: str, note: str = "", recorded_on: date | None = None
) -> ImpactMeasure:
    """Record one of the pack's impact measures a participant reported."""
    enrolment = lock(Enrolment, enrolment.pk, select_related=("group__programme",))
    _may_manage(actor, enrolment.group.programme)
    codes = dict(selectors.impact_measure_choices())
    errors = {}
    if measure not in codes:
        errors["measure"] = "Choose the impact measure"
    try:
        note = _text(note, field="note")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if ImpactMeasure.objects.filter(enrolment=enrolment, measure=measure).exists():
        raise ConflictError("This impact measure is already recorded for this participant")
    impact = ImpactMeasure.objects.create(
        enrolment=enrolment,
        measure=measure,
        note=note,
        recorded_on=recorded_on or clock.today(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=impact,
        detail={"fields": ["measure", "note"], "measure": measure},
    )
    return impact
