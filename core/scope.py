"""Who may see case records at all, and how widely. Record-type selectors build on this.

Practitioners see the families their team works with; managers see their teams' families; the
early support service sees every family; administrators see configuration, never case content.
"""

from core.roles import Role

CASE_ROLES = (
    Role.PRACTITIONER,
    Role.LEAD_PROFESSIONAL,
    Role.TEAM_MANAGER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
    Role.BUSINESS_SUPPORT,
)
# Roles that oversee others' work and so may see who has looked at a record.
OVERSIGHT_ROLES = (Role.TEAM_MANAGER, Role.EARLY_SUPPORT_TEAM_LEADER)


def can_see_case_records(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(*CASE_ROLES))


def sees_every_family(user) -> bool:
    """The early support service (by agency, set in the council pack) sees every family."""
    if not can_see_case_records(user):
        return False
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER, Role.BUSINESS_SUPPORT):
        return True
    agency = user.agency
    return bool(agency and agency.is_early_support_service)


def team_ids_in_scope(user) -> set[int]:
    """Teams whose families this user may see: their own, plus those they manage."""
    if not can_see_case_records(user):
        return set()
    ids = set()
    if user.team_id:
        ids.add(user.team_id)
    if user.has_role(Role.TEAM_MANAGER):
        ids.update(user.managed_teams.values_list("id", flat=True))
    return ids


def can_view_access_log(user) -> bool:
    return can_see_case_records(user) and user.has_role(*OVERSIGHT_ROLES)
