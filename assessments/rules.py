"""Who may write and sign off assessments (django-rules; loaded by rules' autodiscovery).

Every "may I?" about an assessment is one of these permissions. The services ask them before
writing, and the pages and API ask the same ones earlier, before a form or body is read, so a
role that may not is refused (403) whatever it sent, and a button is shown exactly when the
action would be allowed.
"""

import rules

from accounts.models import Role

# Who may write an assessment: business support keep records and panel members only read packs.
WRITER_ROLES = (
    Role.PRACTITIONER,
    Role.LEAD_PROFESSIONAL,
    Role.TEAM_MANAGER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@rules.predicate
def is_assessment_writer(user) -> bool:
    """Practitioners, lead professionals, team managers and early support team leaders."""
    return _active(user) and user.has_role(*WRITER_ROLES)


@rules.predicate
def is_sign_off_manager(user, assessment) -> bool:
    """A manager of the worker's team, or an early support team leader; never the worker, so
    nobody signs off their own assessment."""
    if not _active(user) or assessment is None or user.pk == assessment.worker_id:
        return False
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return True
    return bool(
        user.has_role(Role.TEAM_MANAGER)
        and assessment.worker_team_id
        and user.managed_teams.filter(pk=assessment.worker_team_id).exists()
    )


rules.add_perm("assessments.write_assessment", is_assessment_writer)
rules.add_perm("assessments.sign_off_assessment", is_sign_off_manager)
