"""After a lead agency decision: the lead agency names its lead professional, and casework's
handover to another lead professional is recorded on the panel's case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.errors import ConflictError
from panel import chronology, handoffs, selectors
from panel.models import LeadProfessionalAllocation, PanelCase, PanelCaseHistory
from panel.services.common import require
from panel.services.workflows import case_move
from people.services import family_team_link
from support_requests.models import SupportRequest
from support_requests.services import support_request_follow_case


@transaction.atomic
def lead_professional_allocate(
    *, actor, case: PanelCase, lead_professional
) -> LeadProfessionalAllocation:
    """The lead agency names its lead professional: the case is ALLOCATED.

    The lead professional's team starts working with the family so they can see it.
    """
    case = lock(PanelCase, case.pk, select_related=("referral__family",))
    require(
        "panel.allocate",
        actor,
        case,
        "Only the lead agency or business support can allocate the lead professional",
    )
    decision = case.decision
    if case.status != PanelCase.Status.DECIDED:
        raise ConflictError("This case is not waiting for a lead professional")
    choices = selectors.lead_professional_choices(decision.lead_agency)
    if not choices.filter(pk=lead_professional.pk).exists():
        raise ValidationError(
            {
                "lead_professional": f"Choose a practitioner or lead professional of {decision.lead_agency.name}"
            }
        )
    allocation = LeadProfessionalAllocation.objects.create(
        case=case,
        agency=decision.lead_agency,
        lead_professional=lead_professional,
        allocated_by=actor,
        allocated_at=clock.now(),
    )
    family_team_link(
        actor=actor,
        family=case.referral.family,
        team=lead_professional.team,
        reason="lead professional allocated",
    )
    case_move(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.ALLOCATED,
        reason=f"Lead professional allocated by {decision.lead_agency.name}",
    )
    support_request_follow_case(
        actor=actor,
        support_request=case.referral.assessment.support_request,
        to_status=SupportRequest.Status.LEAD_PROFESSIONAL_ALLOCATED,
        reason=f"Lead professional allocated by {decision.lead_agency.name}",
        lead_professional=lead_professional,
        lead_agency=decision.lead_agency,
    )
    handoffs.receiver().case_allocated(
        actor=actor,
        case=case,
        lead_professional=lead_professional,
        lead_agency=decision.lead_agency,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=allocation,
        detail={
            "case": case.pk,
            "agency": decision.lead_agency_id,
            "lead_professional": lead_professional.pk,
        },
    )
    chronology.case_event(
        actor=actor,
        case=case,
        event="lead_professional_allocated",
        summary=f"Lead professional allocated: {decision.lead_agency.name}",
    )
    return allocation


@transaction.atomic
def lead_professional_handover(
    *, actor, case: PanelCase, lead_professional, agency=None
) -> LeadProfessionalAllocation:
    """Record that an allocated case has a new lead professional (casework's handover calls this),
    so the panel's record, and who may send the closure form, follow the work.

    Casework has already decided who may hand the work over; the case's status stays allocated,
    so its history row notes the handover without a move.
    """
    case = lock(PanelCase, case.pk)
    if case.status != PanelCase.Status.ALLOCATED:
        raise ConflictError("Only an allocated case can be handed to another lead professional")
    current = selectors.current_allocation(case)
    allocation = LeadProfessionalAllocation.objects.create(
        case=case,
        agency=agency or (current.agency if current else lead_professional.agency),
        lead_professional=lead_professional,
        allocated_by=actor,
        allocated_at=clock.now(),
    )
    PanelCaseHistory.objects.create(
        case=case,
        change=PanelCaseHistory.Change.STATUS,
        actor=actor,
        from_meeting=case.meeting,
        to_meeting=case.meeting,
        from_status=case.status,
        to_status=case.status,
        reason="Handed to another lead professional",
    )
    support_request_follow_case(
        actor=actor,
        support_request=case.referral.assessment.support_request,
        to_status=SupportRequest.Status.LEAD_PROFESSIONAL_ALLOCATED,
        reason="Handed to another lead professional",
        lead_professional=lead_professional,
        lead_agency=allocation.agency,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=allocation,
        detail={"case": case.pk, "handover": True},
    )
    return allocation
