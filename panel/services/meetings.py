"""A panel's calendar: scheduling its year, and cancelling or moving a meeting.

Cancelling or moving a meeting writes one append-only ``PanelMeetingHistory`` row, and its open
cases go with it: a moved meeting's to the meeting it moved to (``moved_to``), a cancelled
meeting's to the next scheduled meeting after it (``selectors.carry_forward_target``). Each case
moved gets a ``PanelCaseHistory`` row; the chair's extraordinary decisions waiting to be reported
at the meeting go with its cases.

A moved meeting is the same meeting on another day: its pack, once published, stays published
(members keep reading what they were sent, and their agencies' responses stay with the cases).
"""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock, lock_all
from core.errors import ConflictError
from panel import calendar, selectors
from panel.models import Panel, PanelCase, PanelCaseHistory, PanelDecision, PanelMeeting
from panel.services.common import clean_reason, require
from panel.services.workflows import meeting_move_status

NO_LATER_MEETING = "Its meeting was cancelled or moved and no later meeting is scheduled"
# Statuses of cases still waiting on (or being reported to) a meeting: they move with it.
OPEN_STATUSES = (
    PanelCase.Status.LOGGED,
    PanelCase.Status.DECIDED,
    PanelCase.Status.ALLOCATED,
    PanelCase.Status.CLOSURE_REQUESTED,
)


class LateMoveNotConfirmed(ValidationError):
    """The new date's referral cut-off or publication deadline has passed and the person has not
    confirmed the move knowing what that means (``warnings``, from ``selectors.move_warnings``)."""

    def __init__(self, warnings: list[str]):
        super().__init__({"new_date": warnings}, code="confirm")
        self.warnings = warnings


MANAGERS_ONLY = "Only business support, a team leader or the panel's chair or deputy can do this"


@transaction.atomic
def panel_schedule_year(*, actor, panel: Panel, year: int) -> list[PanelMeeting]:
    """Create the year's meetings that do not exist yet; returns the ones created.

    Idempotent: a date that already has a meeting (scheduled, held, cancelled or moved
    away) is left alone, so running it again, or after a meeting was cancelled or
    moved, changes nothing. Existing meetings are not updated if the panel's times change.
    """
    if not panel.active:
        raise ConflictError("This panel is not active")
    cal = panel.calendar
    existing = set(
        PanelMeeting.objects.filter(panel=panel, date__year=year).values_list("date", flat=True)
    )
    created = []
    for slot in cal.slots(year):
        if slot.date in existing:
            continue
        meeting = PanelMeeting(
            panel=panel,
            date=slot.date,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            location=panel.location,
            referral_cutoff=slot.cutoff,
            publish_by=slot.publish_by,
        )
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


def _lock_for_change(actor, meeting: PanelMeeting) -> PanelMeeting:
    locked = lock(PanelMeeting, meeting.pk, select_related=("panel",))
    require("panel.manage_calendar", actor, locked.panel, MANAGERS_ONLY)
    return locked


def _check_scheduled(meeting: PanelMeeting) -> None:
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        raise ConflictError(
            f"This meeting is {meeting.get_status_display().lower()}: only scheduled meetings can be changed"
        )


@transaction.atomic
def meeting_cancel(*, actor, meeting: PanelMeeting, reason: str) -> PanelMeeting:
    """Cancel a scheduled meeting. Its cases go to the next scheduled meeting (``carry_forward_target``)."""
    meeting = _lock_for_change(actor, meeting)
    reason = clean_reason(reason)
    _check_scheduled(meeting)
    meeting.cancelled_reason = reason
    meeting_move_status(
        actor=actor,
        meeting=meeting,
        to_status=PanelMeeting.Status.CANCELLED,
        reason=reason,
        fields=("cancelled_reason",),
        audit_detail={"change": "cancelled", "panel": meeting.panel_id},
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
    late_confirmed: bool = False,
) -> PanelMeeting:
    """Move a scheduled meeting to another day; returns the new meeting.

    The old meeting stays (status MOVED, ``moved_to`` the new one) so the year's
    calendar and the history show what happened; its cases go with it. The new
    meeting's referral cut-off and publication deadline are worked out for its new date
    (``selectors.move_warnings`` says what it means when they have passed already). A
    published pack moves with the meeting: the new meeting is published as the old one was,
    so members are not asked to wait for a pack they already have.

    Moving to a date whose cut-off or publication deadline has passed is refused
    (``LateMoveNotConfirmed``, with what it means) unless ``late_confirmed``.
    """
    meeting = _lock_for_change(actor, meeting)
    reason = clean_reason(reason)
    _check_scheduled(meeting)
    panel = meeting.panel
    errors = {}
    if new_date == meeting.date:
        errors["new_date"] = "Enter a different date from the one the meeting is on now"
    elif new_date < clock.today():
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
    warnings = selectors.move_warnings(meeting, new_date)
    if warnings and not late_confirmed:
        raise LateMoveNotConfirmed(warnings)
    old_local_start = clock.local(meeting.starts_at).time()
    slot = panel.calendar.slot(new_date, new_start_time or old_local_start)
    new_meeting = PanelMeeting.objects.create(
        panel=panel,
        date=new_date,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        location=meeting.location if location is None else location,
        referral_cutoff=slot.cutoff,
        publish_by=slot.publish_by,
        pack_published_at=meeting.pack_published_at,
        pack_published_by=meeting.pack_published_by,
    )
    meeting.moved_to = new_meeting
    meeting_move_status(
        actor=actor,
        meeting=meeting,
        to_status=PanelMeeting.Status.MOVED,
        reason=reason,
        fields=("moved_to",),
        audit_detail={"change": "moved", "panel": panel.pk, "moved_to": new_meeting.pk},
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=new_meeting,
        detail={
            "moved_from": meeting.pk,
            "pack_published": new_meeting.pack_published,
            "deadlines_passed": len(warnings),
        },
    )
    meeting_carry_forward_cases(actor=actor, meeting=meeting)
    return new_meeting


@transaction.atomic
def meeting_carry_forward_cases(*, actor, meeting: PanelMeeting) -> list[PanelCase]:
    """Move a cancelled or moved meeting's open cases to ``carry_forward_target(meeting)``.

    Returns the cases moved. A meeting that is still scheduled or held keeps its cases. The
    chair's extraordinary decisions waiting to be reported at the meeting are reported at the
    target instead (left unreported, with nothing to go to, until a meeting is scheduled).
    """
    meeting = PanelMeeting.objects.get(pk=meeting.pk)
    target = selectors.carry_forward_target(meeting)
    if target is not None and target.pk == meeting.pk:
        return []
    if target is not None:
        reported = PanelDecision.objects.filter(reported_at_meeting=meeting).update(
            reported_at_meeting=target
        )
        if reported:
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                target="panel.paneldecision",
                detail={
                    "change": "report_carried_forward",
                    "from_meeting": meeting.pk,
                    "to_meeting": target.pk,
                    "count": reported,
                },
            )
    cases = lock_all(PanelCase.objects.filter(meeting=meeting, status__in=OPEN_STATUSES))
    why = {
        PanelMeeting.Status.CANCELLED: "Meeting cancelled",
        PanelMeeting.Status.NOT_HELD: "Meeting not held",
    }.get(meeting.status, "Meeting moved")
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
