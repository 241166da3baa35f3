"""Telling a member of the public what happened to the request they made.

Sent by email through core.notify, only when they gave an email address and said it is safe to
email or write to them: someone who said it is not safe is never sent anything. The message holds
the request's reference and the outcome in plain words, nothing else: no name, no child, no
service that could tell someone else reading it more than the person asking already knows.
Written in the caller's transaction, so a refused or rolled-back decision sends nothing.
"""

from __future__ import annotations

from core import notify
from support_requests.models import SupportRequest

Status = SupportRequest.Status

TEMPLATE = "request_outcome"

OUTCOME_WORDS: dict[str, str] = {
    Status.SIGNPOSTED: (
        "Another service is better placed to help you. We have passed your request on to them "
        "and they should contact you."
    ),
    Status.SINGLE_AGENCY: "One service will give your family support. They should contact you.",
    Status.ASSESSMENT: (
        "An early help worker will contact you to talk about what help your family needs."
    ),
    Status.PANEL_REFERRAL: (
        "Your request will go to the early help panel, where services agree together how best "
        "to help. We will contact you about it."
    ),
    Status.REFERRED_TO_DUTY_TEAM: (
        "We have passed your request to the council’s children’s services duty team. They "
        "should contact you."
    ),
    Status.CLOSED: "We have closed your request. If you still need help, you can ask again.",
}


def may_write_to(support_request: SupportRequest) -> bool:
    """A public request whose sender gave an email address and said writing to them is safe."""
    return bool(
        support_request.source == SupportRequest.Source.PUBLIC
        and support_request.requester_email
        and support_request.safe_to_write is True
    )


def tell_requester(*, support_request: SupportRequest, status: str):
    """Email the outcome (``status``) the request has just reached, if its sender may be
    written to."""
    outcome = OUTCOME_WORDS.get(status)
    if outcome is None or not may_write_to(support_request):
        return None
    return notify.send_email(
        to=support_request.requester_email,
        template=TEMPLATE,
        personalisation={"reference": support_request.reference, "outcome": outcome},
        reference=support_request.reference,
        record=support_request,
    )
