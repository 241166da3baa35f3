"""Who may register children at a children's centre, record contacts, read the reach figures and
load the population (django-rules).

- Registering a child and recording a contact: the early support service's own staff, that is its
  team leaders, and practitioners and lead professionals of the early support agency (the
  council pack's ``is_early_support_service``). The child must be in their scope too (a selector's
  404 before this is asked).
- Reading the reach table and a centre's page: team leaders, team managers and strategic leads
  (and whoever registers). A child's name is shown only to a reader who has the child in scope, so
  a strategic lead (no case records) sees figures, never names.
- Loading the under-fives population: early support team leaders and system administrators.
"""

import rules

from accounts.models import Role
from core import scope

RECORD_ROLES = (Role.PRACTITIONER, Role.LEAD_PROFESSIONAL)
READ_ROLES = (Role.EARLY_SUPPORT_TEAM_LEADER, Role.TEAM_MANAGER, Role.STRATEGIC_LEAD)
LOAD_ROLES = (Role.EARLY_SUPPORT_TEAM_LEADER, Role.SYSTEM_ADMINISTRATOR)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def records_centre_work(user) -> bool:
    if not (_active(user) and scope.can_see_case_records(user)):
        return False
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return True
    agency = user.agency
    return bool(user.has_role(*RECORD_ROLES) and agency and agency.is_early_support_service)


@rules.predicate
def reads_reach(user) -> bool:
    return _active(user) and (user.has_role(*READ_ROLES) or records_centre_work(user))


@rules.predicate
def loads_population(user) -> bool:
    return _active(user) and user.has_role(*LOAD_ROLES)


rules.add_perm("children_centres.record", records_centre_work)
rules.add_perm("children_centres.view_reach", reads_reach)
rules.add_perm("children_centres.load_population", loads_population)
