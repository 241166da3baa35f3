"""Scoped reads of casework and the one rule for who may change an episode.

An episode is part of the family's record: visible exactly when the family is
(people.selectors.families_for); anything else is 404.
"""

from django.shortcuts import get_object_or_404

from accounts.models import Role
from casework.models import Episode
from core import scope
from people.selectors import families_for


def episodes_for(user):
    return Episode.objects.filter(family__in=families_for(user))


def get_episode(user, episode_id) -> Episode:
    return get_object_or_404(
        episodes_for(user).select_related(
            "family",
            "lead_professional",
            "lead_professional__team",
            "lead_agency",
            "need_level",
            "previous",
        ),
        pk=episode_id,
    )


def is_early_support_service(user) -> bool:
    """The early support service: its team leaders, and staff of the early support agency."""
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return True
    if user.has_role(Role.BUSINESS_SUPPORT) and not user.has_role(
        Role.TEAM_MANAGER, Role.LEAD_PROFESSIONAL, Role.PRACTITIONER
    ):
        # Business support work in the service but keep records: they never open, step down or
        # change an episode (issue 5), however their agency is flagged.
        return False
    agency = getattr(user, "agency", None)
    return bool(agency and agency.is_early_support_service and user.has_role(*scope.CASE_ROLES))


def manages_lead_professional(user, episode: Episode) -> bool:
    team_id = episode.lead_professional.team_id
    return bool(
        team_id
        and user.has_role(Role.TEAM_MANAGER)
        and user.managed_teams.filter(pk=team_id).exists()
    )


def can_change_episode(user, episode: Episode) -> bool:
    """Only the lead professional, their manager or the early support service change an episode
    or its plan (issue 5). Business support and panel members never do."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.has_role(Role.BUSINESS_SUPPORT) and not user.has_role(
        Role.EARLY_SUPPORT_TEAM_LEADER, Role.TEAM_MANAGER, Role.LEAD_PROFESSIONAL, Role.PRACTITIONER
    ):
        return False
    return bool(
        user.pk == episode.lead_professional_id
        or manages_lead_professional(user, episode)
        or is_early_support_service(user)
    )
