"""Requests from staff: a practitioner asking for early support for a family, and a case stepped
down from children's social care (MASH) into the area's queue.

With child in need or child protection concerns a practitioner's request is never queued for
early help: it is saved as referred to the duty team, with a safeguarding stop they answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import rules
from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.models import Area, NeedLevel
from people.models import Family, FamilyMember
from support_requests import safeguarding, selectors
from support_requests.models import SafeguardingStop, SupportRequest, SupportRequestChild
from support_requests.services import chronology
from support_requests.services.errors import NotAllowedToRequest, TransitionNotAllowed
from support_requests.services.intake import (
    ChildDetails,
    check_what_is_happening,
    new_reference,
    save_children,
    validate_children,
)
from support_requests.services.workflow import Status, record_history


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


# What a practitioner's request must answer, worded once for the request pages and the API.
PRACTITIONER_REQUEST_MESSAGES = {
    "area": "Select the area the family lives in",
    "what_is_happening": "Enter what is happening for the family",
    "single_agency_support_tried": "Enter the support that has already been tried",
    "safeguarding_concern": (
        "Select yes if you have concerns that a child is in need or at risk of significant harm"
    ),
    "family_knows_and_consents": "Select yes if the family knows about the request and agrees to it",
    "route": "Select how you want to send the request",
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
    route: str = SupportRequest.Route.KEY_CONTACT,
) -> tuple[SupportRequest, SafeguardingStop | None]:
    """Send a practitioner's request to the area's key contact (its early support team), or
    through the MASH (``route``), which passes a request for early help on to the same team: it
    reaches the area's queue either way, marked with the way it came.

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
    else:
        try:
            check_what_is_happening(what_is_happening)
        except ValidationError as error:
            errors["what_is_happening"] = error.messages[0]
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
    if route not in SupportRequest.Route.values:
        errors["route"] = PRACTITIONER_REQUEST_MESSAGES["route"]
    if errors:
        raise ValidationError(errors)
    _check_family_in_scope(actor, family)
    if family is not None:
        children = _family_children(family)
    else:
        validate_children(children)

    concern = bool(safeguarding_concern)
    status = Status.REFERRED_TO_DUTY_TEAM if concern else Status.RECEIVED
    support_request = SupportRequest.objects.create(
        reference=new_reference(),
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
        route=route,
        what_is_happening=what_is_happening.strip(),
        single_agency_support_tried=single_agency_support_tried.strip(),
        family_knows_and_consents=family_knows_and_consents,
        safeguarding_concern=concern,
    )
    save_children(support_request, children)
    record_history(
        record=support_request,
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
    chronology.request_event(
        actor=actor,
        support_request=support_request,
        event="request_received",
        summary=chronology.received_from(support_request),
    )
    if stop is not None:
        chronology.request_event(
            actor=actor,
            support_request=support_request,
            event="safeguarding_stop",
            summary="Safeguarding stop: concerns for a child’s safety, referred to the duty team",
            category=chronology.Category.SAFEGUARDING,
        )
    return support_request, stop


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
    if not rules.has_perm("support_requests.record_step_down", actor):
        raise NotAllowedToRequest("Only early support staff record step-downs")
    errors: dict[str, str] = {}
    if area is None:
        errors["area"] = "Select the area the family lives in"
    if not step_down_reason.strip():
        errors["step_down_reason"] = "Enter the reason for the step-down"
    if allocation_meeting_date is None:
        errors["allocation_meeting_date"] = "Enter the date of the allocation meeting"
    elif allocation_meeting_date > clock.today():
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
        validate_children(children)

    support_request = SupportRequest.objects.create(
        reference=new_reference(),
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
    save_children(support_request, children)
    record_history(
        record=support_request,
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
    chronology.request_event(
        actor=actor,
        support_request=support_request,
        event="request_received",
        summary=chronology.received_from(support_request),
    )
    return support_request
