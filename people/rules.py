"""Who may do what with people's and families' records (django-rules; loaded by rules'
autodiscovery).

The services ask these before writing, and the pages and API ask them earlier, before a form
or body is read, so a role that may not is refused (403) whatever it sent. What a user may
see at all (``people.selectors.people_for`` and ``families_for``) is scope, not a permission:
out of scope is a 404, decided before any of these is asked.
"""

import rules

from accounts.models import Role
from core import scope
from people.models import Family, FamilyTeam, Person

# Who decides which teams work with a family (and so who can see it).
TEAM_CHANGE_ROLES = (Role.TEAM_MANAGER, Role.EARLY_SUPPORT_TEAM_LEADER)


@rules.predicate
def has_case_access(user) -> bool:
    """A role that works with case records (``core.scope.CASE_ROLES``)."""
    return scope.can_see_case_records(user)


@rules.predicate
def changes_family_teams(user) -> bool:
    """A team manager or an early support team leader: they decide which teams work with a
    family, and so who can see it."""
    return scope.can_see_case_records(user) and user.has_role(*TEAM_CHANGE_ROLES)


@rules.predicate
def works_with_record(user, record) -> bool:
    """The user's own (or managed) team works with the person's family, or with this family.

    Seeing every family (the early support service) is not enough: a refuge address is shared
    with the people who must visit, not with everyone who may read the record.
    """
    team_ids = scope.team_ids_in_scope(user)
    if not team_ids or record is None:
        return False
    links = FamilyTeam.objects.filter(team_id__in=team_ids, ended_on__isnull=True)
    if isinstance(record, Person):
        return links.filter(family__members__person=record).exists()
    if isinstance(record, Family):
        return links.filter(family=record).exists()
    raise TypeError("A confidential address is seen on a person's or a family's record")


rules.add_perm("people.search_people", has_case_access)
# Adding a person (to a family in scope, or a new one): anyone who works with case records.
rules.add_perm("people.add_person", has_case_access)
rules.add_perm("people.change_family_teams", changes_family_teams)
# Asked with the person or family whose record shows the address.
rules.add_perm("people.see_confidential_address", works_with_record)
