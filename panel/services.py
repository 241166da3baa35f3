"""Writes for the panel (keyword-only, transactional, audited) and the meeting look-ups referrals use.

Every write runs in ``transaction.atomic`` and writes its audit event in the same
transaction (``core.audit.audit_record``). Cancelling or moving a meeting also writes
one append-only ``PanelMeetingHistory`` row.

Intake, the pack and agency responses
-------------------------------------
``panel_case_log`` gives a referral its ESMAP number (sequential per calendar year of
logging) and places it on the first scheduled meeting whose cut-off it met, judged on
when the referral was submitted. ``meeting_publish_pack`` publishes a meeting's agenda
and referrals to its members; ``agency_response_record`` is the only write a panel
member can make.

Carrying cases forward
----------------------
A case placed on a meeting that is then cancelled or moved goes with it: a moved
meeting's cases go to the meeting it moved to (``moved_to``), a cancelled meeting's
cases to the next scheduled meeting after it (``carry_forward_target``).
``meeting_cancel`` and ``meeting_move`` call ``meeting_carry_forward_cases`` in their
own transaction; each case moved gets a ``PanelCaseHistory`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock, lock_all, lock_first
from panel import calendar, handoffs
from panel.models import (
    AgencyResponse,
    ClosureRequest,
    EsmapSequence,
    LeadProfessionalAllocation,
    MeetingAttendance,
    Panel,
    PanelCase,
    PanelCaseHistory,
    PanelDecision,
    PanelMeeting,
    PanelMeetingHistory,
    PanelSeat,
    PanelSeatMember,
    format_esmap_number,
)
from people.services import family_team_link

MAX_REASON = 1000


def today() -> date:
    """Today in Europe/London (a function so tests can fix it)."""
    return timezone.localdate(timezone=calendar.LONDON)


def now() -> datetime:
    """The current time (a function so tests can fix it)."""
    return timezone.now()


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"The reason must be {MAX_REASON} characters or fewer"})
    return reason


# ---------------------------------------------------------------- panels and seats


@transaction.atomic
def panel_create(
    *,
    actor,
    council,
    name: str,
    first_meeting_date: date,
    area=None,
    weekday: int | None = None,
    start_time: time = calendar.DEFAULT_START_TIME,
    end_time: time = calendar.DEFAULT_END_TIME,
    location: str = "",
    chair=None,
    deputy=None,
    publication_working_days: int = calendar.DEFAULT_PUBLICATION_WORKING_DAYS,
    cutoff_days: int = calendar.DEFAULT_CUTOFF_DAYS,
) -> Panel:
    """A new panel. ``weekday`` defaults to the first meeting's weekday (Wednesday in the terms of reference)."""
    panel = Panel(
        council=council,
        area=area,
        name=name.strip(),
        weekday=first_meeting_date.weekday() if weekday is None else weekday,
        first_meeting_date=first_meeting_date,
        start_time=start_time,
        end_time=end_time,
        location=location,
        chair=chair,
        deputy=deputy,
        publication_working_days=publication_working_days,
        cutoff_days=cutoff_days,
    )
    panel.full_clean()
    panel.save()
    audit_record(actor=actor, action=Action.CREATE, target=panel, detail={"area": bool(area)})
    return panel


@transaction.atomic
def panel_seat_add(*, actor, panel: Panel, agency) -> PanelSeat:
    if PanelSeat.objects.filter(panel=panel, agency=agency).exists():
        raise ValidationError({"agency": "That agency already has a seat on this panel"})
    seat = PanelSeat.objects.create(panel=panel, agency=agency)
    audit_record(actor=actor, action=Action.CREATE, target=seat, detail={"panel": panel.pk})
    return seat


@transaction.atomic
def panel_seat_member_add(
    *, actor, seat: PanelSeat, user, is_substitute: bool = False
) -> PanelSeatMember:
    if PanelSeatMember.objects.filter(seat=seat, user=user).exists():
        raise ValidationError({"user": "They already sit in this seat"})
    member = PanelSeatMember.objects.create(seat=seat, user=user, is_substitute=is_substitute)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=member,
        detail={"panel": seat.panel_id, "seat": seat.pk, "is_substitute": is_substitute},
    )
    return member


@transaction.atomic
def panel_set_chair_and_deputy(*, actor, panel: Panel, chair=None, deputy=None) -> Panel:
    """Name the panel's chair and designated deputy (either may be left as it is by passing None)."""
    locked = lock(Panel, panel.pk)
    changed = []
    if chair is not None and chair.pk != locked.chair_id:
        locked.chair = chair
        changed.append("chair")
    if deputy is not None and deputy.pk != locked.deputy_id:
        locked.deputy = deputy
        changed.append("deputy")
    if not changed:
        return locked
    if locked.chair_id and locked.chair_id == locked.deputy_id:
        raise ValidationError({"deputy": "The deputy must be someone other than the chair"})
    locked.full_clean()
    locked.save(update_fields=changed)
    audit_record(actor=actor, action=Action.UPDATE, target=locked, detail={"fields": changed})
    panel.chair_id, panel.deputy_id = locked.chair_id, locked.deputy_id
    return locked


# ---------------------------------------------------------------- meetings


@transaction.atomic
def panel_schedule_year(*, actor, panel: Panel, year: int) -> list[PanelMeeting]:
    """Create the year's meetings that do not exist yet; returns the ones created.

    Idempotent: a date that already has a meeting (scheduled, held, cancelled or moved
    away) is left alone, so running it again, or after a meeting was cancelled or
    moved, changes nothing. Existing meetings are not updated if the panel's times change.
    """
    if not panel.active:
        raise ValidationError("This panel is not active")
    cal = panel.calendar
    existing = set(
        PanelMeeting.objects.filter(panel=panel, date__year=year).values_list("date", flat=True)
    )
    to_create = []
    for slot in cal.slots(year):
        if slot.date in existing:
            continue
        to_create.append(
            PanelMeeting(
                panel=panel,
                date=slot.date,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                location=panel.location,
                referral_cutoff=slot.cutoff,
                publish_by=slot.publish_by,
            )
        )
    created = []
    for meeting in to_create:
        meeting.save()
        created.append(meeting)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target="panel.panelmeeting",
        record_id="",
        detail={"panel": panel.pk, "year": year, "created": len(created)},
    )
    return created


