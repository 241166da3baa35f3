"""Who may record, end and review a family's risk and vulnerability factors (django-rules; loaded
by rules' autodiscovery).

Which families a user may see is scope (``people.selectors.families_for``), decided first: out of
scope is a 404. These permissions come after it: the services ask them before writing, and the
pages and API ask the same ones earlier, before a form or body is read.
"""

import rules

from accounts.models import Role
from core import scope

# Recording a factor is a practitioner's judgement about the family: staff who work with case
# records, not business support (who keep records alongside them).
RECORD_ROLES = (
    Role.PRACTITIONER,
    Role.LEAD_PROFESSIONAL,
    Role.TEAM_MANAGER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
)


@rules.predicate
def records_factors(user) -> bool:
    return bool(scope.can_see_case_records(user) and user.has_role(*RECORD_ROLES))


@rules.predicate
def reviews_factors(user, plan_review) -> bool:
    """Revisiting the factors is part of recording the plan review: whoever may change the
    episode (its lead professional, their manager, the early support service)."""
    if plan_review is None:
        return False
    return records_factors(user) and rules.has_perm(
        "casework.change_episode", user, plan_review.episode
    )


rules.add_perm("risk_factors.record_factor", records_factors)
rules.add_perm("risk_factors.review_factors", reviews_factors)
