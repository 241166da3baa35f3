"""Scoped reads of the radar's flags. A flag is visible exactly when its subject is on the
reader's radar (``flags_for``); any other is 404.

- an episode's flags: to its lead professional, and to those who see it on their team caseload
  (team managers for their teams, the early support team leader for all);
- a panel case's flags (no lead professional yet): to those who oversee caseloads and see the
  family;
- a request's flags (reply overdue): to those who triage and see the request.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from casework import selectors as casework_selectors
from core.models import Team
from people.selectors import families_for
from radar.models import RadarFlag, RadarFlagHistory, RadarRule
from support_requests.selectors import requests_for

RELATED = (
    "family",
    "child",
    "episode",
    "episode__lead_professional",
    "episode__lead_professional__team",
    "panel_case",
    "support_request",
    "acknowledged_by",
)


def flags_for(user) -> QuerySet[RadarFlag]:
    found = None
    if rules.has_perm("casework.view_team_caseload", user):
        found = Q(episode__in=casework_selectors.team_caseload_for(user).values("pk")) | Q(
            panel_case__isnull=False, family__in=families_for(user).values("pk")
        )
    if rules.has_perm("casework.lead_episodes", user):
        mine = Q(
            episode__in=casework_selectors.episodes_for(user)
            .filter(lead_professional=user)
            .values("pk")
        )
        found = mine if found is None else found | mine
    if rules.has_perm("support_requests.triage", user):
        waiting = Q(support_request__in=requests_for(user).values("pk"))
        found = waiting if found is None else found | waiting
    if found is None:
        return RadarFlag.objects.none()
    return RadarFlag.objects.filter(found)


def no_flags() -> QuerySet[RadarFlag]:
    """An empty queryset of flags (the API schema's generator reads no one's)."""
    return RadarFlag.objects.none()


def open_flags_for(user, *, team_id: int | None = None) -> QuerySet[RadarFlag]:
    """The open flags on ``user``'s radar, by worker then oldest first, in one query."""
    flags = flags_for(user).filter(status__in=RadarFlag.OPEN_STATUSES)
    if team_id is not None:
        flags = flags.filter(episode__lead_professional__team_id=team_id)
    return flags.select_related(*RELATED).order_by(
        "episode__lead_professional__last_name",
        "episode__lead_professional__first_name",
        "episode__lead_professional_id",
        "since",
        "pk",
    )


def raised_flags_for(user) -> QuerySet[RadarFlag]:
    """Flags on ``user``'s radar nobody has acknowledged yet (the work tray)."""
    return (
        flags_for(user)
        .filter(status=RadarFlag.Status.RAISED)
        .select_related("family", "child")
        .order_by("since", "pk")
    )


def get_flag(user, flag_id) -> RadarFlag:
    return get_object_or_404(flags_for(user).select_related(*RELATED), pk=flag_id)


def flag_history(flag: RadarFlag) -> QuerySet[RadarFlagHistory]:
    return RadarFlagHistory.objects.filter(flag=flag).select_related("actor").order_by("at", "id")


def teams_to_filter(user) -> list[Team]:
    """The teams a manager may narrow their radar to: their managed teams; every team for the
    early support team leader."""
    if not rules.has_perm("casework.view_team_caseload", user):
        return []
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return list(Team.objects.order_by("name", "pk"))
    return list(user.managed_teams.order_by("name", "pk"))


def open_flags_for_episodes(episodes: Iterable) -> QuerySet[RadarFlag]:
    """The open flags of episodes already read through casework's scope (the episode page)."""
    return (
        RadarFlag.objects.filter(
            episode__in=[episode.pk for episode in episodes],
            status__in=RadarFlag.OPEN_STATUSES,
        )
        .select_related("child", "episode")
        .order_by("since", "pk")
    )


def rules_in_force() -> list[RadarRule]:
    return list(RadarRule.objects.order_by("sort_order", "code"))