def _lock_scheduled(meeting: PanelMeeting) -> PanelMeeting:
    locked = lock(PanelMeeting, meeting.pk, select_related=("panel",))
    if locked.status != PanelMeeting.Status.SCHEDULED:
        raise ValidationError(
            f"This meeting is {locked.get_status_display().lower()}: only scheduled meetings can be changed"
        )
    return locked


@transaction.atomic
def meeting_cancel(*, actor, meeting: PanelMeeting, reason: str) -> PanelMeeting:
    """Cancel a scheduled meeting. Its cases go to the next scheduled meeting (``carry_forward_target``)."""
    reason = _clean_reason(reason)
    meeting = _lock_scheduled(meeting)
    meeting.status = PanelMeeting.Status.CANCELLED
    meeting.cancelled_reason = reason
    meeting.save(update_fields=["status", "cancelled_reason", "updated_at"])
    PanelMeetingHistory.objects.create(
        meeting=meeting,
        change=PanelMeetingHistory.Change.CANCELLED,
        actor=actor,
        from_date=meeting.date,
        from_starts_at=meeting.starts_at,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=meeting,
        detail={"change": "cancelled", "panel": meeting.panel_id},
    )
    meeting_carry_forward_cases(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_move(
    *,
    actor,
    meeting: PanelMeeting,
    new_date: date,
    reason: str,
    new_start_time: time | None = None,
    location: str | None = None,
) -> PanelMeeting:
    """Move a scheduled meeting to another day; returns the new meeting.

    The old meeting stays (status MOVED, ``moved_to`` the new one) so the year's
    calendar and the history show what happened; its cases go with it. The new
    meeting's referral cut-off and publication deadline are worked out for its new date.
    """
    reason = _clean_reason(reason)
    meeting = _lock_scheduled(meeting)
    panel = meeting.panel
    errors = {}
    if new_date == meeting.date:
        errors["new_date"] = "Enter a different date from the one the meeting is on now"
    elif new_date < today():
        errors["new_date"] = "The new date must be today or in the future"
    elif not calendar.is_working_day(new_date):
        name = calendar.bank_holiday_name(new_date)
        errors["new_date"] = (
            f"The new date is a bank holiday ({name}): choose a working day"
            if name
            else "The new date must be a weekday"
        )
    elif PanelMeeting.objects.filter(panel=panel, date=new_date).exists():
        errors["new_date"] = "This panel already has a meeting on that date"
    if errors:
        raise ValidationError(errors)
    old_local_start = timezone.localtime(meeting.starts_at, calendar.LONDON).time()
    slot = panel.calendar.slot(new_date, new_start_time or old_local_start)
    new_meeting = PanelMeeting.objects.create(
        panel=panel,
        date=new_date,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        location=meeting.location if location is None else location,
        referral_cutoff=slot.cutoff,
        publish_by=slot.publish_by,
    )
    meeting.status = PanelMeeting.Status.MOVED
    meeting.moved_to = new_meeting
    meeting.save(update_fields=["status", "moved_to", "updated_at"])
    PanelMeetingHistory.objects.create(
        meeting=meeting,
        change=PanelMeetingHistory.Change.MOVED,
        actor=actor,
        from_date=meeting.date,
        from_starts_at=meeting.starts_at,
        to_date=new_meeting.date,
        to_starts_at=new_meeting.starts_at,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=meeting,
        detail={"change": "moved", "panel": panel.pk, "moved_to": new_meeting.pk},
    )
    audit_record(
        actor=actor, action=Action.CREATE, target=new_meeting, detail={"moved_from": meeting.pk}
    )
    meeting_carry_forward_cases(actor=actor, meeting=meeting)
    return new_meeting


# ---------------------------------------------------------------- where referrals go


def next_open_meeting(panel: Panel, after: datetime) -> PanelMeeting | None:
    """The first SCHEDULED meeting whose referral cut-off is at or after ``after``.

    Cancelled and moved meetings are never open. Referrals already placed on a meeting
    that is then cancelled or moved are re-placed with it (see ``carry_forward_target``),
    not by this look-up.
    """
    return (
        PanelMeeting.objects.filter(
            panel=panel, status=PanelMeeting.Status.SCHEDULED, referral_cutoff__gte=after
        )
        .order_by("referral_cutoff", "date")
        .first()
    )


@dataclass(frozen=True)
class MeetingChoice:
    meeting: PanelMeeting | None
    reason: str = ""


NO_PANEL = "The panel is not active"
NO_MEETING = "No meeting is scheduled with a referral cut-off still to come: schedule the panel's next meetings"


def meeting_for_referral(panel: Panel, received_at: datetime) -> MeetingChoice:
    """The first scheduled meeting whose cut-off a referral received at ``received_at`` meets.

    A referral meets a cut-off if it arrives at or before it (``received_at <= cutoff``).
    Returns ``MeetingChoice(None, reason)`` when there is no such meeting.
    """
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware")
    if not panel.active:
        return MeetingChoice(None, NO_PANEL)
    meeting = next_open_meeting(panel, received_at)
    if meeting is None:
        return MeetingChoice(None, NO_MEETING)
    return MeetingChoice(meeting)


def carry_forward_target(meeting: PanelMeeting) -> PanelMeeting | None:
    """Where a meeting's cases go now.

    Scheduled or held: the meeting itself. Moved: the meeting it moved to (followed on,
    if that one was itself moved or cancelled). Cancelled: the next scheduled meeting of
    the same panel after its date. None if nothing is scheduled yet.
    """
    seen = set()
    current = meeting
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.status in (PanelMeeting.Status.SCHEDULED, PanelMeeting.Status.HELD):
            return current
        if current.status == PanelMeeting.Status.MOVED:
            # Read it afresh: a cached ``moved_to`` may predate its own cancellation.
            current = PanelMeeting.objects.filter(pk=current.moved_to_id).first()
            continue
        return (
            PanelMeeting.objects.filter(
                panel_id=current.panel_id,
                status=PanelMeeting.Status.SCHEDULED,
                date__gt=current.date,
            )
            .order_by("date")
            .first()
        )
    return None


# ---------------------------------------------------------------- intake

INTAKE_ROLES = (Role.BUSINESS_SUPPORT, Role.EARLY_SUPPORT_TEAM_LEADER)
NO_PANEL_FOR_AREA = "No panel is set up for this area"
NO_LATER_MEETING = "Its meeting was cancelled or moved and no later meeting is scheduled"
# Statuses of cases still waiting on (or being reported to) a meeting: they move with it.
OPEN_STATUSES = (
    PanelCase.Status.LOGGED,
    PanelCase.Status.DECIDED,
    PanelCase.Status.ALLOCATED,
    PanelCase.Status.CLOSURE_REQUESTED,
)
MAX_INFORMATION = 5000


def panel_for_family(family) -> Panel | None:
    """The active panel for the family's area, else the council-wide panel (no area), else None."""
    panels = Panel.objects.filter(active=True)
    return (
        panels.filter(area_id=family.area_id).order_by("pk").first()
        or panels.filter(area__isnull=True).order_by("pk").first()
    )


def _next_esmap(year: int) -> tuple[int, str]:
    """Take the next number of ``year``; the sequence row stays locked until the transaction ends."""
    try:
        with transaction.atomic():
            EsmapSequence.objects.get_or_create(year=year)
    except IntegrityError:  # another transaction created it first
        pass
    row = lock_first(EsmapSequence.objects.filter(year=year))
    row.last += 1
    row.save(update_fields=["last"])
    return row.last, format_esmap_number(year, row.last)


def _place(panel: Panel, submitted_at: datetime) -> MeetingChoice:
    """The first meeting whose cut-off the referral met when it was submitted.

    If that meeting's date has already passed (the referral was logged late), the first
    meeting whose cut-off is still to come.
    """
    choice = meeting_for_referral(panel, submitted_at)
    if choice.meeting is not None and choice.meeting.date < today():
        choice = meeting_for_referral(panel, now())
    return choice


@transaction.atomic
def panel_case_log(*, actor, referral) -> PanelCase:
    """Log a referral: give it an ESMAP number and place it on a meeting (or say why not)."""
    if not actor.has_role(*INTAKE_ROLES):
        raise PermissionDenied(
            "Only business support or an early support team leader can log referrals"
        )
    from assessments.models import PanelReferral

    referral = lock(PanelReferral, referral.pk, select_related=("family",))
    if PanelCase.objects.filter(referral=referral).exists():
        raise ValidationError("This referral has already been logged")
    panel = panel_for_family(referral.family)
    if panel is None:
        raise ValidationError(NO_PANEL_FOR_AREA)
    logged_at = now()
    year = timezone.localtime(logged_at, calendar.LONDON).year
    sequence, number = _next_esmap(year)
    choice = _place(panel, referral.submitted_at)
    case = PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number=number,
        year=year,
        sequence=sequence,
        logged_by=actor,
        logged_at=logged_at,
        meeting=choice.meeting,
        placement_reason="" if choice.meeting else choice.reason,
    )
    PanelCaseHistory.objects.create(
        case=case,
        change=PanelCaseHistory.Change.LOGGED,
        actor=actor,
        to_meeting=choice.meeting,
        to_status=case.status,
        reason=case.placement_reason,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=case,
        detail={
            "panel": panel.pk,
            "meeting": choice.meeting.pk if choice.meeting else None,
            "placed": choice.meeting is not None,
        },
    )
    return case


