"""Writes to requests for support. Each is one transaction with its audit event.

Status changes go only through these services, which check the change is allowed from
the request's current status (with the row locked, so two people pressing the same button
cannot both succeed) and append a SupportRequestHistory row saying who, when and why.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import Action, audit_record
from core.concurrency import lock, lock_first
from core.models import Agency, Area, NeedLevel
from people.models import Family, FamilyMember
from support_requests import safeguarding, selectors
from support_requests.models import (
    TARGETED_OFFER_INDICATORS,
    SafeguardingStop,
    SupportRequest,
    SupportRequestChild,
    SupportRequestHistory,
    Triage,
)
from support_requests.throttle import client_hash

Status = SupportRequest.Status

# At most this many public requests from one address in an hour (abuse control).
SUBMISSIONS_PER_HOUR = 5
MAX_CHILD_AGE = 25  # early help works with young people up to 25 with SEND

# Which status a request may move to from each status. The outcomes of triage, and a
# referral to the duty team after a safeguarding stop, end the request's time in the queue.
TRIAGE_OUTCOMES = frozenset(
    {
        Status.SIGNPOSTED,
        Status.SINGLE_AGENCY,
        Status.ASSESSMENT,
        Status.PANEL_REFERRAL,
        Status.REFERRED_TO_DUTY_TEAM,
    }
)
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_TRIAGE, Status.CLOSED}),
    Status.IN_TRIAGE: TRIAGE_OUTCOMES | {Status.CLOSED},
    Status.SIGNPOSTED: frozenset(),
    Status.SINGLE_AGENCY: frozenset(),
    Status.ASSESSMENT: frozenset(),
    Status.PANEL_REFERRAL: frozenset(),
    Status.REFERRED_TO_DUTY_TEAM: frozenset(),
    Status.CLOSED: frozenset(),
}

# No vowels (so a reference never spells a word or a name) and no 0/O or 1/I.
_REFERENCE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"
REFERENCE_PREFIX = "REQ-"


class TooManySubmissions(Exception):
    """Too many requests from one client address in the last hour; nothing was saved."""


class TransitionNotAllowed(Exception):
    """The request's status cannot change that way (it may have been changed by someone else)."""


class SafeguardingStopRequired(Exception):
    """CIN or child protection concerns are recorded, or a stop is waiting for its next step:
    the early help decision cannot be saved."""


class NotAllowedToTriage(PermissionError):
    """Only early support team leaders triage requests."""


class NotAllowedToRequest(PermissionError):
    """This member of staff may not make (or record) this kind of request."""


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    age_years: int | None = None
    date_of_birth: date | None = None


def _new_reference() -> str:
    while True:
        reference = REFERENCE_PREFIX + "".join(
            secrets.choice(_REFERENCE_ALPHABET) for _ in range(6)
        )
        if not SupportRequest.objects.filter(reference=reference).exists():
            return reference


def recent_submissions_from(ip_hash: str, *, within: timedelta = timedelta(hours=1)) -> int:
    return SupportRequest.objects.filter(
        submitted_ip_hash=ip_hash, created_at__gte=timezone.now() - within
    ).count()


def _validate_children(children: Sequence[ChildDetails]) -> None:
    if not children:
        raise ValidationError({"children": "Tell us about at least one child or young person"})
    if len(children) > SupportRequestChild.MAX_PER_REQUEST:
        raise ValidationError(
            {
                "children": f"A request can be about at most {SupportRequestChild.MAX_PER_REQUEST} children"
            }
        )
    today = timezone.localdate()
    for child in children:
        if not child.first_name.strip():
            raise ValidationError({"children": "Every child needs a first name"})
        if child.age_years is None and child.date_of_birth is None:
            raise ValidationError({"children": "Every child needs an age or a date of birth"})
        if child.age_years is not None and not 0 <= child.age_years <= MAX_CHILD_AGE:
            raise ValidationError({"children": f"Ages must be between 0 and {MAX_CHILD_AGE}"})
        if child.date_of_birth is not None and child.date_of_birth > today:
            raise ValidationError({"children": "Dates of birth must be in the past"})


def _validate_safe_contact(
    *,
    phone: str,
    email: str,
    can_call: bool,
    can_leave_message: bool,
    safe_to_write: bool,
    notes: str,
) -> None:
    """There must be a way to reach the person that they told us is safe."""
    if (can_call or can_leave_message) and not phone.strip():
        raise ValidationError(
            {"requester_phone": "A phone number is needed if we may call or message"}
        )
    if safe_to_write and not email.strip():
        raise ValidationError({"requester_email": "An email address is needed if we may email"})
    if not (can_call or can_leave_message or safe_to_write) and not notes.strip():
        raise ValidationError(
            {"contact_safety_notes": "Say how to contact them safely when no other way is safe"}
        )


