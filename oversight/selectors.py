"""Reads for supervision and escalations, always through the reader's scope.

Workers come from ``workers_for`` (whom the reader supervises), supervisions from
``supervisions_for`` (the reader's own, and those of the workers they supervise), escalations
from ``escalations_for`` (on episodes the reader sees). Anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role
from casework import selectors as casework_selectors
from casework.models import PlanAction
from core import clock
from oversight.models import Escalation, Supervision, SupervisionAction, SupervisionPolicy
from oversight.rules import SUPERVISED_ROLES, is_supervisor

User = get_user_model()

DEFAULT_EVERY_WEEKS = 4
# Used until the council pack says otherwise (the seed's lessons: 003 §…, 000 §5–§7).
DEFAULT_PROMPTS = [
    {
        "key": "drift",
        "question": "Drift and delay: is the plan moving? What has changed for the child since "
        "the last supervision, and what has not?",
    },
    {
        "key": "disguised_compliance",
        "question": "Disguised compliance: are agreed actions done, or does the family only say "
        "they are engaging? What is the evidence?",
    },
    {
        "key": "start_again",
        "question": "Start-again syndrome: is the history held in mind, or is each new "
        "episode, worker or referral starting from scratch?",
    },
    {
        "key": "lived_experience",
        "question": "The child’s daily lived experience: what is a day like for this child? "
        "When were they last seen, and seen alone?",
    },
]


def policy() -> SupervisionPolicy:
    """The cadence and prompts (the pack's, or the defaults before a pack is loaded)."""
    found = SupervisionPolicy.objects.order_by("pk").first()
    if found is None:
        return SupervisionPolicy(every_weeks=DEFAULT_EVERY_WEEKS, prompts=DEFAULT_PROMPTS)
    if not found.prompts:
        found.prompts = DEFAULT_PROMPTS
    return found


# ---------------------------------------------------------------- workers and supervisions


def workers_for(user) -> QuerySet:
    """Whom ``user`` supervises: case-carrying staff of the teams they manage (a team leader:
    also their own team). Empty for anyone else."""
    if not is_supervisor(user):
        return User.objects.none()
    # One query: the managed teams are a subquery (the work tray counts this on every page).
    teams = Q(team_id__in=user.managed_teams.values("id"))
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER) and user.team_id:
        teams |= Q(team_id=user.team_id)
    return (
        User.objects.filter(teams, is_active=True, role_grants__role__in=SUPERVISED_ROLES)
        .exclude(pk=user.pk)
        .distinct()
    )


def get_worker(user, worker_id) -> User:
    """A worker ``user`` supervises, or the user themselves (their own record); else 404."""
    if str(worker_id) == str(user.pk):
        return user
    return get_object_or_404(workers_for(user).select_related("team", "agency"), pk=worker_id)


@dataclass(frozen=True)
class WorkerRow:
    worker: object
    last_on: date | None
    due_on: date | None
    overdue: bool


def due_date(last_on: date | None, every_weeks: int) -> date | None:
    return last_on + timedelta(weeks=every_weeks) if last_on else None


def is_overdue(last_on: date | None, every_weeks: int, today: date) -> bool:
    """Overdue once the cadence has passed since the last supervision (never supervised:
    overdue)."""
    return last_on is None or today > last_on + timedelta(weeks=every_weeks)


def worker_rows(user, *, today: date | None = None) -> list[WorkerRow]:
    """The workers ``user`` supervises with their last supervision and whether it is overdue
    (two queries whatever the number of workers)."""
    today = today or clock.today()
    every = policy().every_weeks
    workers = (
        workers_for(user)
        .select_related("team")
        .annotate(last_on=Max("supervisions__held_on"))
        .order_by("last_name", "first_name", "pk")
    )
    return [
        WorkerRow(
            worker=w,
            last_on=w.last_on,
            due_on=due_date(w.last_on, every),
            overdue=is_overdue(w.last_on, every, today),
        )
        for w in workers
    ]


