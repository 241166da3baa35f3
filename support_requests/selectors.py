"""Scoped reads of requests for support: the one place their access rules live.

Who sees a request: early support team leaders and business support in the
early support service, for their team's area; if their team has no area (a central
team), every area. Requests whose area is not yet known (a member of the public who was
not sure) are shown to every team leader who sees any requests, so none is lost between
areas. Nobody else sees any, system administrators included: views turn "not in this
queryset" into 404, so an out-of-scope request is indistinguishable from a missing one.
"""

from datetime import timedelta

import rules
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core import clock, scope
from core.models import Agency, Area, Council, NeedLevel, Team
from people.models import Family
from people.selectors import families_for
from support_requests.models import (
    SafeguardingStop,
    SupportRequest,
    SupportRequestHistory,
    Triage,
)


def requests_for(user) -> QuerySet[SupportRequest]:
    if not rules.has_perm("support_requests.see_requests", user):
        return SupportRequest.objects.none()
    team = user.team
    if team is None or team.area_id is None:
        return SupportRequest.objects.all()
    return SupportRequest.objects.filter(Q(area_id=team.area_id) | Q(area__isnull=True))


def may_read_request(user, request_id: str) -> bool:
    """Whether the request is in the user's scope (one query; a malformed id is not)."""
    try:
        return requests_for(user).filter(pk=request_id).exists()
    except (ValueError, ValidationError):
        return False


def queue_for(user) -> QuerySet[SupportRequest]:
    """Open requests for the triage queue, oldest first, in a fixed number of queries."""
    return (
        requests_for(user)
        .filter(status__in=SupportRequest.OPEN_STATUSES)
        .select_related("area")
        .annotate(children_count=Count("children"))
        .order_by("created_at", "reference")
    )


def request_detail(user, request_id) -> SupportRequest:
    return get_object_or_404(
        requests_for(user)
        .select_related(
            "area",
            "family",
            "requester",
            "requester_team",
            "requester_agency",
            "key_contact_team",
            "need_level_at_step_down",
            "triage__need_level",
            "triage__single_agency",
            "triage__decided_by",
            "lead_professional",
            "lead_agency",
        )
        .prefetch_related(
            "children",
            Prefetch("history", queryset=SupportRequestHistory.objects.select_related("actor")),
            Prefetch(
                "safeguarding_stops",
                queryset=SafeguardingStop.objects.select_related("actor", "need_level"),
            ),
        ),
        pk=request_id,
    )


def get_request(user, request_id) -> SupportRequest:
    return get_object_or_404(requests_for(user), pk=request_id)


# ---- Practitioners' requests and step-downs from MASH.


def requests_submitted_by(user) -> QuerySet[SupportRequest]:
    """The requests this member of staff made: all a practitioner may see of requests."""
    if not scope.can_see_case_records(user):
        return SupportRequest.objects.none()
    return SupportRequest.objects.filter(requester=user)


def my_requests(user) -> QuerySet[SupportRequest]:
    """The user's own requests, newest first, in a fixed number of queries."""
    return (
        requests_submitted_by(user)
        .select_related("area", "family", "lead_professional", "lead_agency")
        .annotate(children_count=Count("children"))
        .order_by("-created_at", "reference")
    )


def get_my_request(user, request_id) -> SupportRequest:
    return get_object_or_404(requests_submitted_by(user), pk=request_id)


def families_to_request_for(user) -> QuerySet[Family]:
    """Families a request may be linked to: exactly the user's family scope."""
    return families_for(user).select_related("area").order_by("name", "reference")


def key_contact_for(area: Area | None) -> Team | None:
    """The early support team of the area: the key contact for practitioners' requests."""
    if area is None:
        return None
    return (
        Team.objects.filter(area=area, agency__is_early_support_service=True)
        .order_by("name")
        .first()
    )


def key_contacts_by_area() -> dict[int, Team]:
    """Each area's early support team, in one query (for pages that list every area)."""
    contacts: dict[int, Team] = {}
    for team in Team.objects.filter(
        area__isnull=False, agency__is_early_support_service=True
    ).order_by("-name"):
        contacts[team.area_id] = team
    return contacts


# ---- The safeguarding stops still waiting for what the user did next.


def pending_stop(support_request: SupportRequest) -> SafeguardingStop | None:
    """The safeguarding stop still waiting for the user to say what they did next, if any."""
    return (
        SafeguardingStop.objects.filter(support_request=support_request, next_step="")
        .order_by("-at", "-id")
        .first()
    )


def pending_submission_stop(*, actor, support_request: SupportRequest) -> SafeguardingStop | None:
    """The stop this user raised when making the request, still waiting for its next step."""
    return (
        SafeguardingStop.objects.filter(
            support_request=support_request,
            actor=actor,
            trigger=SafeguardingStop.Trigger.REQUEST_CONCERN,
            next_step="",
        )
        .order_by("-at", "-id")
        .first()
    )


def saved_triage(support_request: SupportRequest) -> Triage | None:
    """The triage written so far on this request (a draft or the decision), if any."""
    return Triage.objects.filter(support_request=support_request).first()


# ---- The public form's abuse control.


def recent_submissions_from(ip_hash: str, *, within: timedelta = timedelta(hours=1)) -> int:
    """How many public requests this (hashed) address sent in the last ``within``."""
    return SupportRequest.objects.filter(
        submitted_ip_hash=ip_hash, created_at__gte=clock.now() - within
    ).count()


# ---- Set-up records the request pages and API name by id (not scoped: council-wide lists).


def council() -> Council | None:
    """The council's record: its duty team's contact details for the stop pages."""
    return Council.objects.first()


def area(pk) -> Area | None:
    return Area.objects.filter(pk=pk).first()


def need_level(pk) -> NeedLevel | None:
    return NeedLevel.objects.filter(pk=pk).first()


def agency(pk) -> Agency | None:
    return Agency.objects.filter(pk=pk).first()


def no_requests() -> QuerySet[SupportRequest]:
    """An empty queryset of requests (the API schema's generator reads no one's)."""
    return SupportRequest.objects.none()


# ---- The work tray.


def requests_to_triage(user) -> QuerySet[SupportRequest]:
    """Open requests (received or in triage) this user may triage, oldest first: the queue's
    scope, for early support team leaders only (business support see the queue, never triage)."""
    if not rules.has_perm("support_requests.triage", user):
        return SupportRequest.objects.none()
    return (
        requests_for(user)
        .filter(status__in=SupportRequest.OPEN_STATUSES)
        .order_by("created_at", "reference")
    )
