"""Who may record consent and who may authorise going ahead without it (django-rules; loaded by
rules' autodiscovery).

The services ask these before writing, and the pages and API ask them earlier, before a form or
body is read, so a role that may not is refused (403) whatever it sent. Which families a user
may see is scope (``people.selectors.families_for``), decided first: out of scope is a 404.
"""

import rules

from accounts.models import Role
from core import scope

# Who may record consent: staff working with case records, except business support, whose
# role is administrative; consent is a conversation a practitioner has with the family.
RECORD_ROLES = (
    Role.PRACTITIONER,
    Role.LEAD_PROFESSIONAL,
    Role.TEAM_MANAGER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
)
# Who may authorise going ahead without consent: a manager's decision, never a practitioner's.
OVERRIDE_ROLES = (Role.EARLY_SUPPORT_TEAM_LEADER, Role.TEAM_MANAGER)


@rules.predicate
def records_consent(user) -> bool:
    """Anyone who works with families (RECORD_ROLES); not business support."""
    return scope.can_see_case_records(user) and user.has_role(*RECORD_ROLES)


@rules.predicate
def overrides_consent(user) -> bool:
    """A manager's decision, never a practitioner's (OVERRIDE_ROLES)."""
    return scope.can_see_case_records(user) and user.has_role(*OVERRIDE_ROLES)


rules.add_perm("consent.record_decision", records_consent)
rules.add_perm("consent.record_override", overrides_consent)
