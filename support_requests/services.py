"""Writes to requests for support. Each is one transaction with its audit event.

Status changes go only through these services, which check the change is allowed from
the request's current status (with the row locked, so two people pressing the same button
cannot both succeed) and append a SupportRequestHistory row saying who, when and why.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import Action, audit_record
from core.models import Area
from support_requests.models import SupportRequest, SupportRequestChild, SupportRequestHistory
from support_requests.throttle import client_hash

Status = SupportRequest.Status

# At most this many public requests from one address in an hour (abuse control).
SUBMISSIONS_PER_HOUR = 5
MAX_CHILD_AGE = 25  # early help works with young people up to 25 with SEND

# Which status a request may move to from each status. Outcomes of triage (signpost,
# single-agency support, assessment, panel) will add their own.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_TRIAGE, Status.CLOSED}),
    Status.IN_TRIAGE: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# No vowels (so a reference never spells a word or a name) and no 0/O or 1/I.
_REFERENCE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"
REFERENCE_PREFIX = "REQ-"


class TooManySubmissions(Exception):
    """Too many requests from one client address in the last hour; nothing was saved."""


class TransitionNotAllowed(Exception):
    """The request's status cannot change that way (it may have been changed by someone else)."""


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    age_years: int | None = None
    date_of_birth: date | None = None


def _new_reference() -> str:
    while True:
        reference = REFERENCE_PREFIX + "".join(
            secrets.choice(_REFERENCE_ALPHABET) for _ in range(6)
        )
        if not SupportRequest.objects.filter(reference=reference).exists():
            return reference


def recent_submissions_from(ip_hash: str, *, within: timedelta = timedelta(hours=1)) -> int:
    return SupportRequest.objects.filter(
        submitted_ip_hash=ip_hash, created_at__gte=timezone.now() - within
    ).count()


def _validate_children(children: Sequence[ChildDetails]) -> None:
    if not children:
        raise ValidationError({"children": "Tell us about at least one child or young person"})
    if len(children) > SupportRequestChild.MAX_PER_REQUEST:
        raise ValidationError(
            {
                "children": f"A request can be about at most {SupportRequestChild.MAX_PER_REQUEST} children"
            }
        )
    today = timezone.localdate()
    for child in children:
        if not child.first_name.strip():
            raise ValidationError({"children": "Every child needs a first name"})
        if child.age_years is None and child.date_of_birth is None:
            raise ValidationError({"children": "Every child needs an age or a date of birth"})
        if child.age_years is not None and not 0 <= child.age_years <= MAX_CHILD_AGE:
            raise ValidationError({"children": f"Ages must be between 0 and {MAX_CHILD_AGE}"})
        if child.date_of_birth is not None and child.date_of_birth > today:
            raise ValidationError({"children": "Dates of birth must be in the past"})


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


def _record_history(*, support_request, actor, from_status: str, to_status: str, reason: str):
    return SupportRequestHistory.objects.create(
        support_request=support_request,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
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
    if requester_relationship not in SupportRequest.Relationship.values:
        raise ValidationError({"requester_relationship": "Select who is asking for help"})
    if consent_to_contact_agencies not in SupportRequest.Consent.values:
        raise ValidationError({"consent_to_contact_agencies": "Select an answer"})
    if not what_is_happening.strip():
        raise ValidationError({"what_is_happening": "Tell us what is happening"})
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
    _validate_children(children)

    ip_hash = client_hash(client_address)
    if recent_submissions_from(ip_hash) >= SUBMISSIONS_PER_HOUR:
        raise TooManySubmissions

    support_request = SupportRequest.objects.create(
        reference=_new_reference(),
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
    SupportRequestChild.objects.bulk_create(
        SupportRequestChild(
            support_request=support_request,
            position=position,
            first_name=child.first_name.strip(),
            age_years=child.age_years,
            date_of_birth=child.date_of_birth,
        )
        for position, child in enumerate(children, start=1)
    )
    _record_history(
        support_request=support_request,
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


def _transition(
    *, actor, support_request: SupportRequest, to_status: str, reason: str
) -> SupportRequest:
    # Lock the row: of two people pressing the same button, the second sees the new status.
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    from_status = locked.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        raise TransitionNotAllowed(
            f"A request that is {Status(from_status).label.lower()} cannot be moved to "
            f"{Status(to_status).label.lower()}"
        )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    _record_history(
        support_request=locked,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": ["status"], "from": from_status, "to": to_status},
    )
    support_request.status = locked.status
    support_request.updated_at = locked.updated_at
    return locked


@transaction.atomic
def support_request_start_triage(
    *, actor, support_request: SupportRequest, reason: str = ""
) -> SupportRequest:
    """An early support team leader (or business support) picks a new request up for triage."""
    return _transition(
        actor=actor,
        support_request=support_request,
        to_status=Status.IN_TRIAGE,
        reason=reason.strip() or "Triage started",
    )


@transaction.atomic
def support_request_close(*, actor, support_request: SupportRequest, reason: str) -> SupportRequest:
    """Close a request (for example a duplicate). The reason is required and kept in its history."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the request is being closed"})
    return _transition(
        actor=actor, support_request=support_request, to_status=Status.CLOSED, reason=reason.strip()
    )
