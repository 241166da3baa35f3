"""Who may ask for casework consultancy, give it, and manage it (django-rules).

* A partner practitioner or lead professional asks for consultancy (``consultancy.ask``) and
  withdraws their own request (``consultancy.withdraw``).
* A casework consultant (a member of staff designated as one today: ``CaseworkConsultant``, not a
  role) picks up a waiting request (``consultancy.pick_up``), and answers the requests assigned to
  them: accepts, declines, records the outcome (``consultancy.answer``).
* An early support team leader manages the whole service (``consultancy.manage``): assigns
  consultants, keeps the list of consultants, reads the counts; and may answer any request.

Which requests each of them sees is ``selectors.requests_for``: anything else is 404.
"""

import rules

from accounts.models import Role
from consultancy import selectors

REQUESTER_ROLES = (Role.PRACTITIONER, Role.LEAD_PROFESSIONAL)
# Consultants are designated from the staff who carry cases.
CONSULTANT_ROLES = REQUESTER_ROLES


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_requester(user) -> bool:
    return _active(user) and user.has_role(*REQUESTER_ROLES)


@rules.predicate
def is_team_leader(user) -> bool:
    return _active(user) and user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER)


@rules.predicate
def is_consultant(user) -> bool:
    return (
        _active(user) and user.has_role(*CONSULTANT_ROLES) and selectors.is_consultant_today(user)
    )


@rules.predicate
def answers_request(user, request) -> bool:
    if request is None or not _active(user):
        return False
    if is_team_leader(user):
        return True
    return request.consultant_id == user.pk and is_consultant(user)


@rules.predicate
def made_request(user, request) -> bool:
    return request is not None and _active(user) and request.requested_by_id == user.pk


rules.add_perm("consultancy.use", is_requester | is_team_leader | is_consultant)
rules.add_perm("consultancy.ask", is_requester)
rules.add_perm("consultancy.manage", is_team_leader)
rules.add_perm("consultancy.pick_up", is_consultant)
rules.add_perm("consultancy.answer", answers_request)
rules.add_perm("consultancy.withdraw", made_request)