@transaction.atomic
def meeting_carry_forward_cases(*, actor, meeting: PanelMeeting) -> list[PanelCase]:
    """Move a cancelled or moved meeting's open cases to ``carry_forward_target(meeting)``.

    Returns the cases moved. A meeting that is still scheduled or held keeps its cases.
    """
    meeting = PanelMeeting.objects.get(pk=meeting.pk)
    target = carry_forward_target(meeting)
    if target is not None and target.pk == meeting.pk:
        return []
    cases = lock_all(PanelCase.objects.filter(meeting=meeting, status__in=OPEN_STATUSES))
    why = (
        "Meeting cancelled" if meeting.status == PanelMeeting.Status.CANCELLED else "Meeting moved"
    )
    for case in cases:
        case.meeting = target
        case.placement_reason = "" if target else NO_LATER_MEETING
        case.save(update_fields=["meeting", "placement_reason", "updated_at"])
        PanelCaseHistory.objects.create(
            case=case,
            change=PanelCaseHistory.Change.CARRIED_FORWARD,
            actor=actor,
            from_meeting=meeting,
            to_meeting=target,
            from_status=case.status,
            to_status=case.status,
            reason=why if target else f"{why}: {NO_LATER_MEETING}",
        )
    if cases:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target="panel.panelcase",
            detail={
                "change": "carried_forward",
                "from_meeting": meeting.pk,
                "to_meeting": target.pk if target else None,
                "count": len(cases),
            },
        )
    return cases


