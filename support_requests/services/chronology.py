"""A request's events on the children's chronology: received, triaged, stopped for safeguarding.

A request not yet linked to a family record holds children only as the requester described them,
not people, so it writes nothing: its story starts on the chronology once the work is with a
family (the assessment or episode that follows records its own events).
"""

from __future__ import annotations

from people.models import ChronologyEntry
from people.selectors import family_children
from people.services import RecordType, chronology_record
from support_requests.models import SupportRequest

Category = ChronologyEntry.Category


def request_event(
    *, actor, support_request: SupportRequest, event: str, summary: str, category=Category.SERVICE
) -> list[ChronologyEntry]:
    return chronology_record(
        actor=actor,
        people=family_children(support_request.family) if support_request.family_id else [],
        summary=summary,
        source="Request for support",
        record_type=RecordType.SUPPORT_REQUEST,
        record_id=support_request.pk,
        event=event,
        category=category,
    )


def received_from(support_request: SupportRequest) -> str:
    agency = support_request.requester_agency
    if support_request.source == SupportRequest.Source.MASH_STEP_DOWN:
        return "Stepped down from children’s social care to early help"
    return (
        f"Request for support received from {agency.name}"
        if agency
        else ("Request for support received")
    )
