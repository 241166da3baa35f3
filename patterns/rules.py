"""Who may record and withdraw disguised compliance (django-rules; loaded by rules'
autodiscovery): the episode's lead professional and the managers of their team. The services
ask these before writing; the pages and the API ask the same ones earlier, before a form or body
is read. ``may_act`` is the rule itself, so a list (the episode notices) can ask it for many
episodes with one query for the user's managed teams."""

import rules

from accounts.models import Role


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def managed_team_ids(user) -> set[int]:
    if not _active(user) or not user.has_role(Role.TEAM_MANAGER):
        return set()
    return set(user.managed_teams.values_list("pk", flat=True))


def may_act(user, *, lead_id, lead_team_id, managed: set[int]) -> bool:
    """The rule: the episode's lead professional, or a manager of the lead professional's team."""
    if not _active(user):
        return False
    return user.pk == lead_id or bool(lead_team_id and lead_team_id in managed)


def _episode_rule(user, episode) -> bool:
    if episode is None or not _active(user):
        return False
    if user.pk == episode.lead_professional_id:
        return True
    return may_act(
        user,
        lead_id=episode.lead_professional_id,
        lead_team_id=episode.lead_professional.team_id,
        managed=managed_team_ids(user),
    )


@rules.predicate
def leads_or_manages(user, episode) -> bool:
    return _episode_rule(user, episode)


@rules.predicate
def leads_or_manages_record(user, record) -> bool:
    return record is not None and _episode_rule(user, record.episode)


@rules.predicate
def may_lead_or_manage(user) -> bool:
    """Roles that can lead an episode or manage those who do: anyone else is refused (403) before
    the API reads which episode they meant."""
    return _active(user) and user.has_role(
        Role.PRACTITIONER, Role.LEAD_PROFESSIONAL, Role.TEAM_MANAGER
    )


rules.add_perm("patterns.record_any", may_lead_or_manage)
rules.add_perm("patterns.record_disguised_compliance", leads_or_manages)
rules.add_perm("patterns.withdraw_disguised_compliance", leads_or_manages_record)
