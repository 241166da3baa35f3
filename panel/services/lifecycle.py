"""The panel's case follows its family through a step up to children's social care and a step
down back into early help (casework calls these when it steps an episode up or down; ADR 0016).

The case is never reopened or duplicated: a step up parks it (``STEPPED_UP``) with its history,
decision and allocations; a step down allocates it again to the new episode's lead professional,
so the closure form of the new episode goes to the same case and the same panel.
"""

from __future__ import annotations

from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock
from core.errors import ConflictError
from panel.models import LeadProfessionalAllocation, PanelCase
from panel.services.common import MAX_REASON
from panel.services.workflows import case_move


@transaction.atomic
def panel_case_step_up(*, actor, case: PanelCase, reason: str) -> PanelCase:
    """The case's episode was stepped up: the case waits as ``STEPPED_UP``.

    Casework has already decided who may step the family up (``casework.change_episode``); this
    records the panel's side in the same transaction."""
    case = lock(PanelCase, case.pk)
    case_move(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.STEPPED_UP,
        reason=f"Stepped up to children’s social care: {reason}"[:MAX_REASON],
    )
    return case


@transaction.atomic
def panel_case_step_down(
    *, actor, case: PanelCase, lead_professional, lead_agency, reason: str
) -> LeadProfessionalAllocation:
    """The family was stepped down into early help again: the case is allocated to the new
    episode's lead professional (who may then send its closure form).

    Casework has already decided who may step the family down
    (``casework.step_down_episode``)."""
    case = lock(PanelCase, case.pk)
    if case.status != PanelCase.Status.STEPPED_UP:
        raise ConflictError("This case was not stepped up, so it cannot be stepped down")
    allocation = LeadProfessionalAllocation.objects.create(
        case=case,
        agency=lead_agency,
        lead_professional=lead_professional,
        allocated_by=actor,
        allocated_at=clock.now(),
    )
    case_move(
        actor=actor,
        case=case,
        to_status=PanelCase.Status.ALLOCATED,
        reason=f"Stepped down into early help: {reason}"[:MAX_REASON],
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=allocation,
        detail={"case": case.pk, "step_down": True},
    )
    return allocation