def can_withdraw(actor, case: PanelCase) -> bool:
    """The practitioner who made the referral, or business support."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and (actor.pk == case.referral.submitted_by_id or actor.has_role(Role.BUSINESS_SUPPORT))
    )


@transaction.atomic
def panel_case_withdraw(*, actor, case: PanelCase, reason: str) -> PanelCase:
    """Withdraw a referral the panel has not decided on yet: it leaves the agenda for good."""
    case = lock(PanelCase, case.pk, select_related=("referral",))
    if not can_withdraw(actor, case):
        raise PermissionDenied("Only the referrer or business support can withdraw a referral")
    reason = _clean_reason(reason)
    if case.status != PanelCase.Status.LOGGED:
        raise CaseTransitionNotAllowed(
            "The panel has already decided on this referral, so it cannot be withdrawn"
        )
    _status_change(
        actor=actor, case=case, to_status=PanelCase.Status.WITHDRAWN, reason=f"Withdrawn: {reason}"
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=case,
        detail={
            "fields": ["status"],
            "from": PanelCase.Status.LOGGED,
            "to": PanelCase.Status.WITHDRAWN,
        },
    )
    return case


# ---------------------------------------------------------------- the pack and responses


def can_publish(actor, panel: Panel) -> bool:
    return bool(actor.has_role(*INTAKE_ROLES) or actor.pk in (panel.chair_id, panel.deputy_id))


@transaction.atomic
def meeting_publish_pack(*, actor, meeting: PanelMeeting) -> PanelMeeting:
    """Publish a scheduled meeting's agenda and referrals to its members (once)."""
    meeting = lock(PanelMeeting, meeting.pk, select_related=("panel",))
    if not can_publish(actor, meeting.panel):
        raise PermissionDenied(
            "Only business support, a team leader or the chair can publish the pack"
        )
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        raise ValidationError(
            f"This meeting is {meeting.get_status_display().lower()}: only a scheduled meeting's pack can be published"
        )
    if meeting.pack_published_at is not None:
        raise ValidationError("The pack for this meeting has already been published")
    meeting.pack_published_at = now()
    meeting.pack_published_by = actor
    meeting.save(update_fields=["pack_published_at", "pack_published_by", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=meeting,
        detail={
            "change": "pack_published",
            "panel": meeting.panel_id,
            "cases": meeting.cases.count(),
        },
    )
    return meeting


@transaction.atomic
def agency_response_record(
    *,
    actor,
    case: PanelCase,
    seat: PanelSeat,
    known: bool,
    information: str = "",
    expected_version: int | None = None,
) -> AgencyResponse:
    """Record (or change) what the seat's agency knows about the case's family.

    Only a member or substitute of that seat on the case's panel; only once the
    meeting's pack is published and until the end of the meeting's day. One response
    per case and seat: a change updates it; pass ``expected_version`` (the version the
    form showed) and a stale one is refused rather than overwriting someone else's change.
    """
    # The case is locked so two first responses for one seat cannot both be created.
    case = lock(PanelCase, case.pk, select_related=("meeting",))
    if (
        seat.panel_id != case.panel_id
        or not PanelSeatMember.objects.filter(seat=seat, user=actor).exists()
    ):
        raise PermissionDenied("Only a member of that seat can record its agency's response")
    meeting = case.meeting
    if meeting is None or meeting.pack_published_at is None:
        raise ValidationError("The pack for this case's meeting has not been published yet")
    if meeting.status != PanelMeeting.Status.SCHEDULED or today() > meeting.date:
        raise ValidationError("Responses for this meeting are closed")
    information = (information or "").strip()
    errors = {}
    if known and not information:
        errors["information"] = "Enter what your agency knows about the family"
    if len(information) > MAX_INFORMATION:
        errors["information"] = (
            f"What your agency knows must be {MAX_INFORMATION} characters or fewer"
        )
    if errors:
        raise ValidationError(errors)
    if not known:
        information = ""
    response = lock_first(AgencyResponse.objects.filter(case=case, seat=seat))
    if response is None:
        if expected_version not in (None, 0):
            raise StaleVersionError(
                "Someone else has changed this response since you opened it: check it and try again"
            )
        response = AgencyResponse.objects.create(
            case=case, seat=seat, known=known, information=information, recorded_by=actor
        )
        action = Action.CREATE
    else:
        if expected_version is not None and expected_version != response.version:
            raise StaleVersionError(
                "Someone else has changed this response since you opened it: check it and try again"
            )
        response.known = known
        response.information = information
        response.recorded_by = actor
        response.version += 1
        response.save()
        action = Action.UPDATE
    audit_record(
        actor=actor,
        action=action,
        target=response,
        detail={
            "case": case.pk,
            "seat": seat.pk,
            "meeting": meeting.pk,
            "known": known,
            "version": response.version,
        },
    )
    return response


# ---------------------------------------------------------------- the meeting: attendance and quorum
#
# Quorum (terms of reference): the chair or designated deputy present, with at least the
# panel's quorum of members (from the council pack; usually four). A member counts for
# their seat, a substitute for the seat they sit in; two people from one seat count once.
# Business support minuting the meeting (observers) never count. "Present" is now: arrived
# and not yet left.

MAX_TEXT = 5000
COUNTED_ROLES = (MeetingAttendance.Role.MEMBER, MeetingAttendance.Role.SUBSTITUTE)
CHAIR_ROLES = (MeetingAttendance.Role.CHAIR, MeetingAttendance.Role.DEPUTY)


class Inquorate(ValidationError):
    """The meeting is not quorate: nothing can be decided. The message says why."""


@dataclass(frozen=True)
class Quorum:
    is_quorate: bool
    chair_present: bool
    members_present: int
    needed: int
    explanation: str


def meeting_quorum(meeting: PanelMeeting) -> Quorum:
    present = MeetingAttendance.objects.filter(meeting=meeting, left_at__isnull=True)
    chair_present = present.filter(role__in=CHAIR_ROLES).exists()
    members = (
        present.filter(role__in=COUNTED_ROLES, seat__isnull=False)
        .values("seat_id")
        .distinct()
        .count()
    )
    needed = meeting.panel.quorum_members
    is_quorate = chair_present and members >= needed
    here = f"{members} member{'' if members == 1 else 's'} {'is' if members == 1 else 'are'} here"
    if is_quorate:
        explanation = f"Quorate: the chair or deputy and {members} members are here."
    else:
        missing = []
        if not chair_present:
            missing.append("the chair or deputy is not here")
        if members < needed:
            missing.append(here)
        explanation = (
            f"Not quorate: the chair or deputy and at least {needed} members must be "
            f"present. {'; '.join(missing)[0].upper()}{'; '.join(missing)[1:]}."
        )
    return Quorum(is_quorate, chair_present, members, needed, explanation)


def can_run_meeting(actor, panel: Panel) -> bool:
    """The chair or deputy, or business support (and team leaders) minuting the meeting."""
    return bool(
        actor.is_authenticated
        and actor.is_active
        and (actor.has_role(*INTAKE_ROLES) or actor.pk in (panel.chair_id, panel.deputy_id))
    )


def _require_runner(actor, panel: Panel) -> None:
    if not can_run_meeting(actor, panel):
        raise PermissionDenied("Only the chair, the deputy or business support can run the meeting")


def _require_chair(actor, panel: Panel) -> None:
    if actor.pk not in (panel.chair_id, panel.deputy_id):
        raise PermissionDenied("Only the panel's chair or deputy can do this")


def _running_meeting(meeting: PanelMeeting) -> PanelMeeting:
    meeting = PanelMeeting.objects.select_related("panel").get(pk=meeting.pk)
    if meeting.status not in (PanelMeeting.Status.SCHEDULED, PanelMeeting.Status.HELD):
        raise ValidationError(f"This meeting is {meeting.get_status_display().lower()}")
    if today() < meeting.date:
        raise ValidationError("This meeting has not started yet")
    return meeting


def _require_quorate(meeting: PanelMeeting) -> Quorum:
    quorum = meeting_quorum(meeting)
    if not quorum.is_quorate:
        raise Inquorate(quorum.explanation)
    return quorum


@transaction.atomic
def attendance_record_arrival(
    *, actor, meeting: PanelMeeting, user, role: str, seat: PanelSeat | None = None
) -> MeetingAttendance:
    """``user`` arrives at the meeting in ``role`` (for ``seat``, if a member or substitute)."""
    meeting = _running_meeting(meeting)
    panel = meeting.panel
    _require_runner(actor, panel)
    role = MeetingAttendance.Role(role)
    errors = {}
    if role == MeetingAttendance.Role.CHAIR and user.pk != panel.chair_id:
        errors["user"] = "Only the panel's chair can attend as chair"
    elif role == MeetingAttendance.Role.DEPUTY and user.pk != panel.deputy_id:
        errors["user"] = "Only the panel's designated deputy can attend as deputy"
    elif role in COUNTED_ROLES:
        if seat is None or seat.panel_id != panel.pk:
            errors["seat"] = "Choose the seat they sit in"
        elif not PanelSeatMember.objects.filter(seat=seat, user=user).exists():
            errors["user"] = f"They are not a member or substitute of the {seat.agency} seat"
    if role not in COUNTED_ROLES:
        seat = None
    if MeetingAttendance.objects.filter(meeting=meeting, user=user, left_at__isnull=True).exists():
        errors["user"] = f"{user.get_full_name() or user} is already recorded as here"
    if errors:
        raise ValidationError(errors)
    attendance = MeetingAttendance.objects.create(
        meeting=meeting, user=user, seat=seat, role=role, arrived_at=now(), recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=attendance,
        detail={"meeting": meeting.pk, "role": role.value, "seat": seat.pk if seat else None},
    )
    return attendance


@transaction.atomic
def attendance_record_departure(*, actor, meeting: PanelMeeting, user) -> MeetingAttendance:
    """``user`` leaves the meeting (a later arrival starts a new row)."""
    meeting = _running_meeting(meeting)
    _require_runner(actor, meeting.panel)
    attendance = lock_first(
        MeetingAttendance.objects.filter(meeting=meeting, user=user, left_at__isnull=True)
    )
    if attendance is None:
        raise ValidationError({"user": "They are not recorded as here"})
    attendance.left_at = now()
    attendance.save(update_fields=["left_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=attendance,
        detail={"meeting": meeting.pk, "change": "left"},
    )
    return attendance


# ---------------------------------------------------------------- decisions


def site_url(path: str) -> str:
    """An absolute link for a message: ``settings.SITE_URL`` (or the development server) + path."""
    from django.conf import settings

    base = (getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


# Where a panel case may go from each status. Every status change goes through
# ``_status_change``, which refuses anything not listed here and writes the history row.
# A referral can be withdrawn only before the panel has decided on it; once decided, the
# case ends through the panel's closure.
_S = PanelCase.Status
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.LOGGED: frozenset({_S.DECIDED, _S.CLOSED, _S.WITHDRAWN}),
    _S.DECIDED: frozenset({_S.ALLOCATED}),
    _S.ALLOCATED: frozenset({_S.CLOSURE_REQUESTED}),
    _S.CLOSURE_REQUESTED: frozenset({_S.CLOSED, _S.ALLOCATED}),
    _S.CLOSED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}


class CaseTransitionNotAllowed(ValidationError):
    """The case cannot move to that status from where it is (someone may have moved it first)."""


def _status_change(*, actor, case: PanelCase, to_status: str, reason: str = "") -> None:
    from_status = case.status
    if to_status not in CASE_TRANSITIONS.get(from_status, frozenset()):
        raise CaseTransitionNotAllowed(
            f"A case that is {PanelCase.Status(from_status).label.lower()} cannot become "
            f"{PanelCase.Status(to_status).label.lower()}"
        )
    case.status = to_status
    case.save(update_fields=["status", "updated_at"])
    PanelCaseHistory.objects.create(
        case=case,
        change=PanelCaseHistory.Change.STATUS,
        actor=actor,
        from_meeting=case.meeting,
        to_meeting=case.meeting,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:MAX_REASON],
    )


def _clean_text(value: str, name: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationError({name: f"{label} must be {MAX_TEXT} characters or fewer"})
    return value


def _validate_decision(
    *, kind, lead_agency, supporting_agencies, signpost_to, handover, reason
) -> dict:
    Kind = PanelDecision.Kind
    errors = {}
    if kind in (Kind.LEAD_AGENCY, Kind.SINGLE_AGENCY) and lead_agency is None:
        errors["lead_agency"] = (
            "Select the lead agency" if kind == Kind.LEAD_AGENCY else "Select the agency"
        )
    if kind == Kind.SIGNPOST and not signpost_to:
        errors["signpost_to"] = "Enter where the family is signposted to"
    if kind == Kind.SINGLE_AGENCY and not handover:
        errors["handover"] = "Enter the handover to the agency"
    if kind == Kind.DECLINE and not reason:
        errors["reason"] = "Enter why the referral is declined"
    if kind == Kind.STEP_UP and not reason:
        errors["reason"] = "Enter why the case steps up to children's social care"
    if kind == Kind.LEAD_AGENCY and lead_agency is not None and lead_agency in supporting_agencies:
        errors["supporting_agencies"] = "The lead agency cannot also be a supporting agency"
    return errors


def _agency_recipients(agency) -> list:
    """Who hears for an agency: its active team managers with an email address."""
    from accounts.models import User

    return list(
        User.objects.filter(agency=agency, is_active=True, role_grants__role=Role.TEAM_MANAGER)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _link_agency_team(*, actor, agency, family) -> str:
    """Give the lead agency's team in the family's area access to the family. Returns a note if not."""
    from core.models import Team

    teams = list(Team.objects.filter(agency=agency, area_id=family.area_id).order_by("pk"))
    if not teams:
        teams = list(Team.objects.filter(agency=agency, area__isnull=True).order_by("pk"))
    if len(teams) != 1:
        return (
            f"{agency.name} has no team for the family's area: its lead professional's team "
            "is given access when they are allocated"
            if not teams
            else f"{agency.name} has more than one team that could take the family: its lead "
            "professional's team is given access when they are allocated"
        )
    family_team_link(
        actor=actor, family=family, team=teams[0], reason="panel named the lead agency"
    )
    return ""


def _notify_decision(*, actor, decision: PanelDecision) -> list[str]:
    """Tell the referrer the outcome and send the referral to the agencies; returns notes."""
    from django.urls import reverse

    from core.notify import send_email

    case = decision.case
    referral = case.referral
    notes = []
    when = (
        decision.meeting.date
        if decision.meeting
        else timezone.localtime(decision.decided_at, calendar.LONDON).date()
    )
    referrer = referral.submitted_by
    if referrer.email:
        send_email(
            to=referrer.email,
            template="panel_outcome",
            personalisation={
                "reference": case.esmap_number,
                "outcome": decision.outcome,
                "meeting_date": f"{when:%-d %B %Y}",
                "sign_in_url": site_url(
                    reverse("assessments:detail", kwargs={"assessment_id": referral.assessment_id})
                ),
            },
            reference=case.esmap_number,
            record=decision,
        )
    else:
        notes.append("The referrer has no email address: tell them another way")
    agencies = []
    if decision.kind in (PanelDecision.Kind.LEAD_AGENCY, PanelDecision.Kind.SINGLE_AGENCY):
        agencies.append(decision.lead_agency)
        agencies.extend(decision.supporting_agencies.order_by("sort_order", "name"))
    for agency in agencies:
        recipients = _agency_recipients(agency)
        if agency == decision.lead_agency and decision.kind == PanelDecision.Kind.LEAD_AGENCY:
            path = reverse("panel:case_allocate", kwargs={"case_id": case.pk})
        else:
            path = reverse("panel:case_overview", kwargs={"case_id": case.pk})
        for user in recipients:
            send_email(
                to=user.email,
                template="referral_for_agency",
                personalisation={"reference": case.esmap_number, "sign_in_url": site_url(path)},
                reference=case.esmap_number,
                record=decision,
            )
        if not recipients:
            notes.append(
                f"{agency.name} has no team manager with an email address: send them the referral another way"
            )
    return notes


def _record_decision(
    *,
    actor,
    case: PanelCase,
    meeting: PanelMeeting | None,
    kind: str,
    lead_agency=None,
    supporting_agencies=(),
    signpost_to: str = "",
    handover: str = "",
    reason: str = "",
    discussion: str = "",
    actions: str = "",
    extraordinary: bool = False,
    reported_at_meeting: PanelMeeting | None = None,
) -> PanelDecision:
    kind = PanelDecision.Kind(kind)
    signpost_to = _clean_text(signpost_to, "signpost_to", "Where the family is signposted")
    handover = _clean_text(handover, "handover", "The handover")
    reason = _clean_text(reason, "reason", "The reason")
    discussion = _clean_text(discussion, "discussion", "The discussion notes")
    actions = _clean_text(actions, "actions", "The actions")
    supporting = list(supporting_agencies or [])
    errors = _validate_decision(
        kind=kind,
        lead_agency=lead_agency,
        supporting_agencies=supporting,
        signpost_to=signpost_to,
        handover=handover,
        reason=reason,
    )
    if errors:
        raise ValidationError(errors)
    if kind != PanelDecision.Kind.LEAD_AGENCY:
        supporting = []
    if kind not in (PanelDecision.Kind.LEAD_AGENCY, PanelDecision.Kind.SINGLE_AGENCY):
        lead_agency = None
    decision = PanelDecision.objects.create(
        case=case,
        meeting=meeting,
        kind=kind,
        lead_agency=lead_agency,
        signpost_to=signpost_to if kind == PanelDecision.Kind.SIGNPOST else "",
        handover=handover if kind == PanelDecision.Kind.SINGLE_AGENCY else "",
        reason=reason,
        discussion=discussion,
        actions=actions,
        decided_by=actor,
        decided_at=now(),
        is_extraordinary=extraordinary,
        reported_at_meeting=reported_at_meeting,
    )
    if supporting:
        decision.supporting_agencies.set(supporting)
    words = ("Extraordinary decision: " if extraordinary else "Panel decision: ") + decision.outcome
    if kind == PanelDecision.Kind.LEAD_AGENCY:
        _status_change(actor=actor, case=case, to_status=PanelCase.Status.DECIDED, reason=words)
    else:
        _status_change(actor=actor, case=case, to_status=PanelCase.Status.CLOSED, reason=words)
    notes = []
    if kind == PanelDecision.Kind.LEAD_AGENCY:
        note = _link_agency_team(actor=actor, agency=lead_agency, family=case.referral.family)
        if note:
            notes.append(note)
    notes += _notify_decision(actor=actor, decision=decision)
    if notes:
        decision.notification_note = "\n".join(notes)
        decision.save(update_fields=["notification_note"])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=decision,
        detail={
            "case": case.pk,
            "meeting": meeting.pk if meeting else None,
            "kind": kind.value,
            "lead_agency": lead_agency.pk if lead_agency else None,
            "supporting_agencies": [a.pk for a in supporting],
            "extraordinary": extraordinary,
            "status": case.status,
            "unsent": len(notes),
        },
    )
    return decision


@transaction.atomic
def panel_decision_record(
    *,
    actor,
    meeting: PanelMeeting,
    case: PanelCase,
    kind: str,
    lead_agency=None,
    supporting_agencies=(),
    signpost_to: str = "",
    handover: str = "",
    reason: str = "",
    discussion: str = "",
    actions: str = "",
) -> PanelDecision:
    """The panel's decision on a case on this meeting's agenda, recorded while quorate.

    Lead agency: the case waits for the lead agency to allocate a lead professional
    (DECIDED). Signpost, single agency, step up and decline close the panel's part
    (CLOSED). The referrer is told the outcome and the agencies are sent the referral,
    once the transaction commits.
    """
    meeting = _running_meeting(meeting)
    _require_runner(actor, meeting.panel)
    case = lock(PanelCase, case.pk)
    if case.meeting_id != meeting.pk or case.status != PanelCase.Status.LOGGED:
        raise ValidationError("This case is not waiting for a decision at this meeting")
    _require_quorate(meeting)
    return _record_decision(
        actor=actor,
        case=case,
        meeting=meeting,
        kind=kind,
        lead_agency=lead_agency,
        supporting_agencies=supporting_agencies,
        signpost_to=signpost_to,
        handover=handover,
        reason=reason,
        discussion=discussion,
        actions=actions,
    )


def next_meeting_after(panel_id: int, day: date) -> PanelMeeting | None:
    return (
        PanelMeeting.objects.filter(
            panel_id=panel_id, status=PanelMeeting.Status.SCHEDULED, date__gt=day
        )
        .order_by("date")
        .first()
    )


@transaction.atomic
def panel_extraordinary_decision_record(
    *,
    actor,
    case: PanelCase,
    kind: str,
    lead_agency=None,
    supporting_agencies=(),
    signpost_to: str = "",
    handover: str = "",
    reason: str = "",
    discussion: str = "",
    actions: str = "",
) -> PanelDecision:
    """The chair's (or deputy's) decision between meetings, reported at the next meeting."""
    case = lock(PanelCase, case.pk, select_related=("panel",))
    _require_chair(actor, case.panel)
    if case.status != PanelCase.Status.LOGGED:
        raise ValidationError("This case already has a decision")
    report_to = next_meeting_after(case.panel_id, today())
    return _record_decision(
        actor=actor,
        case=case,
        meeting=None,
        kind=kind,
        lead_agency=lead_agency,
        supporting_agencies=supporting_agencies,
        signpost_to=signpost_to,
        handover=handover,
        reason=reason,
        discussion=discussion,
        actions=actions,
        extraordinary=True,
        reported_at_meeting=report_to,
    )


# ---------------------------------------------------------------- after: allocation and closure

LEAD_PROFESSIONAL_ROLES = (Role.PRACTITIONER, Role.LEAD_PROFESSIONAL)


def lead_professional_choices(agency):
    from accounts.models import User

    return (
        User.objects.filter(
            agency=agency, is_active=True, role_grants__role__in=LEAD_PROFESSIONAL_ROLES
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def can_allocate(actor, case: PanelCase) -> bool:
    decision = getattr(case, "decision", None)
    if decision is None or decision.kind != PanelDecision.Kind.LEAD_AGENCY:
        return False
    return bool(
        actor.is_authenticated
        and actor.is_active
        and (
            actor.has_role(Role.BUSINESS_SUPPORT)
            or (actor.agency_id and actor.agency_id == decision.lead_agency_id)
        )
    )


@transaction.atomic
def lead_professional_allocate(
    *, actor, case: PanelCase, lead_professional
) -> LeadProfessionalAllocation:
    """The lead agency names its lead professional: the case is ALLOCATED.

    The lead professional's team starts working with the family so they can see it.
    """
    case = lock(PanelCase, case.pk, select_related=("referral__family",))
    if not can_allocate(actor, case):
        raise PermissionDenied(
            "Only the lead agency or business support can allocate the lead professional"
        )
    decision = case.decision
    if case.status != PanelCase.Status.DECIDED:
        raise ValidationError("This case is not waiting for a lead professional")
    if not lead_professional_choices(decision.lead_agency).filter(pk=lead_professional.pk).exists():
        raise ValidationError(
            {
                "lead_professional": f"Choose a practitioner or lead professional of {decision.lead_agency.name}"
            }
        )
    allocation = LeadProfessionalAllocation.objects.create(
        case=case,
        agency=decision.lead_agency,
        lead_professional=lead_professional,
        allocated_by=actor,
        allocated_at=now(),
    )
    family_team_link(
        actor=actor,
        family=case.referral.family,
        team=lead_professional.team,
        reason="lead professional allocated",
    )
    _status_change(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.ALLOCATED,
        reason=f"Lead professional allocated by {decision.lead_agency.name}",
    )
    handoffs.receiver().case_allocated(
        actor=actor,
        case=case,
        lead_professional=lead_professional,
        lead_agency=decision.lead_agency,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=allocation,
        detail={
            "case": case.pk,
            "agency": decision.lead_agency_id,
            "lead_professional": lead_professional.pk,
        },
    )
    return allocation


@transaction.atomic
def lead_professional_handover(
    *, actor, case: PanelCase, lead_professional, agency=None
) -> LeadProfessionalAllocation:
    """Record that an allocated case has a new lead professional (casework's handover calls this),
    so the panel's record, and who may send the closure form, follow the work."""
    case = lock(PanelCase, case.pk)
    if case.status != PanelCase.Status.ALLOCATED:
        raise ValidationError("Only an allocated case can be handed to another lead professional")
    current = case.allocations.order_by("-allocated_at", "-pk").first()
    allocation = LeadProfessionalAllocation.objects.create(
        case=case,
        agency=agency or (current.agency if current else lead_professional.agency),
        lead_professional=lead_professional,
        allocated_by=actor,
        allocated_at=now(),
    )
    PanelCaseHistory.objects.create(
        case=case,
        change=PanelCaseHistory.Change.STATUS,
        actor=actor,
        from_meeting=case.meeting,
        to_meeting=case.meeting,
        from_status=case.status,
        to_status=case.status,
        reason="Handed to another lead professional",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=allocation,
        detail={"case": case.pk, "handover": True},
    )
    return allocation


def current_lead_professional(case: PanelCase):
    allocation = case.allocations.order_by("-allocated_at", "-pk").first()
    return allocation.lead_professional if allocation else None


@transaction.atomic
def closure_request_submit(*, actor, case: PanelCase, summary: str) -> ClosureRequest:
    """The lead professional sends the case closure form: it goes on the next meeting's agenda."""
    case = lock(PanelCase, case.pk)
    lead = current_lead_professional(case)
    if lead is None or lead.pk != actor.pk:
        raise PermissionDenied("Only the case's lead professional can ask the panel to close it")
    if case.status != PanelCase.Status.ALLOCATED:
        raise ValidationError("This case cannot be put forward for closure now")
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": "Enter why the work with the family is done"})
    if len(summary) > MAX_TEXT:
        raise ValidationError({"summary": f"The summary must be {MAX_TEXT} characters or fewer"})
    meeting = next_meeting_after(case.panel_id, today())
    closure = ClosureRequest.objects.create(
        case=case, requested_by=actor, requested_at=now(), summary=summary, meeting=meeting
    )
    if meeting is not None:
        case.meeting = meeting
        case.placement_reason = ""
    else:
        case.placement_reason = NO_MEETING
    case.save(update_fields=["meeting", "placement_reason", "updated_at"])
    _status_change(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.CLOSURE_REQUESTED,
        reason="Case closure form sent to the panel",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=closure,
        detail={"case": case.pk, "meeting": meeting.pk if meeting else None},
    )
    return closure


def _pending_closure(closure: ClosureRequest) -> ClosureRequest:
    closure = lock(ClosureRequest, closure.pk)
    if closure.status != ClosureRequest.Status.PENDING:
        raise ValidationError("The panel has already decided this closure")
    return closure


@transaction.atomic
def closure_confirm(*, actor, closure: ClosureRequest) -> ClosureRequest:
    """The panel is satisfied no more work is needed: the case is CLOSED."""
    closure = _pending_closure(closure)
    case = lock(PanelCase, closure.case_id)
    if case.meeting_id is None:
        raise ValidationError("This closure is not on a meeting's agenda")
    meeting = _running_meeting(case.meeting)
    _require_chair(actor, meeting.panel)
    _require_quorate(meeting)
    closure.status = ClosureRequest.Status.CONFIRMED
    closure.decided_at = now()
    closure.decided_by = actor
    closure.decided_at_meeting = meeting
    closure.save(update_fields=["status", "decided_at", "decided_by", "decided_at_meeting"])
    _status_change(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.CLOSED,
        reason="Closure confirmed by the panel",
    )
    handoffs.receiver().closure_confirmed(actor=actor, case=case)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=closure,
        detail={"case": case.pk, "status": "confirmed"},
    )
    return closure


@transaction.atomic
def closure_return(*, actor, closure: ClosureRequest, reason: str) -> ClosureRequest:
    """The panel is not yet satisfied: the case goes back to the lead professional, with why."""
    from django.urls import reverse

    from core.notify import send_email

    reason = _clean_reason(reason)
    closure = _pending_closure(closure)
    case = lock(PanelCase, closure.case_id)
    if case.meeting_id is None:
        raise ValidationError("This closure is not on a meeting's agenda")
    meeting = _running_meeting(case.meeting)
    _require_chair(actor, meeting.panel)
    _require_quorate(meeting)
    closure.status = ClosureRequest.Status.RETURNED
    closure.decided_at = now()
    closure.decided_by = actor
    closure.decided_at_meeting = meeting
    closure.return_reason = reason
    closure.save(
        update_fields=["status", "decided_at", "decided_by", "decided_at_meeting", "return_reason"]
    )
    _status_change(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.ALLOCATED,
        reason=f"Closure returned: {reason}",
    )
    handoffs.receiver().closure_returned(actor=actor, case=case, reason=reason)
    lead = closure.requested_by
    if lead.email:
        send_email(
            to=lead.email,
            template="closure_returned",
            personalisation={
                "reference": case.esmap_number,
                "sign_in_url": site_url(reverse("panel:case_closure", kwargs={"case_id": case.pk})),
            },
            reference=case.esmap_number,
            record=closure,
        )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=closure,
        detail={"case": case.pk, "status": "returned"},
    )
    return closure