def _record_history(*, support_request, actor, from_status: str, to_status: str, reason: str):
    return SupportRequestHistory.objects.create(
        support_request=support_request,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


@transaction.atomic
def support_request_submit_public(
    *,
    area: Area | None,
    location_given: str = "",
    requester_name: str,
    requester_relationship: str,
    requester_phone: str = "",
    requester_email: str = "",
    can_call: bool,
    can_leave_message: bool,
    safe_to_write: bool,
    contact_best_times: str = "",
    contact_safety_notes: str = "",
    children: Sequence[ChildDetails],
    what_is_happening: str,
    help_wanted: str = "",
    consent_to_contact_agencies: str,
    client_address: str | None,
) -> SupportRequest:
    """Save a member of the public's request in its area's triage queue (no area: unassigned).

    Nothing here looks at people or family records: the outcome and what the person sees
    are the same whoever they name. Raises TooManySubmissions if this address has already
    sent SUBMISSIONS_PER_HOUR requests in the last hour.
    """
    if area is None and not location_given.strip():
        raise ValidationError({"area": "Select an area, or give a town or postcode"})
    if requester_relationship not in SupportRequest.Relationship.values:
        raise ValidationError({"requester_relationship": "Select who is asking for help"})
    if consent_to_contact_agencies not in SupportRequest.Consent.values:
        raise ValidationError({"consent_to_contact_agencies": "Select an answer"})
    if not what_is_happening.strip():
        raise ValidationError({"what_is_happening": "Tell us what is happening"})
    if not requester_name.strip():
        raise ValidationError({"requester_name": "Enter the name of the person asking for help"})
    _validate_safe_contact(
        phone=requester_phone,
        email=requester_email,
        can_call=can_call,
        can_leave_message=can_leave_message,
        safe_to_write=safe_to_write,
        notes=contact_safety_notes,
    )
    _validate_children(children)

    ip_hash = client_hash(client_address)
    if recent_submissions_from(ip_hash) >= SUBMISSIONS_PER_HOUR:
        raise TooManySubmissions

    support_request = SupportRequest.objects.create(
        reference=_new_reference(),
        source=SupportRequest.Source.PUBLIC,
        area=area,
        location_given="" if area is not None else location_given.strip(),
        requester_name=requester_name.strip(),
        requester_relationship=requester_relationship,
        requester_phone=requester_phone.strip(),
        requester_email=requester_email.strip(),
        can_call=can_call,
        can_leave_message=can_leave_message,
        safe_to_write=safe_to_write,
        contact_best_times=contact_best_times.strip(),
        contact_safety_notes=contact_safety_notes.strip(),
        what_is_happening=what_is_happening.strip(),
        help_wanted=help_wanted.strip(),
        consent_to_contact_agencies=consent_to_contact_agencies,
        submitted_ip_hash=ip_hash,
    )
    SupportRequestChild.objects.bulk_create(
        SupportRequestChild(
            support_request=support_request,
            position=position,
            first_name=child.first_name.strip(),
            age_years=child.age_years,
            date_of_birth=child.date_of_birth,
        )
        for position, child in enumerate(children, start=1)
    )
    _record_history(
        support_request=support_request,
        actor=None,
        from_status="",
        to_status=Status.RECEIVED,
        reason="Sent by a member of the public",
    )
    audit_record(
        actor=None,
        action=Action.CREATE,
        target=support_request,
        detail={
            "source": SupportRequest.Source.PUBLIC,
            "children": len(children),
            "area_known": area is not None,
        },
    )
    return support_request


def _transition(
    *, actor, support_request: SupportRequest, to_status: str, reason: str
) -> SupportRequest:
    # Lock the row: of two people pressing the same button, the second sees the new status.
    locked = lock(SupportRequest, support_request.pk)
    from_status = locked.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise TransitionNotAllowed(
            f"A request that is {Status(from_status).label.lower()} cannot be moved to "
            f"{Status(to_status).label.lower()}"
        )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    _record_history(
        support_request=locked,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": ["status"], "from": from_status, "to": to_status},
    )
    support_request.status = locked.status
    support_request.updated_at = locked.updated_at
    return locked


@transaction.atomic
def support_request_start_triage(
    *, actor, support_request: SupportRequest, reason: str = ""
) -> SupportRequest:
    """An early support team leader picks a new request up for triage (business support see the
    queue but do not triage)."""
    if not selectors.can_triage(actor):
        raise NotAllowedToTriage("Only early support team leaders can start triage")
    return _transition(
        actor=actor,
        support_request=support_request,
        to_status=Status.IN_TRIAGE,
        reason=reason.strip() or "Triage started",
    )


@transaction.atomic
def support_request_close(*, actor, support_request: SupportRequest, reason: str) -> SupportRequest:
    """Close a request (for example a duplicate). The reason is required and kept in its history."""
    if not selectors.can_triage(actor):
        raise NotAllowedToTriage("Only early support team leaders can close a request")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request is being closed"})
    return _transition(
        actor=actor, support_request=support_request, to_status=Status.CLOSED, reason=reason.strip()
    )


@transaction.atomic
def support_request_set_area(
    *, actor, support_request: SupportRequest, area: Area, reason: str = ""
) -> SupportRequest:
    """An early support team leader says which area an open request belongs to.

    For a member of the public who was not sure of their area (the town or postcode they
    gave is kept). Only while the request is received or in triage; the request then
    appears in that area's queue. The status does not change, but a history row says why.
    """
    if not selectors.can_triage(actor):
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
    _record_history(
        support_request=locked,
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


# ---- Triage (issue 3 §2) and the safeguarding stop (§3).

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
    single_agency: Agency | None = None


def _require_triage(actor, support_request: SupportRequest) -> SupportRequest:
    if not selectors.can_triage(actor):
        raise NotAllowedToTriage("Only early support team leaders can triage requests")
    locked = lock(SupportRequest, support_request.pk)
    if locked.status != Status.IN_TRIAGE:
        raise TransitionNotAllowed("Triage can only be recorded on a request that is in triage")
    return locked


def pending_stop(support_request: SupportRequest) -> SafeguardingStop | None:
    """The safeguarding stop still waiting for the user to say what they did next, if any."""
    return (
        SafeguardingStop.objects.filter(support_request=support_request, next_step="")
        .order_by("-at", "-id")
        .first()
    )


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
    if pending_stop(locked) is not None:
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
    already = pending_stop(locked)
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
    return stop


def _validate_decision(answers: TriageAnswers) -> None:
    errors: dict[str, str] = {}
    if answers.conversation_date is None:
        errors["conversation_date"] = "Enter the date of the conversation"
    elif answers.conversation_date > timezone.localdate():
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
        if not answers.signpost_to.strip():
            errors["signpost_to"] = "Enter the service you are signposting the family to"
        if not answers.handover_contact.strip():
            errors["handover_contact"] = "Enter who you contacted to hand over"
        if answers.handover_date is None:
            errors["handover_date"] = "Enter the date of the handover"
        elif answers.handover_date > timezone.localdate():
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
    if pending_stop(locked) is not None:
        raise SafeguardingStopRequired
    triage, changed = _write_draft(actor=actor, locked=locked, answers=answers)
    is_signpost = answers.decision == Triage.Decision.SIGNPOST
    triage.decision = answers.decision
    triage.signpost_to = answers.signpost_to.strip() if is_signpost else ""
    triage.handover_contact = answers.handover_contact.strip() if is_signpost else ""
    triage.handover_date = answers.handover_date if is_signpost else None
    triage.single_agency = (
        answers.single_agency if answers.decision == Triage.Decision.SINGLE_AGENCY else None
    )
    triage.decided_at = timezone.now()
    triage.decided_by = actor
    triage.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=triage,
        detail={"draft": False, "fields": changed, "decision": answers.decision},
    )
    decision = Triage.Decision(answers.decision)
    _transition(
        actor=actor,
        support_request=support_request,
        to_status=Triage.DECISION_STATUS[decision],
        reason=f"Triage decision: {decision.label.lower()}",
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
        _transition(
            actor=actor,
            support_request=locked_request,
            to_status=Status.REFERRED_TO_DUTY_TEAM,
            reason=f"Safeguarding stop: {SafeguardingStop.NextStep(next_step).label}",
        )
    safeguarding.copy_next_step(stop=stop, locked=locked)
    return locked


# ---- A practitioner's request for support, and a step-down from MASH (issue 3 §1).


def _family_children(family: Family) -> list[ChildDetails]:
    """The family record's children, as the request's snapshot of who it is about."""
    members = (
        FamilyMember.objects.filter(family=family, role=FamilyMember.Role.CHILD)
        .select_related("person")
        .order_by("person__date_of_birth", "pk")
    )
    return [
        ChildDetails(first_name=m.person.first_name, date_of_birth=m.person.date_of_birth)
        for m in members
        if m.person.first_name and m.person.date_of_birth
    ][: SupportRequestChild.MAX_PER_REQUEST]


def _check_family_in_scope(actor, family: Family | None) -> None:
    if family is not None and not selectors.families_for(actor).filter(pk=family.pk).exists():
        raise ValidationError({"family": "Select a family your team works with"})


def _save_children(support_request: SupportRequest, children: Sequence[ChildDetails]) -> None:
    SupportRequestChild.objects.bulk_create(
        SupportRequestChild(
            support_request=support_request,
            position=position,
            first_name=child.first_name.strip(),
            age_years=child.age_years,
            date_of_birth=child.date_of_birth,
        )
        for position, child in enumerate(children, start=1)
    )


# What a practitioner's request must answer, worded once for the request pages and the API.
PRACTITIONER_REQUEST_MESSAGES = {
    "area": "Select the area the family lives in",
    "what_is_happening": "Enter what is happening for the family",
    "single_agency_support_tried": "Enter the support that has already been tried",
    "safeguarding_concern": (
        "Select yes if you have concerns that a child is in need or at risk of significant harm"
    ),
    "family_knows_and_consents": "Select yes if the family knows about the request and agrees to it",
}


@transaction.atomic
def support_request_submit_practitioner(
    *,
    actor,
    family: Family | None,
    children: Sequence[ChildDetails] = (),
    area: Area | None,
    what_is_happening: str,
    single_agency_support_tried: str,
    family_knows_and_consents: bool | None,
    safeguarding_concern: bool | None,
) -> tuple[SupportRequest, SafeguardingStop | None]:
    """Send a practitioner's request to the area's key contact (its early support team).

    With CIN or child protection concerns it is never queued for early help: it is saved as
    referred to the duty team, with a safeguarding stop the practitioner must answer.
    A request needs the family's knowledge and agreement unless there are such concerns.
    """
    if not rules.has_perm("support_requests.make_request", actor):
        raise NotAllowedToRequest("Only practitioners and lead professionals make requests")
    errors: dict[str, str] = {}
    if area is None:
        errors["area"] = PRACTITIONER_REQUEST_MESSAGES["area"]
    if not what_is_happening.strip():
        errors["what_is_happening"] = PRACTITIONER_REQUEST_MESSAGES["what_is_happening"]
    if not single_agency_support_tried.strip():
        errors["single_agency_support_tried"] = PRACTITIONER_REQUEST_MESSAGES[
            "single_agency_support_tried"
        ]
    if safeguarding_concern is None:
        errors["safeguarding_concern"] = PRACTITIONER_REQUEST_MESSAGES["safeguarding_concern"]
    if family_knows_and_consents is None:
        errors["family_knows_and_consents"] = PRACTITIONER_REQUEST_MESSAGES[
            "family_knows_and_consents"
        ]
    elif not family_knows_and_consents and not safeguarding_concern:
        errors["family_knows_and_consents"] = (
            "A request needs the family’s knowledge and agreement, unless there are "
            "safeguarding concerns"
        )
    if errors:
        raise ValidationError(errors)
    _check_family_in_scope(actor, family)
    if family is not None:
        children = _family_children(family)
    else:
        _validate_children(children)

    concern = bool(safeguarding_concern)
    status = Status.REFERRED_TO_DUTY_TEAM if concern else Status.RECEIVED
    support_request = SupportRequest.objects.create(
        reference=_new_reference(),
        source=SupportRequest.Source.PRACTITIONER,
        status=status,
        area=area,
        family=family,
        requester=actor,
        requester_team=actor.team,
        requester_agency=actor.agency or (actor.team.agency if actor.team_id else None),
        requester_name=actor.get_full_name() or actor.username,
        requester_email=actor.email or "",
        requester_phone=(getattr(actor, "phone", "") or "")[:30],
        key_contact_team=selectors.key_contact_for(area),
        what_is_happening=what_is_happening.strip(),
        single_agency_support_tried=single_agency_support_tried.strip(),
        family_knows_and_consents=family_knows_and_consents,
        safeguarding_concern=concern,
    )
    _save_children(support_request, children)
    _record_history(
        support_request=support_request,
        actor=actor,
        from_status="",
        to_status=status,
        reason=(
            "Safeguarding stop: child in need or child protection concerns recorded when the "
            "request was made. Not sent to early help."
            if concern
            else "Sent by a practitioner"
        ),
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=support_request,
        detail={
            "source": SupportRequest.Source.PRACTITIONER,
            "children": len(children),
            "family_linked": family is not None,
            "safeguarding_concern": concern,
        },
    )
    stop = None
    if concern:
        stop = SafeguardingStop.objects.create(
            support_request=support_request,
            actor=actor,
            trigger=SafeguardingStop.Trigger.REQUEST_CONCERN,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=stop,
            detail={"trigger": stop.trigger, "support_request": str(support_request.pk)},
        )
    return support_request, stop


def pending_submission_stop(*, actor, support_request: SupportRequest) -> SafeguardingStop | None:
    """The stop this user raised when making the request, still waiting for its next step."""
    return (
        SafeguardingStop.objects.filter(
            support_request=support_request,
            actor=actor,
            trigger=SafeguardingStop.Trigger.REQUEST_CONCERN,
            next_step="",
        )
        .order_by("-at", "-id")
        .first()
    )


@transaction.atomic
def submission_stop_record_next_step(
    *, actor, stop: SafeguardingStop, next_step: str, reason: str = ""
) -> SafeguardingStop:
    """Record what the practitioner did after the stop raised when they made the request.

    The request stays referred to the duty team whatever they answer: 'I was wrong' (with
    its reason) is kept on the record, and they may make a new request.
    """
    safeguarding.check_next_step(next_step=next_step, reason=reason)
    locked = lock(SafeguardingStop, stop.pk)
    if locked.actor_id != actor.pk or locked.trigger != SafeguardingStop.Trigger.REQUEST_CONCERN:
        raise NotAllowedToRequest("Only the person who made the request records this")
    if not locked.is_pending:
        raise TransitionNotAllowed(safeguarding.ALREADY_RECORDED)
    safeguarding.write_next_step(actor=actor, locked=locked, next_step=next_step, reason=reason)
    safeguarding.copy_next_step(stop=stop, locked=locked)
    return locked


@transaction.atomic
def support_request_record_step_down(
    *,
    actor,
    family: Family | None,
    children: Sequence[ChildDetails] = (),
    area: Area | None,
    social_care_reference: str = "",
    step_down_reason: str,
    allocation_meeting_date: date | None,
    social_care_history: str,
    need_level_at_step_down: NeedLevel | None,
    social_worker_name: str,
    social_worker_contact: str,
) -> SupportRequest:
    """Record a case stepped down from children's social care into the area's triage queue."""
    if not selectors.can_record_step_down(actor):
        raise NotAllowedToRequest("Only early support staff record step-downs")
    errors: dict[str, str] = {}
    if area is None:
        errors["area"] = "Select the area the family lives in"
    if not step_down_reason.strip():
        errors["step_down_reason"] = "Enter the reason for the step-down"
    if allocation_meeting_date is None:
        errors["allocation_meeting_date"] = "Enter the date of the allocation meeting"
    elif allocation_meeting_date > timezone.localdate():
        errors["allocation_meeting_date"] = (
            "Date of the allocation meeting must be today or in the past"
        )
    if not social_care_history.strip():
        errors["social_care_history"] = "Enter what happened while social care were involved"
    if need_level_at_step_down is None:
        errors["need_level_at_step_down"] = "Select the level of need at step-down"
    if not social_worker_name.strip():
        errors["social_worker_name"] = "Enter the social worker’s name"
    if not social_worker_contact.strip():
        errors["social_worker_contact"] = "Enter the social worker’s phone number or email"
    if errors:
        raise ValidationError(errors)
    _check_family_in_scope(actor, family)
    if family is not None:
        children = _family_children(family)
    else:
        _validate_children(children)

    support_request = SupportRequest.objects.create(
        reference=_new_reference(),
        source=SupportRequest.Source.MASH_STEP_DOWN,
        area=area,
        family=family,
        requester=actor,
        requester_team=actor.team,
        requester_agency=actor.agency or (actor.team.agency if actor.team_id else None),
        requester_name=actor.get_full_name() or actor.username,
        key_contact_team=selectors.key_contact_for(area),
        social_care_reference=social_care_reference.strip(),
        step_down_reason=step_down_reason.strip(),
        allocation_meeting_date=allocation_meeting_date,
        social_care_history=social_care_history.strip(),
        need_level_at_step_down=need_level_at_step_down,
        social_worker_name=social_worker_name.strip(),
        social_worker_contact=social_worker_contact.strip(),
    )
    _save_children(support_request, children)
    _record_history(
        support_request=support_request,
        actor=actor,
        from_status="",
        to_status=Status.RECEIVED,
        reason="Stepped down from children’s social care",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=support_request,
        detail={
            "source": SupportRequest.Source.MASH_STEP_DOWN,
            "children": len(children),
            "family_linked": family is not None,
        },
    )
    return support_request
