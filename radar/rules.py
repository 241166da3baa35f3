"""Who may see the radar, run it and acknowledge a flag (django-rules; loaded by rules'
autodiscovery). The radar's own rules of drift and delay are in ``radar.engine``.

A flag on an episode is the lead professional's and their managers': the lead professional, a
team manager of the lead professional's team, or the early support team leader (who oversees
every team's caseload). A flag on a panel case waiting for its lead professional is for those who
oversee caseloads; a flag on a request waiting for its reply is for those who triage.
"""

import rules

from accounts.models import Role
from casework.rules import is_lead_professional, leads_episodes, sees_team_caseload


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def triages(user) -> bool:
    return _active(user) and rules.has_perm("support_requests.triage", user)


@rules.predicate
def manages_flag(user, flag) -> bool:
    """A manager of the flag's subject: for an episode, its lead professional's team manager or
    the early support team leader; for a panel case, anyone who oversees caseloads."""
    if flag is None or not _active(user):
        return False
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return flag.support_request_id is None
    if flag.episode_id is not None:
        team_id = flag.episode.lead_professional.team_id
        return bool(
            team_id
            and user.has_role(Role.TEAM_MANAGER)
            and user.managed_teams.filter(pk=team_id).exists()
        )
    return flag.panel_case_id is not None and bool(sees_team_caseload(user))


@rules.predicate
def leads_flag_episode(user, flag) -> bool:
    return bool(flag is not None and flag.episode_id and is_lead_professional(user, flag.episode))


@rules.predicate
def triages_flag_request(user, flag) -> bool:
    return bool(flag is not None and flag.support_request_id and triages(user))


# The radar page: lead professionals (their families), managers (their teams) and those who triage
# (requests waiting for their reply).
rules.add_perm("radar.view_radar", leads_episodes | sees_team_caseload | triages)
# Running the radar now, between its early-morning runs: those who oversee a team's caseload.
rules.add_perm("radar.run", sees_team_caseload)
rules.add_perm("radar.acknowledge_flag", leads_flag_episode | manages_flag | triages_flag_request)
