"""Logging a referral (its ESMAP number and its meeting) and withdrawing it.

``panel_case_log`` gives a referral its ESMAP number (sequential per calendar year of logging)
and places it on the first scheduled meeting whose cut-off it met, judged on when the referral
was submitted.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments.models import PanelReferral
from core import clock
from core.audit import Action, audit_record
from core.concurrency import lock, lock_first
from core.errors import ConflictError
from core.workflow import TransitionNotAllowed
from panel import selectors
from panel.models import EsmapSequence, Panel, PanelCase, PanelCaseHistory, format_esmap_number
from panel.services.common import clean_reason, require
from panel.services.workflows import CASE_WORKFLOW, case_move
from support_requests.models import SupportRequest
from support_requests.services import support_request_follow_case


def _next_esmap(year: int) -> tuple[int, str]:
    """Take the next number of ``year``; the sequence row stays locked until the transaction ends."""
    try:
        with transaction.atomic():
            EsmapSequence.objects.get_or_create(year=year)
    except IntegrityError:  # another transaction created it first
        pass
    row = lock_first(EsmapSequence.objects.filter(year=year))
    row.last += 1
    row.save(update_fields=["last"])
    return row.last, format_esmap_number(year, row.last)


def _place(panel: Panel, submitted_at: datetime) -> selectors.MeetingChoice:
    """The first meeting whose cut-off the referral met when it was submitted.

    If that meeting's date has already passed (the referral was logged late), the first
    meeting whose cut-off is still to come.
    """
    choice = selectors.meeting_for_referral(panel, submitted_at)
    if choice.meeting is not None and choice.meeting.date < clock.today():
        choice = selectors.meeting_for_referral(panel, clock.now())
    return choice


@transaction.atomic
def panel_case_log(*, actor, referral) -> PanelCase:
    """Log a referral: give it an ESMAP number and place it on a meeting (or say why not)."""
    require(
        "panel.log_referral",
        actor,
        None,
        "Only business support or an early support team leader can log referrals",
    )
    referral = lock(PanelReferral, referral.pk, select_related=("family",))
    if PanelCase.objects.filter(referral=referral).exists():
        raise ConflictError("This referral has already been logged")
    panel = selectors.panel_for_family(referral.family)
    if panel is None:
        raise ValidationError(selectors.NO_PANEL_FOR_AREA)
    logged_at = clock.now()
    year = clock.local(logged_at).year
    sequence, number = _next_esmap(year)
    choice = _place(panel, referral.submitted_at)
    case = PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number=number,
        year=year,
        sequence=sequence,
        logged_by=actor,
        logged_at=logged_at,
        meeting=choice.meeting,
        placement_reason="" if choice.meeting else choice.reason,
    )
    PanelCaseHistory.objects.create(
        case=case,
        change=PanelCaseHistory.Change.LOGGED,
        actor=actor,
        to_meeting=choice.meeting,
        to_status=case.status,
        reason=case.placement_reason,
    )
    support_request_follow_case(
        actor=actor,
        support_request=referral.assessment.support_request,
        to_status=SupportRequest.Status.PANEL_REFERRAL,
        reason=f"Referral logged by the panel ({number})",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=case,
        detail={
            "panel": panel.pk,
            "meeting": choice.meeting.pk if choice.meeting else None,
            "placed": choice.meeting is not None,
        },
    )
    return case


@transaction.atomic
def panel_case_withdraw(*, actor, case: PanelCase, reason: str) -> PanelCase:
    """Withdraw a referral the panel has not decided on yet: it leaves the agenda for good."""
    case = lock(PanelCase, case.pk, select_related=("referral",))
    require(
        "panel.withdraw_case",
        actor,
        case,
        "Only the referrer or business support can withdraw a referral",
    )
    reason = clean_reason(reason)
    if not CASE_WORKFLOW.can_move(case.status, PanelCase.Status.WITHDRAWN):
        raise TransitionNotAllowed(
            "The panel has already decided on this referral, so it cannot be withdrawn"
        )
    case_move(
        actor=actor, case=case, to_status=PanelCase.Status.WITHDRAWN, reason=f"Withdrawn: {reason}"
    )
    # The request behind it ends here too (ADR 0016): nothing more will follow from this referral.
    support_request_follow_case(
        actor=actor,
        support_request=case.referral.assessment.support_request,
        to_status=SupportRequest.Status.SUPPORT_ENDED,
        reason=f"Referral to the panel withdrawn ({case.esmap_number})",
    )
    return case