def overdue_workers(user, *, today: date | None = None) -> QuerySet:
    """The workers whose supervision is overdue, oldest first (for the work tray)."""
    today = today or clock.today()
    cutoff = today - timedelta(weeks=policy().every_weeks)
    return (
        workers_for(user)
        .annotate(last_on=Max("supervisions__held_on"))
        .filter(Q(last_on__isnull=True) | Q(last_on__lt=cutoff))
        .order_by("last_on", "last_name", "first_name", "pk")
    )


def supervisions_for(user) -> QuerySet[Supervision]:
    """Supervisions ``user`` may read: their own and those of the workers they supervise."""
    if not getattr(user, "is_authenticated", False):
        return Supervision.objects.none()
    return Supervision.objects.filter(
        Q(worker=user) | Q(supervisor=user) | Q(worker__in=workers_for(user))
    )


def supervisions_of(user, worker) -> QuerySet[Supervision]:
    return (
        supervisions_for(user)
        .filter(worker=worker)
        .select_related("supervisor")
        .order_by("-held_on", "-id")
    )


def get_supervision(user, supervision_id) -> Supervision:
    return get_object_or_404(
        supervisions_for(user).select_related("worker", "supervisor"), pk=supervision_id
    )


def supervision_cases(supervision: Supervision):
    return supervision.cases.select_related("episode__family").order_by("id")


def supervision_actions(supervision: Supervision):
    return supervision.actions.select_related("done_by").order_by("by_when", "id")


def supervision_actions_for(user) -> QuerySet[SupervisionAction]:
    return SupervisionAction.objects.filter(supervision__in=supervisions_for(user))


def get_supervision_action(user, action_id) -> SupervisionAction:
    return get_object_or_404(
        SupervisionAction.objects.filter(supervision__in=supervisions_for(user)).select_related(
            "supervision__worker", "supervision__supervisor"
        ),
        pk=action_id,
    )


def episodes_to_discuss(supervisor, worker):
    """The worker's open episodes the supervisor can see (offered on the supervision form)."""
    return (
        casework_selectors.episodes_for(supervisor)
        .filter(lead_professional=worker, status__in=("open", "closure_requested"))
        .select_related("family")
        .order_by("started_on", "pk")
    )


def episodes_in_scope(user, ids) -> dict:
    """The episodes among ``ids`` that ``user`` sees, by id (one query)."""
    return {
        str(e.pk): e
        for e in casework_selectors.episodes_for(user)
        .filter(pk__in=list(ids))
        .select_related("family", "lead_professional")
    }


# ---------------------------------------------------------------- escalations


def escalations_for(user) -> QuerySet[Escalation]:
    return Escalation.objects.filter(episode__in=casework_selectors.episodes_for(user))


def escalation_rows(user) -> QuerySet[Escalation]:
    return (
        escalations_for(user)
        .select_related("episode__family", "agency", "raised_by")
        .order_by("status", "-raised_on", "-id")
    )


def get_escalation(user, escalation_id) -> Escalation:
    return get_object_or_404(
        escalations_for(user).select_related(
            "episode__family", "episode__lead_professional", "agency", "raised_by", "plan_action"
        ),
        pk=escalation_id,
    )


def escalation_history(escalation: Escalation):
    return escalation.history.select_related("actor").order_by("at", "id")


def plan_actions_of(episode):
    """The episode's plan actions (to choose the one an escalation is about)."""
    return (
        PlanAction.objects.filter(outcome__plan__episode=episode)
        .select_related("agency")
        .order_by("by_when", "id")
    )


def no_supervisions() -> QuerySet[Supervision]:
    """An empty queryset, for the API schema generator (which has no user)."""
    return Supervision.objects.none()


def no_escalations() -> QuerySet[Escalation]:
    return Escalation.objects.none()
