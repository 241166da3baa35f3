"""Panels, their seats, the members who sit in them, and the chair and deputy."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import Action, audit_record
from core.concurrency import lock
from panel import calendar
from panel.models import Panel, PanelSeat, PanelSeatMember


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
