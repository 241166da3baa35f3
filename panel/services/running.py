"""Running the meeting: who is here (attendance and quorum), and the panel's decisions.

Nothing is decided while the meeting is inquorate (``selectors.meeting_quorum``). The chair or
deputy may also decide between meetings (an extraordinary decision), reported at the next one.
"""

from __future__ import annotations

from datetime import date

import rules
from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock, lock_first
from core.errors import ConflictError
from directory.models import Service
from offer import selectors as offer_selectors
from offer import services as offer_services
from offer.models import Referral
from panel import chronology, selectors
from panel.models import (
    MeetingAttendance,
    PanelCase,
    PanelDecision,
    PanelMeeting,
    PanelSeat,
    PanelSeatMember,
)
from panel.services.common import clean_text, require
from panel.services.notifications import notify_decision
from panel.services.workflows import case_move
from people.services import family_team_link
from support_requests.models import SupportRequest
from support_requests.services import support_request_follow_case

RUNNERS_ONLY = "Only the chair, the deputy or business support can run the meeting"
CHAIR_ONLY = "Only the panel's chair or deputy can do this"


class Inquorate(ConflictError):
    """The meeting is not quorate: nothing can be decided. The message says why."""


def running_meeting(meeting: PanelMeeting) -> PanelMeeting:
    """The meeting afresh, if it is under way (scheduled or held, and its day has come)."""
    meeting = PanelMeeting.objects.select_related("panel").get(pk=meeting.pk)
    if meeting.status not in (PanelMeeting.Status.SCHEDULED, PanelMeeting.Status.HELD):
        raise ConflictError(f"This meeting is {meeting.get_status_display().lower()}")
    if clock.today() < meeting.date:
        raise ConflictError("This meeting has not started yet")
    return meeting


def require_quorate(meeting: PanelMeeting) -> selectors.Quorum:
    quorum = selectors.meeting_quorum(meeting)
    if not quorum.is_quorate:
        raise Inquorate(quorum.explanation)
    return quorum


