"""Panels, their seats, the members who sit in them, and the chair and deputy."""

from __future__ import annotations

from datetime import date, time

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.errors import ConflictError
from panel import calendar, selectors
from panel.models import AgencyResponse, MeetingAttendance, Panel, PanelSeat, PanelSeatMember

SEAT_HAS_MEMBERS = "Remove the seat’s members and substitutes before you remove the seat"
SEAT_HAS_RECORDS = (
    "This seat has answered for cases or attended meetings, so it stays on the panel’s record"
)
NOT_OF_THE_AGENCY = "Choose someone from {agency}"
NOT_ACTIVE = "Choose someone whose account is active"
STALE_SETTINGS = (
    "Someone else changed this panel’s settings while you were editing them: check them and "
    "make your changes again"
)
RHYTHM_AFTER_MEETINGS = (
    "A new rhythm must start after the panel’s last meeting on the calendar ({day}): "
    "cancel or move the later meetings first"
)
ALREADY_IN_SEAT = "They already sit in that seat"
NOT_THE_AGENCYS_SEAT = "Choose a seat for {agency}"
PANEL_NOT_ACTIVE = "Choose a panel that is active"
# What ``panel_change`` may change (the chair and deputy have their own page and service).
SETTINGS_FIELDS = (
    "name",
    "area",
    "weekday",
    "first_meeting_date",
    "start_time",
    "end_time",
    "location",
    "cutoff_days",
    "publication_working_days",
    "quorum_members",
    "active",
)


def _require_manage(actor, panel: Panel | None) -> None:
    if not rules.has_perm("panel.manage_membership", actor, panel):
        raise PermissionDenied


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
    quorum_members: int | None = None,
) -> Panel:
    """A new panel. ``weekday`` defaults to the first meeting's weekday (Wednesday in the terms of
    reference). For the council's system administrators and business support
    (``panel.manage_membership``); the council pack's loader (``panel.council_pack``) upserts
    the pack's panels itself, as the pack's own set-up, not through this service."""
    _require_manage(actor, None)
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
    if quorum_members is not None:
        panel.quorum_members = quorum_members
    panel.full_clean()
    panel.save()
    audit_record(actor=actor, action=Action.CREATE, target=panel, detail={"area": bool(area)})
    return panel


@transaction.atomic
def panel_seat_add(*, actor, panel: Panel, agency) -> PanelSeat:
    _require_manage(actor, panel)
    lock(Panel, panel.pk)
    if agency is None:
        raise ValidationError({"agency": "Select the agency"})
    if PanelSeat.objects.filter(panel=panel, agency=agency).exists():
        raise ValidationError({"agency": "That agency already has a seat on this panel"})
    seat = PanelSeat.objects.create(panel=panel, agency=agency)
    audit_record(actor=actor, action=Action.CREATE, target=seat, detail={"panel": panel.pk})
    return seat


@transaction.atomic
def panel_seat_member_add(
    *, actor, seat: PanelSeat, user, is_substitute: bool = False
) -> PanelSeatMember:
    """Name ``user`` as a member (or substitute) of the seat: someone active, of the seat's agency."""
    _require_manage(actor, seat.panel)
    seat = lock(PanelSeat, seat.pk)
    if user is None:
        raise ValidationError({"user": "Select who sits in the seat"})
    if not user.is_active:
        raise ValidationError({"user": NOT_ACTIVE})
    if user.agency_id != seat.agency_id:
        raise ValidationError({"user": NOT_OF_THE_AGENCY.format(agency=seat.agency.name)})
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
    _require_manage(actor, panel)
    for field, person in (("chair", chair), ("deputy", deputy)):
        if person is not None and not person.is_active:
            raise ValidationError({field: NOT_ACTIVE})
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


@transaction.atomic
def panel_seat_remove(*, actor, seat: PanelSeat) -> None:
    """Take an agency's seat off the panel: refused while anyone sits in it (remove them first),
    and for a seat that has answered for a case or attended a meeting, whose record must stay."""
    _require_manage(actor, seat.panel)
    locked = lock(PanelSeat, seat.pk)
    if PanelSeatMember.objects.filter(seat=locked).exists():
        raise ConflictError({"seat": SEAT_HAS_MEMBERS})
    if (
        AgencyResponse.objects.filter(seat=locked).exists()
        or MeetingAttendance.objects.filter(seat=locked).exists()
    ):
        raise ConflictError({"seat": SEAT_HAS_RECORDS})
    audit_record(
        actor=actor,
        action=Action.DELETE,
        target=locked,
        detail={"panel": locked.panel_id, "agency": locked.agency_id},
    )
    locked.delete()


