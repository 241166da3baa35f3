"""A member of the public's request for help, and the limit on how often one address may ask."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from core.audit import Action, audit_record
from core.models import Area
from support_requests import selectors
from support_requests.models import SupportRequest
from support_requests.services.errors import TooManySubmissions
from support_requests.services.intake import (
    ChildDetails,
    check_what_is_happening,
    new_reference,
    save_children,
    town_or_postcode,
    validate_children,
)
from support_requests.services.workflow import Status, record_history
from support_requests.throttle import client_hash

# At most this many public requests from one address in an hour (abuse control).
SUBMISSIONS_PER_HOUR = 5


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
    if area is None:
        try:
            location_given = town_or_postcode(location_given)
        except ValidationError as error:
            raise ValidationError({"location_given": error.messages}) from None
    if requester_relationship not in SupportRequest.Relationship.values:
        raise ValidationError({"requester_relationship": "Select who is asking for help"})
    if consent_to_contact_agencies not in SupportRequest.Consent.values:
        raise ValidationError({"consent_to_contact_agencies": "Select an answer"})
    if not what_is_happening.strip():
        raise ValidationError({"what_is_happening": "Tell us what is happening"})
    try:
        check_what_is_happening(what_is_happening)
    except ValidationError as error:
        raise ValidationError({"what_is_happening": error.messages}) from None
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
    validate_children(children)

    ip_hash = client_hash(client_address)
    if selectors.recent_submissions_from(ip_hash) >= SUBMISSIONS_PER_HOUR:
        raise TooManySubmissions

    support_request = SupportRequest.objects.create(
        reference=new_reference(),
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
    save_children(support_request, children)
    record_history(
        record=support_request,
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
