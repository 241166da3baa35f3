"""Triage: an early support team leader picks a request up, decides what happens next, or stops
the early help path when there are child in need or child protection concerns.

Only early support team leaders triage (``support_requests.triage``); the request's status
moves only through ``workflow.move``, with the row locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import rules
from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock, lock_first
from core.models import Agency, Area, NeedLevel
from directory.models import Service
from offer import selectors as offer_selectors
from offer import services as offer_services
from offer.models import Referral
from support_requests import safeguarding, selectors
from support_requests.models import (
    TARGETED_OFFER_INDICATORS,
    SafeguardingStop,
    SupportRequest,
    Triage,
)
from support_requests.services import chronology, requester_messages
from support_requests.services.errors import (
    NotAllowedToTriage,
    SafeguardingStopRequired,
    TransitionNotAllowed,
)
from support_requests.services.workflow import Status, move, record_history

TRIAGE = "support_requests.triage"


@transaction.atomic
def support_request_start_triage(
    *, actor, support_request: SupportRequest, reason: str = ""
) -> SupportRequest:
    """An early support team leader picks a new request up for triage (business support see the
    queue but do not triage)."""
    if not rules.has_perm(TRIAGE, actor):
        raise NotAllowedToTriage("Only early support team leaders can start triage")
    return move(
        actor=actor,
        support_request=support_request,
        to_status=Status.IN_TRIAGE,
        reason=reason.strip() or "Triage started",
    )


@transaction.atomic
def support_request_close(*, actor, support_request: SupportRequest, reason: str) -> SupportRequest:
    """Close a request (for example a duplicate). The reason is required and kept in its history."""
    if not rules.has_perm(TRIAGE, actor):
        raise NotAllowedToTriage("Only early support team leaders can close a request")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request is being closed"})
    closed = move(
        actor=actor, support_request=support_request, to_status=Status.CLOSED, reason=reason.strip()
    )
    requester_messages.tell_requester(support_request=closed, status=Status.CLOSED)
    return closed


@transaction.atomic
def support_request_set_area(
    *, actor, support_request: SupportRequest, area: Area, reason: str = ""
) -> SupportRequest:
    """An early support team leader says which area an open request belongs to.

    For a member of the public who was not sure of their area (the town or postcode they
    gave is kept). Only while the request is received or in triage; the request then
    appears in that area's queue. The status does not change, but a history row says why.
    """
    if not rules.has_perm(TRIAGE, actor):
        raise NotAllowedToTriage("Only early support team leaders can set a request's area")
    if not isinstance(area, Area):
        raise ValidationError({"area": "Select the area the family lives in"})
    locked = lock(SupportRequest, support_request.pk)
    if not locked.is_open:
        raise TransitionNotAllowed(
            "The area can only be set while the request is received or in triage"
        )
    changed = ["area"]
    locked.area = area
    update_fields = ["area", "updated_at"]
    if locked.key_contact_team_id is None and locked.source != SupportRequest.Source.PUBLIC:
        locked.key_contact_team = selectors.key_contact_for(area)
        changed.append("key_contact_team")
        update_fields.append("key_contact_team")
    locked.save(update_fields=update_fields)
    text = f"Area set to {area.name}"
    if reason.strip():
        text = f"{text}: {reason.strip()}"
    record_history(
        record=locked,
        actor=actor,
        from_status=locked.status,
        to_status=locked.status,
        reason=text,
    )
    audit_record(actor=actor, action=Action.UPDATE, target=locked, detail={"fields": changed})
    support_request.area = locked.area
    support_request.key_contact_team = locked.key_contact_team
    support_request.updated_at = locked.updated_at
    return locked


_INDICATOR_CODES = frozenset(code for code, _ in TARGETED_OFFER_INDICATORS)


@dataclass(frozen=True)
class TriageAnswers:
    """What the team leader typed on the triage page; any of it may be missing in a draft."""

    conversation_date: date | None = None
    conversation_with: str = ""
    conversation_summary: str = ""
    cin_cp_concern: bool | None = None
    need_level: NeedLevel | None = None
    targeted_indicators: tuple[str, ...] = ()
    decision: str = ""
    signpost_to: str = ""
    handover_contact: str = ""
    handover_date: date | None = None
    # A service from the directory (``offer.selectors.pickable_services``) instead of typing one.
    signpost_service: Service | None = None
    agreed_with_family: bool | None = None
    single_agency: Agency | None = None


def _require_triage(actor, support_request: SupportRequest) -> SupportRequest:
    if not rules.has_perm(TRIAGE, actor):
        raise NotAllowedToTriage("Only early support team leaders can triage requests")
    locked = lock(SupportRequest, support_request.pk)
    if locked.status != Status.IN_TRIAGE:
        raise TransitionNotAllowed("Triage can only be recorded on a request that is in triage")
    return locked


def stop_trigger(answers: TriageAnswers) -> str | None:
    """Why these answers must stop the early help path, or None if they need not."""
    if answers.cin_cp_concern:
        return SafeguardingStop.Trigger.TRIAGE_CONCERN
    if answers.need_level is not None and answers.need_level.is_statutory:
        return SafeguardingStop.Trigger.STATUTORY_LEVEL
    return None


def _write_draft(*, actor, locked: SupportRequest, answers: TriageAnswers) -> tuple[Triage, list]:
    unknown = set(answers.targeted_indicators) - _INDICATOR_CODES
    if unknown:
        raise ValidationError({"targeted_indicators": "Select indicators from the list"})
    triage, _ = Triage.objects.get_or_create(support_request=locked)
    values = {
        "conversation_date": answers.conversation_date,
        "conversation_with": answers.conversation_with.strip(),
        "conversation_summary": answers.conversation_summary.strip(),
        "cin_cp_concern": answers.cin_cp_concern,
        "need_level": answers.need_level,
        "targeted_indicators": [
            code for code, _ in TARGETED_OFFER_INDICATORS if code in answers.targeted_indicators
        ],
    }
    changed = [name for name, value in values.items() if getattr(triage, name) != value]
    for name, value in values.items():
        setattr(triage, name, value)
    triage.updated_by = actor
    triage.save()
    return triage, changed


@transaction.atomic
def triage_submit(
    *,
    actor,
    support_request: SupportRequest,
    answers: TriageAnswers,
    mode: str,
    answers_valid: bool = True,
) -> SafeguardingStop | None:
    """What the triage page and the API both do with submitted answers.

    CIN or child protection concerns (or a statutory level of need) stop the early help path
    whatever button was pressed and whatever else is wrong, so the stop is returned even when
    ``answers_valid`` is False. Otherwise, answers that passed their checks are saved as a draft
    (``mode`` "draft") or recorded as the decision; nothing is saved when they did not pass.
    """
    if stop_trigger(answers) is not None:
        return triage_raise_safeguarding_stop(
            actor=actor, support_request=support_request, answers=answers
        )
    if not answers_valid:
        return None
    if mode == "draft":
        triage_save_draft(actor=actor, support_request=support_request, answers=answers)
    else:
        triage_record_decision(actor=actor, support_request=support_request, answers=answers)
    return None


@transaction.atomic
def triage_save_draft(*, actor, support_request: SupportRequest, answers: TriageAnswers) -> Triage:
    """Save what has been typed so far ('Save and come back later'). Never saves a decision."""
    locked = _require_triage(actor, support_request)
    if selectors.pending_stop(locked) is not None:
        raise SafeguardingStopRequired
    triage, changed = _write_draft(actor=actor, locked=locked, answers=answers)
    audit_record(
        actor=actor, action=Action.UPDATE, target=triage, detail={"draft": True, "fields": changed}
    )
    return triage


@transaction.atomic
def triage_raise_safeguarding_stop(
    *, actor, support_request: SupportRequest, answers: TriageAnswers
) -> SafeguardingStop:
    """Stop the early help path: keep the triage notes, but not any decision, and record the stop.

    The request stays in triage until the user records what they did next.
    """
    trigger = stop_trigger(answers)
    if trigger is None:
        raise ValueError("There are no CIN or child protection concerns to stop for")
    locked = _require_triage(actor, support_request)
    already = selectors.pending_stop(locked)
    if already is not None:
        return already  # still waiting for its next step: one stop, not two
    triage, changed = _write_draft(actor=actor, locked=locked, answers=answers)
    stop = SafeguardingStop.objects.create(
        support_request=locked,
        actor=actor,
        trigger=trigger,
        need_level=answers.need_level,
    )
    audit_record(
        actor=actor, action=Action.UPDATE, target=triage, detail={"draft": True, "fields": changed}
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=stop,
        detail={"trigger": trigger, "support_request": str(locked.pk)},
    )
    chronology.request_event(
        actor=actor,
        support_request=locked,
        event="safeguarding_stop",
        summary="Safeguarding stop at triage: concerns for a child’s safety",
        category=chronology.Category.SAFEGUARDING,
    )
    return stop


SERVICE_NOT_IN_DIRECTORY = "Choose a service from the directory"
# Where the offer app's refusals show on the triage page and in the API.
_REFERRAL_FIELDS = {
    "service": "signpost_service",
    "people": "signpost_service",
    "handover_to": "handover_contact",
    "handover_on": "handover_date",
}


def _signpost_referral(*, actor, locked: SupportRequest, triage: Triage, answers: TriageAnswers):
    """Hand the signpost to a directory service over to the offer app: a referral holding the
    handover and, later, whether the family took it up. A request with no family record yet
    gets a referral that names no one, linked to the request (a programme place is refused:
    it needs the family's members)."""
    service = answers.signpost_service
    if service is None:
        return None
    family = locked.family if locked.family_id else None
    try:
        return offer_services.referral_make(
            actor=actor,
            family=family,
            service=service,
            people=offer_selectors.family_members(family) if family else [],
            source=Referral.Source.TRIAGE,
            source_type="support_request",
            source_id=str(locked.pk),
            handover_to=triage.handover_contact,
            handover_on=triage.handover_date,
            agreed_with_family=bool(answers.agreed_with_family),
            reason="Signposted at triage of a request for support",
        )
    except ValidationError as error:
        raise ValidationError(
            {_REFERRAL_FIELDS.get(k, "signpost_service"): v for k, v in error.message_dict.items()}
        ) from error


def _validate_decision(answers: TriageAnswers) -> None:
    errors: dict[str, str] = {}
    if answers.conversation_date is None:
        errors["conversation_date"] = "Enter the date of the conversation"
    elif answers.conversation_date > clock.today():
        errors["conversation_date"] = "Date of the conversation must be today or in the past"
    if not answers.conversation_with.strip():
        errors["conversation_with"] = "Enter who you spoke to"
    if not answers.conversation_summary.strip():
        errors["conversation_summary"] = "Enter a summary of the conversation"
    if answers.cin_cp_concern is None:
        errors["cin_cp_concern"] = (
            "Select yes if you have concerns that a child is in need or at risk of significant harm"
        )
    if answers.need_level is None:
        errors["need_level"] = "Select the level of need"
    if answers.decision not in Triage.Decision.values:
        errors["decision"] = "Select what happens next"
    elif answers.decision == Triage.Decision.SIGNPOST:
        service = answers.signpost_service
        if service is not None and offer_selectors.pickable_service(service.pk) is None:
            errors["signpost_service"] = SERVICE_NOT_IN_DIRECTORY
        elif service is None and not answers.signpost_to.strip():
            errors["signpost_to"] = "Enter the service you are signposting the family to"
        if not answers.handover_contact.strip():
            errors["handover_contact"] = "Enter who you contacted to hand over"
        if answers.handover_date is None:
            errors["handover_date"] = "Enter the date of the handover"
        elif answers.handover_date > clock.today():
            errors["handover_date"] = "Date of the handover must be today or in the past"
    elif answers.decision == Triage.Decision.SINGLE_AGENCY and answers.single_agency is None:
        errors["single_agency"] = "Select the agency that will give support"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def triage_record_decision(
    *, actor, support_request: SupportRequest, answers: TriageAnswers
) -> Triage:
    """Record triage and its early help decision, and move the request to the decision's status.

    Refuses (SafeguardingStopRequired) while CIN or child protection concerns are recorded
    or a safeguarding stop waits for its next step: those never become an early help decision.
    """
    if stop_trigger(answers) is not None:
        raise SafeguardingStopRequired
    _validate_decision(answers)
    locked = _require_triage(actor, support_request)
    if selectors.pending_stop(locked) is not None:
        raise SafeguardingStopRequired
    triage, changed = _write_draft(actor=actor, locked=locked, answers=answers)
    is_signpost = answers.decision == Triage.Decision.SIGNPOST
    triage.decision = answers.decision
    triage.signpost_to = answers.signpost_to.strip() if is_signpost else ""
    triage.handover_contact = answers.handover_contact.strip() if is_signpost else ""
    triage.handover_date = answers.handover_date if is_signpost else None
    triage.signpost_service = answers.signpost_service if is_signpost else None
    if is_signpost and triage.signpost_service is not None and not triage.signpost_to.strip():
        triage.signpost_to = triage.signpost_service.name
    triage.agreed_with_family = answers.agreed_with_family if is_signpost else None
    triage.single_agency = (
        answers.single_agency if answers.decision == Triage.Decision.SINGLE_AGENCY else None
    )
    triage.decided_at = clock.now()
    triage.decided_by = actor
    triage.save()
    referral = (
        _signpost_referral(actor=actor, locked=locked, triage=triage, answers=answers)
        if is_signpost
        else None
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=triage,
        detail={
            "draft": False,
            "fields": changed,
            "decision": answers.decision,
            **({"signpost_service": True} if triage.signpost_service_id else {}),
            **({"offer_referral": referral.pk} if referral is not None else {}),
        },
    )
    decision = Triage.Decision(answers.decision)
    move(
        actor=actor,
        support_request=support_request,
        to_status=Triage.DECISION_STATUS[decision],
        reason=f"Triage decision: {decision.label.lower()}",
    )
    chronology.request_event(
        actor=actor,
        support_request=locked,
        event="triage_decision",
        summary=f"Request triaged: {decision.label.lower()}",
    )
    requester_messages.tell_requester(
        support_request=locked, status=Triage.DECISION_STATUS[decision]
    )
    return triage


@transaction.atomic
def safeguarding_stop_record_next_step(
    *, actor, stop: SafeguardingStop, next_step: str, reason: str = ""
) -> SafeguardingStop:
    """Record what the user did after a safeguarding stop.

    Phoned the duty team, or will refer to MASH: the request is referred to the duty team.
    'I was wrong' (a reason is required): the concern is cleared from the triage draft and
    the user goes back to triage; the stop itself is kept.
    """
    safeguarding.check_next_step(next_step=next_step, reason=reason)
    locked_request = _require_triage(actor, stop.support_request)
    locked = lock(SafeguardingStop, stop.pk)
    if not locked.is_pending:
        raise TransitionNotAllowed(safeguarding.ALREADY_RECORDED)
    safeguarding.write_next_step(actor=actor, locked=locked, next_step=next_step, reason=reason)
    if next_step == SafeguardingStop.NextStep.WAS_WRONG:
        triage = lock_first(Triage.objects.filter(support_request=locked_request))
        if triage is None:
            raise Triage.DoesNotExist("Triage matching query does not exist.")
        cleared = ["cin_cp_concern"]
        triage.cin_cp_concern = None
        if triage.need_level_id and triage.need_level.is_statutory:
            triage.need_level = None
            cleared.append("need_level")
        triage.updated_by = actor
        triage.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=triage,
            detail={"draft": True, "fields": cleared, "after_safeguarding_stop": True},
        )
    else:
        move(
            actor=actor,
            support_request=locked_request,
            to_status=Status.REFERRED_TO_DUTY_TEAM,
            reason=f"Safeguarding stop: {SafeguardingStop.NextStep(next_step).label}",
        )
        requester_messages.tell_requester(
            support_request=locked_request, status=Status.REFERRED_TO_DUTY_TEAM
        )
    safeguarding.copy_next_step(stop=stop, locked=locked)
    return locked