@transaction.atomic
def panel_seat_member_remove(*, actor, member: PanelSeatMember) -> None:
    """Take a member or substitute off their seat. A meeting's attendance keeps the person and
    the seat they sat for, so a running or past meeting's record and quorum are unchanged."""
    _require_manage(actor, member.seat.panel)
    locked = lock(PanelSeatMember, member.pk)
    audit_record(
        actor=actor,
        action=Action.DELETE,
        target=locked,
        detail={
            "panel": member.seat.panel_id,
            "seat": locked.seat_id,
            "is_substitute": locked.is_substitute,
        },
    )
    locked.delete()


@transaction.atomic
def panel_change(*, actor, panel: Panel, expected_version: str, **fields) -> Panel:
    """Change a panel's settings (any of ``SETTINGS_FIELDS``); returns the panel as saved.

    ``expected_version`` is ``selectors.panel_settings_version`` of the panel as the editor read
    it: if its settings changed since (another editor, or the council pack re-loaded), nothing is
    saved (``StaleVersionError``). Meetings already on the calendar keep their dates, times,
    place and deadlines (``panel_schedule_year`` never updates them): the new settings apply to
    the meetings scheduled from now on. So that the two rhythms never overlap, a new weekday or
    fortnight must start after the panel's last meeting that is not cancelled or moved.
    Setting ``active`` to False retires the panel: it takes no new referrals and no new year
    of meetings (``selectors.panel_for_family``, ``meeting_for_referral``, ``panel_schedule_year``).
    """
    _require_manage(actor, panel)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"panel_change() cannot change {', '.join(sorted(unknown))}")
    locked = lock(Panel, panel.pk)
    if selectors.panel_settings_version(locked) != expected_version:
        raise StaleVersionError(STALE_SETTINGS)
    if isinstance(fields.get("name"), str):
        fields["name"] = fields["name"].strip()
    if isinstance(fields.get("location"), str):
        fields["location"] = fields["location"].strip()
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    old_anchor = locked.first_meeting_date
    for name in changed:
        setattr(locked, name, fields[name])
    locked.full_clean()
    new_anchor = locked.first_meeting_date
    if new_anchor != old_anchor and (
        new_anchor.weekday() != old_anchor.weekday() or (new_anchor - old_anchor).days % 14
    ):
        last = selectors.panel_last_meeting_date(locked)
        if last is not None and new_anchor <= last:
            raise ValidationError(
                {"first_meeting_date": RHYTHM_AFTER_MEETINGS.format(day=f"{last.day} {last:%B %Y}")}
            )
    locked.save(update_fields=changed)
    audit_record(actor=actor, action=Action.UPDATE, target=locked, detail={"fields": changed})
    return locked


@transaction.atomic
def panel_seat_member_move(
    *, actor, member: PanelSeatMember, to_seat: PanelSeat
) -> PanelSeatMember:
    """Move a member (or substitute, who stays one) to their agency's seat on another panel.

    One change, in one transaction: they leave their seat as they join the other. A meeting's
    attendance keeps the person and the seat they sat for, so past meetings are unchanged.
    """
    _require_manage(actor, member.seat.panel)
    _require_manage(actor, to_seat.panel)
    locked = lock(PanelSeatMember, member.pk, select_related=("seat", "seat__agency", "user"))
    target = lock(PanelSeat, to_seat.pk, select_related=("panel", "agency"))
    if target.pk == locked.seat_id:
        raise ValidationError({"to_seat": ALREADY_IN_SEAT})
    if target.agency_id != locked.seat.agency_id:
        raise ValidationError(
            {"to_seat": NOT_THE_AGENCYS_SEAT.format(agency=locked.seat.agency.name)}
        )
    if not target.panel.active:
        raise ValidationError({"to_seat": PANEL_NOT_ACTIVE})
    if PanelSeatMember.objects.filter(seat=target, user_id=locked.user_id).exists():
        raise ValidationError({"to_seat": ALREADY_IN_SEAT})
    if not locked.user.is_active:
        raise ValidationError({"to_seat": "Their account is not active: remove them instead"})
    from_seat = locked.seat
    locked.seat = target
    locked.save(update_fields=["seat"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={
            "from_panel": from_seat.panel_id,
            "from_seat": from_seat.pk,
            "to_panel": target.panel_id,
            "to_seat": target.pk,
            "is_substitute": locked.is_substitute,
        },
    )
    return locked
