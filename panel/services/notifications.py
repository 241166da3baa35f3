"""What the panel tells people by email: the decision to the referrer and the agencies, and a
returned closure to the lead professional. Sent once the transaction commits
(``core.notify.send_email``); each function returns notes of anyone it could not reach."""

from __future__ import annotations

from core import clock
from core.notify import send_email
from panel import links, selectors
from panel.models import ClosureRequest, PanelDecision


def notify_decision(*, decision: PanelDecision) -> list[str]:
    """Tell the referrer the outcome and send the referral to the agencies; returns notes."""
    case = decision.case
    referral = case.referral
    notes = []
    when = decision.meeting.date if decision.meeting else clock.local(decision.decided_at).date()
    referrer = referral.submitted_by
    if referrer.email:
        send_email(
            to=referrer.email,
            template="panel_outcome",
            personalisation={
                "reference": case.esmap_number,
                "outcome": decision.outcome,
                "meeting_date": f"{when:%-d %B %Y}",
                "sign_in_url": links.referral_outcome(referral),
            },
            reference=case.esmap_number,
            record=decision,
        )
    else:
        notes.append("The referrer has no email address: tell them another way")
    agencies = []
    if decision.kind in (PanelDecision.Kind.LEAD_AGENCY, PanelDecision.Kind.SINGLE_AGENCY):
        agencies.append(decision.lead_agency)
        agencies.extend(decision.supporting_agencies.order_by("sort_order", "name"))
    for agency in agencies:
        recipients = selectors.agency_recipients(agency)
        allocate = (
            agency == decision.lead_agency and decision.kind == PanelDecision.Kind.LEAD_AGENCY
        )
        for user in recipients:
            send_email(
                to=user.email,
                template="referral_for_agency",
                personalisation={
                    "reference": case.esmap_number,
                    "sign_in_url": links.case_for_agency(case, allocate=allocate),
                },
                reference=case.esmap_number,
                record=decision,
            )
        if not recipients:
            notes.append(
                f"{agency.name} has no team manager with an email address: send them the referral another way"
            )
    return notes


def notify_closure_returned(*, closure: ClosureRequest) -> None:
    """Tell the lead professional who sent the closure form that the panel returned it."""
    lead = closure.requested_by
    case = closure.case
    if lead.email:
        send_email(
            to=lead.email,
            template="closure_returned",
            personalisation={
                "reference": case.esmap_number,
                "sign_in_url": links.case_closure(case),
            },
            reference=case.esmap_number,
            record=closure,
        )
