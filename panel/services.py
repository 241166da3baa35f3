"""Writes for the panel (keyword-only, transactional, audited) and the meeting look-ups referrals use.

Every write runs in ``transaction.atomic`` and writes its audit event in the same
transaction (``core.audit.audit_record``). Cancelling or moving a meeting also writes
one append-only ``PanelMeetingHistory`` row.

Carrying cases forward
----------------------
There are no referral or agenda models yet. When they arrive, a referral placed on a
meeting that is then cancelled or moved goes with it: a moved meeting's cases go to the
meeting it moved to (``moved_to``), a cancelled meeting's cases to the next scheduled
meeting after it. ``carry_forward_target(meeting)`` answers "where do this meeting's
cases go now?"; the referral step should call it inside ``meeting_cancel`` /
``meeting_move``'s transaction (or straight after, in the same one) to re-place them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import Action, audit_record
from panel import calendar
from panel.models import Panel, PanelMeeting, PanelMeetingHistory, PanelSeat, PanelSeatMember

MAX_REASON = 1000


def today() -> date:
    """Today in Europe/London (a function so tests can fix it)."""
    return timezone.localdate(timezone=calendar.LONDON)


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
    locked = PanelMeeting.objects.select_for_update().select_related("panel").get(pk=meeting.pk)
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
