"""Scoped reads of requests for support: the one place their access rules live.

Who sees a request (issue 3): early support team leaders and business support in the
early support service, for their team's area; if their team has no area (a central
team), every area. Requests whose area is not yet known (a member of the public who was
not sure) are shown to every team leader who sees any requests, so none is lost between
areas. Nobody else sees any, system administrators included: views turn "not in this
queryset" into 404, so an out-of-scope request is indistinguishable from a missing one.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from core import scope
from support_requests.models import SafeguardingStop, SupportRequest, SupportRequestHistory

QUEUE_ROLES = (Role.EARLY_SUPPORT_TEAM_LEADER, Role.BUSINESS_SUPPORT)


def can_see_requests(user) -> bool:
    if not scope.can_see_case_records(user) or not user.has_role(*QUEUE_ROLES):
        return False
    agency = user.agency
    return bool(agency and agency.is_early_support_service)


def can_triage(user) -> bool:
    """Only early support team leaders triage (business support see the queue only)."""
    return can_see_requests(user) and user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER)


def requests_for(user) -> QuerySet[SupportRequest]:
    if not can_see_requests(user):
        return SupportRequest.objects.none()
    team = user.team
    if team is None or team.area_id is None:
        return SupportRequest.objects.all()
    return SupportRequest.objects.filter(Q(area_id=team.area_id) | Q(area__isnull=True))


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
            "triage__need_level",
            "triage__single_agency",
            "triage__decided_by",
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
