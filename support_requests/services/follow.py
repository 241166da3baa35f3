"""The request follows the family's case after triage.

The events happen in apps above this one (an assessment started, a panel case logged, a lead
professional allocated, support ended), and each of those services calls
``support_request_follow_case`` in its own transaction, so the request never says less than the
case it led to. This app never imports them.

A request already at (or past) the step, or one whose triage ended elsewhere (signposted,
closed, referred to the duty team), is left as it is: following makes no sense there, and the
higher app's own action must not fail because of the request that started it.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.audit import Action, audit_record
from core.concurrency import lock
from support_requests.models import SupportRequest
from support_requests.services.workflow import (
    FOLLOW_TARGETS,
    REQUEST_WORKFLOW,
    Status,
    record_history,
)

FOLLOW_CASE = "support_requests.follow_case"


@transaction.atomic
def support_request_follow_case(
    *,
    actor,
    support_request: SupportRequest | None,
    to_status: str,
    reason: str,
    lead_professional=None,
    lead_agency=None,
) -> SupportRequest | None:
    """Move the request behind a case to ``to_status`` as the case moves on.

    ``lead_professional`` and ``lead_agency`` are required for "lead professional allocated";
    called again at that status (a handover), they replace the ones shown to the requester.
    Returns the request when it changed, None when there was nothing to follow.
    """
    if support_request is None:
        return None  # a case that did not come from a request
    if to_status not in FOLLOW_TARGETS:
        raise ValueError(f"A request does not follow a case to {to_status!r}")
    if not rules.has_perm(FOLLOW_CASE, actor):
        raise PermissionDenied("Your role may not move a request on")
    allocating = to_status == Status.LEAD_PROFESSIONAL_ALLOCATED
    if allocating and (lead_professional is None or lead_agency is None):
        raise ValidationError({"lead_professional": "Name the lead professional and their agency"})
    locked = lock(SupportRequest, support_request.pk)
    if allocating and locked.status == to_status:
        return _hand_over(
            actor=actor,
            locked=locked,
            support_request=support_request,
            lead_professional=lead_professional,
            lead_agency=lead_agency,
            reason=reason,
        )
    if not REQUEST_WORKFLOW.can_move(locked.status, to_status):
        return None
    fields: list[str] = []
    if allocating:
        locked.lead_professional = lead_professional
        locked.lead_agency = lead_agency
        fields = ["lead_professional", "lead_agency"]
    REQUEST_WORKFLOW.move(
        locked,
        to_status,
        actor=actor,
        reason=reason,
        history=record_history,
        fields=fields,
    )
    _copy(locked, support_request)
    return locked


def _hand_over(*, actor, locked, support_request, lead_professional, lead_agency, reason):
    if (locked.lead_professional_id, locked.lead_agency_id) == (
        lead_professional.pk,
        lead_agency.pk,
    ):
        return None
    locked.lead_professional = lead_professional
    locked.lead_agency = lead_agency
    locked.save(update_fields=["lead_professional", "lead_agency", "updated_at"])
    record_history(
        record=locked,
        actor=actor,
        from_status=locked.status,
        to_status=locked.status,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": ["lead_agency", "lead_professional"]},
    )
    _copy(locked, support_request)
    return locked


def _copy(locked: SupportRequest, support_request: SupportRequest) -> None:
    support_request.status = locked.status
    support_request.lead_professional_id = locked.lead_professional_id
    support_request.lead_agency_id = locked.lead_agency_id
    support_request.updated_at = locked.updated_at
