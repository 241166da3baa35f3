"""Demo data for the patterns the product spots: a child asked about twice within a year (the
waiting request in the early support team leader's area is a repeat referral at triage), and a
record of disguised compliance on the lead professional's first open episode. Written through the
services; a second run writes nothing. Nothing here prints or audits personal data."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from casework import services as casework_services
from casework.models import Contact, Episode
from core.models import Area
from demo.panel_and_casework import _demo
from patterns import services as pattern_services
from patterns.models import DisguisedComplianceRecord
from support_requests import services as request_services
from support_requests.models import SupportRequest
from support_requests.services import ChildDetails

REQUESTER = "Demo Parent (asked before)"
EARLIER_MONTHS_AGO = 7


def _repeat_request(*, today: date, counts: Counter) -> None:
    """The team leader's area has a member of the public's request waiting (``seed_requests``):
    the same child was asked about months ago, in a request closed after a phone call."""
    leader = _demo("team.leader")
    if leader is None or SupportRequest.objects.filter(requester_name=REQUESTER).exists():
        return
    # The team leader's area (a central team sees every area's queue: the first area, then).
    area = (leader.team.area if leader.team else None) or Area.objects.order_by(
        "sort_order", "code"
    ).first()
    waiting = (
        SupportRequest.objects.filter(
            area=area,
            source=SupportRequest.Source.PUBLIC,
            status__in=SupportRequest.OPEN_STATUSES,
        )
        .order_by("created_at")
        .first()
    )
    child = (
        waiting.children.filter(date_of_birth__isnull=False).order_by("position").first()
        if waiting
        else None
    )
    if child is None:
        return
    earlier = request_services.support_request_submit_public(
        area=area,
        requester_name=REQUESTER,
        requester_relationship=SupportRequest.Relationship.PARENT_CARER,
        requester_phone="07700 900456",
        can_call=True,
        can_leave_message=True,
        safe_to_write=False,
        children=[ChildDetails(first_name=child.first_name, date_of_birth=child.date_of_birth)],
        what_is_happening="School mornings are a battle and my eldest is often late.",
        help_wanted="Advice on routines.",
        consent_to_contact_agencies=SupportRequest.Consent.YES,
        # A documentation address (RFC 5737), away from the other journeys' ones.
        client_address="198.51.100.1",
    )
    # Made months before the one waiting, and closed after a conversation.
    SupportRequest.objects.filter(pk=earlier.pk).update(
        created_at=waiting.created_at - timedelta(days=EARLIER_MONTHS_AGO * 31)
    )
    request_services.support_request_close(
        actor=leader,
        support_request=earlier,
        reason="Advice on routines given by phone; the family will ask again if needed.",
    )
    counts["support requests"] += 1


def _disguised_compliance(*, today: date, counts: Counter) -> None:
    lead = _demo("lead.professional")
    if lead is None:
        return
    episode = (
        Episode.objects.filter(lead_professional=lead, status=Episode.Status.OPEN)
        .select_related("family", "lead_professional")
        .order_by("started_on", "created_at")
        .first()
    )
    if episode is None or DisguisedComplianceRecord.objects.filter(episode=episode).exists():
        return
    contact = casework_services.contact_record(
        actor=lead,
        episode=episode,
        happened_on=max(episode.started_on, today - timedelta(days=3)),
        kind=Contact.Kind.HOME_VISIT,
        notes="Home visit to talk about the plan's actions.",
    )
    pattern_services.disguised_compliance_record(
        actor=lead,
        episode=episode,
        contact=contact,
        agreed="Mum agreed to book the health visitor's two-year check and go to the appointment.",
        not_done="No appointment has been booked.",
        family_says="Mum says the check is booked for next week and that everything is in hand.",
        evidence="The health visiting team have no booking and no call from Mum (checked by phone "
        "after the visit).",
    )
    counts["disguised compliance records"] += 1


def seed(*, today: date, counts: Counter) -> None:
    _repeat_request(today=today, counts=counts)
    _disguised_compliance(today=today, counts=counts)
