"""Who may supervise whom, and who may read a supervision or raise an escalation (django-rules).

A worker is supervised by a team manager of their team or by an early support team leader (of
their own team or one they manage). The worker reads their own
supervisions; nobody else does (they are about the worker's practice). Escalations belong to a
family's episode: whoever may change it, or oversees it, raises and moves them on; whoever sees the
episode reads them.
"""

import rules

from accounts.models import Role
from casework.rules import changes_episode, oversees_episode
from core import scope

# Whom a supervisor supervises: staff who carry cases.
SUPERVISED_ROLES = (Role.PRACTITIONER, Role.LEAD_PROFESSIONAL)
SUPERVISOR_ROLES = (Role.TEAM_MANAGER, Role.EARLY_SUPPORT_TEAM_LEADER)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_supervisor(user) -> bool:
    return _active(user) and user.has_role(*SUPERVISOR_ROLES)


@rules.predicate
def is_supervised(user) -> bool:
    return _active(user) and user.has_role(*SUPERVISED_ROLES)


def supervised_team_ids(user) -> set[int]:
    """The teams whose workers ``user`` supervises (managed teams; a team leader's own too)."""
    if not is_supervisor(user):
        return set()
    ids = set(user.managed_teams.values_list("id", flat=True))
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER) and user.team_id:
        ids.add(user.team_id)
    return ids


@rules.predicate
def supervises(user, worker) -> bool:
    if worker is None or not is_supervisor(user) or worker.pk == user.pk:
        return False
    if not (worker.is_active and worker.has_role(*SUPERVISED_ROLES)):
        return False
    return bool(worker.team_id and worker.team_id in supervised_team_ids(user))


@rules.predicate
def reads_supervision(user, supervision) -> bool:
    if supervision is None or not _active(user):
        return False
    return user.pk in (supervision.worker_id, supervision.supervisor_id) or supervises(
        user, supervision.worker
    )


@rules.predicate
def uses_supervision(user) -> bool:
    return is_supervisor(user) or is_supervised(user)


@rules.predicate
def may_escalate(user) -> bool:
    return (
        _active(user)
        and scope.can_see_case_records(user)
        and not (
            user.has_role(Role.BUSINESS_SUPPORT)
            and not user.has_role(*SUPERVISED_ROLES, *SUPERVISOR_ROLES)
        )
    )


rules.add_perm("oversight.use_supervision", uses_supervision)
rules.add_perm("oversight.supervise", is_supervisor)
rules.add_perm("oversight.supervise_worker", supervises)
rules.add_perm("oversight.view_supervision", reads_supervision)
# Marking a supervision action done: the worker or their supervisor.
rules.add_perm("oversight.change_supervision", reads_supervision)
rules.add_perm("oversight.escalate", may_escalate)


# Raising and moving on an escalation about a family's work: whoever may change the episode, or
# oversees it.
rules.add_perm("oversight.escalate_episode", changes_episode | oversees_episode)
