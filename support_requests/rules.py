"""Who may do what with requests for support (django-rules; loaded by rules' autodiscovery).

The services ask these before writing, and the pages and API ask them earlier, before a form or
body is read, so a role that may not is refused (403) whatever it sent. Navigation and the home
page ask them by name too (``rules.has_perm("support_requests.see_requests", user)``), so core
never imports this app.
"""

import rules

from core import scope
from core.roles import Role
from people.selectors import families_for

# Early support team leaders and business support of the early support service see the queue.
QUEUE_ROLES = (Role.EARLY_SUPPORT_TEAM_LEADER, Role.BUSINESS_SUPPORT)
# Practitioners and lead professionals of any agency ask for early support.
REQUESTER_ROLES = (Role.PRACTITIONER, Role.LEAD_PROFESSIONAL)


@rules.predicate
def sees_requests(user) -> bool:
    """The early support service's team leaders and business support: the area's queue."""
    if not scope.can_see_case_records(user) or not user.has_role(*QUEUE_ROLES):
        return False
    agency = user.agency
    return bool(agency and agency.is_early_support_service)


@rules.predicate
def triages(user) -> bool:
    """Only early support team leaders triage (business support see the queue only)."""
    return sees_requests(user) and user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER)


@rules.predicate
def makes_requests(user) -> bool:
    """Practitioners and lead professionals of any agency (``REQUESTER_ROLES``)."""
    return scope.can_see_case_records(user) and user.has_role(*REQUESTER_ROLES)


@rules.predicate
def area_unknown_and_open(user, support_request) -> bool:
    """A public request whose area nobody has set yet, still waiting for triage."""
    return (
        support_request is not None and support_request.area_id is None and support_request.is_open
    )


@rules.predicate
def assessment_may_start(user, support_request) -> bool:
    """Triage decided on an assessment, the request names a family the user can see, and no
    assessment has been started from it yet. Whether the user writes assessments is the
    assessments app's own permission, asked by name (that app sits above this one)."""
    return bool(
        support_request is not None
        and support_request.status == support_request.Status.ASSESSMENT
        and support_request.family_id
        and rules.has_perm("assessments.write_assessment", user)
        and not support_request.assessments.exists()
        and families_for(user).filter(pk=support_request.family_id).exists()
    )


@rules.predicate
def moves_cases_on(user) -> bool:
    """Any active member of staff with a role: the request follows what they did to the case."""
    return bool(user.is_authenticated and user.is_active and user.roles)


rules.add_perm("support_requests.see_requests", sees_requests)
rules.add_perm("support_requests.triage", triages)
rules.add_perm("support_requests.make_request", makes_requests)
# Step-downs from MASH are recorded by whoever keeps the queue.
rules.add_perm("support_requests.record_step_down", sees_requests)
# The page lists their own requests to anyone who makes or records them.
rules.add_perm("support_requests.see_own_requests", makes_requests | sees_requests)
rules.add_perm("support_requests.set_area", triages & area_unknown_and_open)
rules.add_perm("support_requests.start_assessment", assessment_may_start)
# The request follows the case: whoever moves the case on in an app above this one (a panel chair
# confirming a closure as much as a practitioner starting an assessment) was let do so by that
# app's own permission; here they need only be signed-in staff with a role.
rules.add_perm("support_requests.follow_case", moves_cases_on)
