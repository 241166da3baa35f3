"""The pack and the agencies' responses.

``meeting_publish_pack`` publishes a meeting's agenda and referrals to its members;
``agency_response_record`` is the only write a panel member can make.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock, lock_first
from core.errors import ConflictError
from panel.models import AgencyResponse, PanelCase, PanelMeeting, PanelSeat
from panel.services.common import MAX_INFORMATION, require

SEAT_MEMBERS_ONLY = "Only a member of that seat can record its agency's response"
STALE_RESPONSE = (
    "Someone else has changed this response since you opened it: check it and try again"
)


@transaction.atomic
def meeting_publish_pack(*, actor, meeting: PanelMeeting) -> PanelMeeting:
    """Publish a scheduled meeting's agenda and referrals to its members (once)."""
    meeting = lock(PanelMeeting, meeting.pk, select_related=("panel",))
    require(
        "panel.publish_pack",
        actor,
        meeting.panel,
        "Only business support, a team leader or the chair can publish the pack",
    )
    if meeting.status != PanelMeeting.Status.SCHEDULED:
        raise ConflictError(
            f"This meeting is {meeting.get_status_display().lower()}: only a scheduled meeting's pack can be published"
        )
    if meeting.pack_published_at is not None:
        raise ConflictError("The pack for this meeting has already been published")
    meeting.pack_published_at = clock.now()
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
    if seat.panel_id != case.panel_id:
        raise PermissionDenied(SEAT_MEMBERS_ONLY)
    require("panel.respond_for_agency", actor, seat, SEAT_MEMBERS_ONLY)
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
    meeting = case.meeting
    if meeting is None or meeting.pack_published_at is None:
        raise ConflictError("The pack for this case's meeting has not been published yet")
    if meeting.status != PanelMeeting.Status.SCHEDULED or clock.today() > meeting.date:
        raise ConflictError("Responses for this meeting are closed")
    if not known:
        information = ""
    response = lock_first(AgencyResponse.objects.filter(case=case, seat=seat))
    if response is None:
        if expected_version not in (None, 0):
            raise StaleVersionError(STALE_RESPONSE)
        response = AgencyResponse.objects.create(
            case=case, seat=seat, known=known, information=information, recorded_by=actor
        )
        action = Action.CREATE
    else:
        if expected_version is not None and expected_version != response.version:
            raise StaleVersionError(STALE_RESPONSE)
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
