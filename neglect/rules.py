"""Who may record and change neglect on a child's record (django-rules; loaded by rules'
autodiscovery).

Seeing a concern is scope: anyone who may see the child's family (``people.selectors``) reads
it, and out of scope is a 404 before any of these is asked. Recording is for the roles that do
casework with the family (practitioners, lead professionals, team managers, the early support
team leader); business support keep records but do not make these judgements (403). The
services ask the same permission with the family, so a family out of the actor's scope is
refused there too.
"""

import rules

from accounts.models import Role
from people.selectors import families_for

RECORDING_ROLES = (
    Role.PRACTITIONER,
    Role.LEAD_PROFESSIONAL,
    Role.TEAM_MANAGER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def records_neglect(user) -> bool:
    """Of a role that records neglect (whatever family)."""
    return _active(user) and user.has_role(*RECORDING_ROLES)


@rules.predicate
def records_neglect_for(user, family) -> bool:
    """Of a role that records neglect, and the family is in the user's scope."""
    if family is None or not records_neglect(user):
        return False
    return families_for(user).filter(pk=family.pk).exists()


# Asked with the family of the child (a concern's own family, for a change to it).
rules.add_perm("neglect.record_concern", records_neglect_for)
# Whether to offer recording at all (the person page's notice, before a family is chosen).
rules.add_perm("neglect.record_any", records_neglect)
