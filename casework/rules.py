"""Who may open, change and step down an episode and its plan (django-rules; loaded by rules'
autodiscovery).

Every "may I?" about casework is one of these permissions. The services ask them before writing,
and the pages, presenters and API ask the same ones earlier (``rules.has_perm`` /
``user.has_perm``), before a form or body is read, so a role that may not is refused (403)
whatever it sent, and a button is shown exactly when the action would be allowed.
"""

import rules

from accounts.models import Role
from core import scope
from panel.selectors import LEAD_PROFESSIONAL_ROLES

# Roles that do casework; business support keep records alongside them.
CASEWORK_ROLES = (
    Role.EARLY_SUPPORT_TEAM_LEADER,
    Role.TEAM_MANAGER,
    Role.LEAD_PROFESSIONAL,
    Role.PRACTITIONER,
)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _records_only(user) -> bool:
    """Business support work in the service but keep records: they never open, step down or
    change an episode, however their agency is flagged."""
    return user.has_role(Role.BUSINESS_SUPPORT) and not user.has_role(*CASEWORK_ROLES)


@rules.predicate
def is_early_support_service(user) -> bool:
    """The early support service: its team leaders, and case staff of the early support agency."""
    if not _active(user):
        return False
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return True
    if _records_only(user):
        return False
    agency = getattr(user, "agency", None)
    return bool(agency and agency.is_early_support_service and user.has_role(*scope.CASE_ROLES))


@rules.predicate
def is_lead_professional(user, episode) -> bool:
    return episode is not None and user.pk == episode.lead_professional_id


@rules.predicate
def manages_lead_professional(user, episode) -> bool:
    if episode is None:
        return False
    team_id = episode.lead_professional.team_id
    return bool(
        team_id
        and user.has_role(Role.TEAM_MANAGER)
        and user.managed_teams.filter(pk=team_id).exists()
    )


@rules.predicate
def changes_episode(user, episode) -> bool:
    """The episode's lead professional, their manager or the early support service. Business
    support and panel members never do."""
    if episode is None or not _active(user) or _records_only(user):
        return False
    return bool(
        is_lead_professional(user, episode)
        or manages_lead_professional(user, episode)
        or is_early_support_service(user)
    )


@rules.predicate
def oversees_episode(user, episode) -> bool:
    """Management oversight of a case (seed 001 §9): a team manager of the lead professional's
    team, or an early support team leader. Only they record oversight notes and agree to a step
    up or a step down."""
    if episode is None or not _active(user):
        return False
    return bool(
        user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER) or manages_lead_professional(user, episode)
    )


@rules.predicate
def sees_team_caseload(user) -> bool:
    return _active(user) and user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER, Role.TEAM_MANAGER)


@rules.predicate
def leads_episodes(user) -> bool:
    """Of a role that may lead a family's episode (the roles the panel may name as lead
    professional)."""
    return _active(user) and user.has_role(*LEAD_PROFESSIONAL_ROLES)


rules.add_perm("casework.change_episode", changes_episode)
# Leading episodes: the work tray shows a lead professional their reviews, actions and closures.
rules.add_perm("casework.lead_episodes", leads_episodes)
# Opening an episode for a family (outside a panel allocation) is the early support service's.
rules.add_perm("casework.open_episode", is_early_support_service)
# Stepping a family down from an ended episode: also the early support service when the last
# lead professional has moved on.
rules.add_perm("casework.step_down_episode", changes_episode | is_early_support_service)
# Management oversight notes and agreeing to a step up or down: the lead professional's team
# manager or an early support team leader.
rules.add_perm("casework.oversee_episode", oversees_episode)
# The team caseload: the early support team leader (everyone's) and team managers (their teams').
rules.add_perm("casework.view_team_caseload", sees_team_caseload)