@transaction.atomic
def attendance_record_arrival(
    *, actor, meeting: PanelMeeting, user, role: str, seat: PanelSeat | None = None
) -> MeetingAttendance:
    """``user`` arrives at the meeting in ``role`` (for ``seat``, if a member or substitute)."""
    meeting = running_meeting(meeting)
    panel = meeting.panel
    require("panel.run_meeting", actor, panel, RUNNERS_ONLY)
    role = MeetingAttendance.Role(role)
    errors = {}
    if role == MeetingAttendance.Role.CHAIR and user.pk != panel.chair_id:
        errors["user"] = "Only the panel's chair can attend as chair"
    elif role == MeetingAttendance.Role.DEPUTY and user.pk != panel.deputy_id:
        errors["user"] = "Only the panel's designated deputy can attend as deputy"
    elif role in selectors.COUNTED_ROLES:
        if seat is None or seat.panel_id != panel.pk:
            errors["seat"] = "Choose the seat they sit in"
        elif not PanelSeatMember.objects.filter(seat=seat, user=user).exists():
            errors["user"] = f"They are not a member or substitute of the {seat.agency} seat"
    if role not in selectors.COUNTED_ROLES:
        seat = None
    if MeetingAttendance.objects.filter(meeting=meeting, user=user, left_at__isnull=True).exists():
        errors["user"] = f"{user.get_full_name() or user} is already recorded as here"
    if errors:
        raise ValidationError(errors)
    attendance = MeetingAttendance.objects.create(
        meeting=meeting, user=user, seat=seat, role=role, arrived_at=clock.now(), recorded_by=actor
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
    meeting = running_meeting(meeting)
    require("panel.run_meeting", actor, meeting.panel, RUNNERS_ONLY)
    attendance = lock_first(
        MeetingAttendance.objects.filter(meeting=meeting, user=user, left_at__isnull=True)
    )
    if attendance is None:
        raise ValidationError({"user": "They are not recorded as here"})
    attendance.left_at = clock.now()
    attendance.save(update_fields=["left_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=attendance,
        detail={"meeting": meeting.pk, "change": "left"},
    )
    return attendance


# ---------------------------------------------------------------- decisions


def _validate_decision(
    *, kind, lead_agency, supporting_agencies, signpost_to, handover, reason, service=None
) -> dict:
    Kind = PanelDecision.Kind
    errors = {}
    if service is not None and kind in (Kind.SIGNPOST, Kind.SINGLE_AGENCY):
        if offer_selectors.pickable_service(service.pk) is None:
            errors["signpost_service"] = SERVICE_NOT_IN_DIRECTORY
        # A service from the directory names where the family goes: no need to type it.
        signpost_to = signpost_to or service.name
        handover = handover or service.name
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


SERVICE_NOT_IN_DIRECTORY = "Choose a service from the directory"
CANNOT_REFER = (
    "Only staff who work with families can hand a family over to a service in the directory. "
    "Type the service instead"
)
# Where the offer app's refusals show on the decision form and in the API.
_REFERRAL_FIELDS = {
    "service": "signpost_service",
    "people": "signpost_service",
    "handover_to": "handover_to",
    "handover_on": "handover_on",
}


def _hand_over(*, actor, case: PanelCase, decision: PanelDecision, handover: dict) -> Referral:
    """A signpost or single-agency decision to a directory service: hand over to the offer app
    (one explicit call, in this transaction), for the children the referral to the panel is
    about (else the whole family)."""
    family = case.referral.family
    people = [
        child.person for child in case.referral.assessment.children.select_related("person")
    ] or offer_selectors.family_members(family)
    try:
        return offer_services.referral_make(
            actor=actor,
            family=family,
            service=handover["service"],
            people=people,
            source=Referral.Source.PANEL,
            source_type="panel_case",
            source_id=str(case.pk),
            handover_to=handover.get("handover_to", ""),
            handover_on=handover.get("handover_on"),
            agreed_with_family=bool(handover.get("agreed_with_family")),
            reason=f"Panel decision ({case.esmap_number}): {decision.outcome}",
        )
    except ValidationError as error:
        raise ValidationError(
            {_REFERRAL_FIELDS.get(k, "signpost_service"): v for k, v in error.message_dict.items()}
        ) from error


def _link_agency_team(*, actor, agency, family) -> str:
    """Give the lead agency's team in the family's area access to the family. Returns a note if not."""
    teams = selectors.agency_teams_for_family(agency, family)
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
    signpost_service: Service | None = None,
    handover_to: str = "",
    handover_on: date | None = None,
    agreed_with_family: bool = False,
) -> PanelDecision:
    kind = PanelDecision.Kind(kind)
    hands_over = signpost_service is not None and kind in (
        PanelDecision.Kind.SIGNPOST,
        PanelDecision.Kind.SINGLE_AGENCY,
    )
    signpost_to = clean_text(signpost_to, "signpost_to", "Where the family is signposted")
    handover = clean_text(handover, "handover", "The handover")
    reason = clean_text(reason, "reason", "The reason")
    discussion = clean_text(discussion, "discussion", "The discussion notes")
    actions = clean_text(actions, "actions", "The actions")
    supporting = list(supporting_agencies or [])
    errors = _validate_decision(
        kind=kind,
        lead_agency=lead_agency,
        supporting_agencies=supporting,
        signpost_to=signpost_to,
        handover=handover,
        reason=reason,
        service=signpost_service if hands_over else None,
    )
    if hands_over and not rules.has_perm("offer.refer_for_panel", actor):
        errors["signpost_service"] = CANNOT_REFER
    if errors:
        raise ValidationError(errors)
    if hands_over:
        signpost_to = signpost_to or signpost_service.name
        handover = handover or ", ".join(
            part for part in (signpost_service.name, handover_to.strip()) if part
        )
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
        decided_at=clock.now(),
        is_extraordinary=extraordinary,
        reported_at_meeting=reported_at_meeting,
    )
    if supporting:
        decision.supporting_agencies.set(supporting)
    referral = (
        _hand_over(
            actor=actor,
            case=case,
            decision=decision,
            handover={
                "service": signpost_service,
                "handover_to": handover_to,
                "handover_on": handover_on,
                "agreed_with_family": agreed_with_family,
            },
        )
        if hands_over
        else None
    )
    words = ("Extraordinary decision: " if extraordinary else "Panel decision: ") + decision.outcome
    case_move(
        actor=actor,
        case=case,
        to_status=(
            PanelCase.Status.DECIDED
            if kind == PanelDecision.Kind.LEAD_AGENCY
            else PanelCase.Status.CLOSED
        ),
        reason=words,
    )
    if kind != PanelDecision.Kind.LEAD_AGENCY:
        # The panel closed the case with its decision (signposted, handed over, no further
        # action): the request behind it has reached its end (ADR 0016).
        support_request_follow_case(
            actor=actor,
            support_request=case.referral.assessment.support_request,
            to_status=SupportRequest.Status.SUPPORT_ENDED,
            reason=f"Panel decision ({case.esmap_number}): {decision.outcome}",
        )
    notes = []
    if kind == PanelDecision.Kind.LEAD_AGENCY:
        note = _link_agency_team(actor=actor, agency=lead_agency, family=case.referral.family)
        if note:
            notes.append(note)
    notes += notify_decision(decision=decision)
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
            **({"offer_referral": referral.pk} if referral is not None else {}),
        },
    )
    chronology.case_event(
        actor=actor, case=case, event="panel_decision", summary=f"Panel decided: {decision.outcome}"
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
    signpost_service: Service | None = None,
    handover_to: str = "",
    handover_on: date | None = None,
    agreed_with_family: bool = False,
) -> PanelDecision:
    """The panel's decision on a case on this meeting's agenda, recorded while quorate.

    A signpost or single-agency decision may name a directory service (``signpost_service``)
    with the handover (``handover_to``, ``handover_on``, ``agreed_with_family``): the offer app
    then holds a referral for it (``offer.services.referral_make``), whose uptake is recorded
    later on the referral's page. The typed ``signpost_to``/``handover`` stay for a service
    not in the directory.

    Lead agency: the case waits for the lead agency to allocate a lead professional
    (DECIDED). Signpost, single agency, step up and decline close the panel's part
    (CLOSED). The referrer is told the outcome and the agencies are sent the referral,
    once the transaction commits.
    """
    meeting = running_meeting(meeting)
    require("panel.run_meeting", actor, meeting.panel, RUNNERS_ONLY)
    case = lock(PanelCase, case.pk)
    if case.meeting_id != meeting.pk or case.status != PanelCase.Status.LOGGED:
        raise ConflictError("This case is not waiting for a decision at this meeting")
    require_quorate(meeting)
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
        signpost_service=signpost_service,
        handover_to=handover_to,
        handover_on=handover_on,
        agreed_with_family=agreed_with_family,
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
    signpost_service: Service | None = None,
    handover_to: str = "",
    handover_on: date | None = None,
    agreed_with_family: bool = False,
) -> PanelDecision:
    """The chair's (or deputy's) decision between meetings, reported at the next meeting."""
    case = lock(PanelCase, case.pk, select_related=("panel",))
    require("panel.decide_between_meetings", actor, case.panel, CHAIR_ONLY)
    if case.status != PanelCase.Status.LOGGED:
        raise ConflictError("This case already has a decision")
    report_to = selectors.next_meeting_after(case.panel_id, clock.today())
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
        signpost_service=signpost_service,
        handover_to=handover_to,
        handover_on=handover_on,
        agreed_with_family=agreed_with_family,
    )
