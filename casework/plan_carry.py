"""Carrying a family's plan into the next episode (a step down after a step up, ADR 0016), so the
new lead professional starts from what was agreed with the family instead of a blank plan.

What carries over is what is still to do: every outcome not yet achieved, with its open actions.
Achieved outcomes and done or dropped actions stay with the episode they belong to, where the
family's record keeps them. The copy is a new plan (version 1) whose history row says where it
came from; the old plan is not changed.
"""

from __future__ import annotations

from django.db import transaction

from casework.models import Episode, EpisodeHistory, FamilyPlan, PlanAction, PlanOutcome
from core.audit import Action, audit_record

# Fields a copy sets itself rather than copying.
_OWN = {"id", "plan", "outcome", "episode", "version", "updated_at", "updated_by"}


def _copy(instance, **overrides):
    """A new row with ``instance``'s own values (every concrete field, so a field added to the
    model later carries over too) and its many-to-many links."""
    model = type(instance)
    values = {
        f.attname: getattr(instance, f.attname)
        for f in model._meta.concrete_fields
        if f.name not in _OWN and not f.auto_created
    }
    values.update(overrides)
    copy = model.objects.create(**values)
    for m2m in model._meta.many_to_many:
        getattr(copy, m2m.name).set(getattr(instance, m2m.name).all())
    return copy


@transaction.atomic
def plan_carry_over(*, actor, from_episode: Episode, to_episode: Episode) -> FamilyPlan | None:
    """Copy the unfinished part of ``from_episode``'s plan to ``to_episode`` (which has none).

    Called by ``episode_step_down``, which has already checked who may step the family down."""
    old = getattr(from_episode, "plan", None)
    if old is None:
        return None
    plan = FamilyPlan.objects.create(
        episode=to_episode, contingency=old.contingency, updated_by=actor
    )
    outcomes = 0
    actions = 0
    for outcome in old.outcomes.exclude(progress=PlanOutcome.Progress.ACHIEVED).order_by(
        "position", "id"
    ):
        outcomes += 1
        new_outcome = _copy(outcome, plan=plan, position=outcomes)
        for action in outcome.actions.filter(status=PlanAction.Status.OPEN):
            actions += 1
            _copy(action, outcome=new_outcome)
    EpisodeHistory.objects.create(
        episode=to_episode,
        actor=actor,
        change=EpisodeHistory.Change.PLAN,
        to_value="plan carried over",
        reason=f"From the previous episode: {outcomes} outcomes and {actions} actions still to do",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=plan,
        detail={
            "carried_from": str(from_episode.pk),
            "outcomes": outcomes,
            "actions": actions,
        },
    )
    return plan
