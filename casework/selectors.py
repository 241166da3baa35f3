"""Scoped reads of casework. Who may change what is in ``casework.rules``.

An episode is part of the family's record: visible exactly when the family is
(people.selectors.families_for); anything else is 404.
"""

from django.shortcuts import get_object_or_404

from accounts.models import Role
from casework.models import Episode
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


def team_caseload_for(user):
    """The team caseload: every episode in scope for the early support team leader, and the
    episodes led by their teams' members for a team manager."""
    episodes = episodes_for(user)
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return episodes
    return episodes.filter(lead_professional__team__in=user.managed_teams.values("pk"))
