"""Writes for supervision and escalations (keyword-only, typed, transactional, audited; each
checks its own permission).

- ``supervision_record``: a supervisor records a supervision of one worker (the cases discussed,
  each an episode both see, with the discussion and decisions; actions with dates; reflections).
- ``supervision_action_done``: the worker or supervisor marks an action done (a stale version of
  the supervision is a 409).
- ``escalation_raise`` / ``escalation_move_on`` / ``escalation_resolve``: a professional
  challenge to an agency, moved through the escalation stages with a history row at each step.

Supervision stays off the family's chronology (it is about the worker's practice); an escalation
is about an agency's work, and stays on the episode (its notice), not the chronology either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from casework.models import Episode, PlanAction
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.errors import ConflictError
from oversight import selectors
from oversight.models import (
    Escalation,
    EscalationHistory,
    Supervision,
    SupervisionAction,
    SupervisionCase,
)

MAX_TEXT = 5000
MAX_SHORT = 200
MAX_ROWS = 50
Stage = Escalation.Stage
STALE = "Someone else changed this since you opened it. Check it and try again."


def _text(value, *, field: str, required: bool = False, message: str = "", limit=MAX_TEXT):
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationError({field: message or "Enter this"})
    if len(value) > limit:
        raise ValidationError({field: f"This must be {limit:,} characters or fewer"})
    return value


def _not_future(day, *, field: str, noun: str) -> date:
    if not isinstance(day, date):
        raise ValidationError({field: f"Enter the {noun}"})
    if day > clock.today():
        raise ValidationError({field: f"The {noun} must be today or in the past"})
    return day


def _check_version(record, expected_version: int) -> None:
    if expected_version != record.version:
        raise StaleVersionError(STALE)


# ---------------------------------------------------------------- supervision


@transaction.atomic
def supervision_record(
    *,
    actor,
    worker,
    held_on: date,
    reflections: str = "",
    cases: Iterable[Mapping] = (),
    actions: Iterable[Mapping] = (),
) -> Supervision:
    """Record a supervision of ``worker`` by ``actor`` (their team manager or an early support
    team leader). ``cases``: ``{"episode": <id or Episode>, "discussion": str, "decisions": str}``,
    each an episode the supervisor sees; ``actions``: ``{"what", "who", "by_when"}``."""
    if not rules.has_perm("oversight.supervise_worker", actor, worker):
        raise PermissionDenied("Only the worker’s team manager or a team leader supervises them")
    held_on = _not_future(held_on, field="held_on", noun="date of the supervision")
    reflections = _text(reflections, field="reflections")
    cases, actions = list(cases), list(actions)
    if len(cases) > MAX_ROWS or len(actions) > MAX_ROWS:
        raise ValidationError({"cases": f"Record {MAX_ROWS} or fewer cases and actions"})
    errors: dict = {}
    ids = [str(getattr(c.get("episode"), "pk", c.get("episode"))) for c in cases]
    episodes = selectors.episodes_in_scope(actor, ids) if ids else {}
    case_rows = []
    for index, (episode_id, case) in enumerate(zip(ids, cases, strict=True)):
        episode = episodes.get(episode_id)
        if episode is None:
            errors[f"case_{index}_episode"] = "Choose a case you can see"
            continue
        if episode_id in {str(row.episode_id) for row in case_rows}:
            errors[f"case_{index}_episode"] = "Each case is discussed once per supervision"
            continue
        try:
            discussion = _text(
                case.get("discussion"),
                field=f"case_{episode_id}_discussion",
                required=True,
                message="Enter what was discussed about this case",
            )
            decisions = _text(case.get("decisions"), field=f"case_{episode_id}_decisions")
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        case_rows.append(
            SupervisionCase(episode=episode, discussion=discussion, decisions=decisions)
        )
    action_rows = []
    for index, item in enumerate(actions):
        try:
            what = _text(
                item.get("what"),
                field=f"action_{index}_what",
                required=True,
                message="Enter what will be done",
            )
            who = _text(
                item.get("who"),
                field=f"action_{index}_who",
                required=True,
                message="Enter who will do it",
                limit=MAX_SHORT,
            )
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        by_when = item.get("by_when")
        if not isinstance(by_when, date):
            errors[f"action_{index}_by_when"] = "Enter the date it will be done by"
            continue
        action_rows.append(SupervisionAction(what=what, who=who, by_when=by_when))
    if errors:
        raise ValidationError(errors)
    supervision = Supervision.objects.create(
        worker=worker, supervisor=actor, held_on=held_on, reflections=reflections
    )
    for row in case_rows:
        row.supervision = supervision
    for row in action_rows:
        row.supervision = supervision
    SupervisionCase.objects.bulk_create(case_rows)
    SupervisionAction.objects.bulk_create(action_rows)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=supervision,
        detail={
            "fields": ["held_on", "reflections"],
            "cases": len(case_rows),
            "actions": len(action_rows),
        },
    )
    return supervision


@transaction.atomic
def supervision_action_done(
    *, actor, action: SupervisionAction, expected_version: int, done_on: date | None = None
) -> SupervisionAction:
    """Mark a supervision action done (the worker or their supervisor). The supervision's
    version guards against a stale page (409)."""
    supervision = lock(Supervision, action.supervision_id, select_related=("worker",))
    if not rules.has_perm("oversight.change_supervision", actor, supervision):
        raise PermissionDenied("Only the worker or their supervisor can change this supervision")
    _check_version(supervision, expected_version)
    action = SupervisionAction.objects.get(pk=action.pk)
    if action.done_on is not None:
        raise ConflictError("This action is already done")
    action.done_on = _not_future(done_on or clock.today(), field="done_on", noun="date it was done")
    action.done_by = actor
    action.save(update_fields=["done_on", "done_by"])
    supervision.version += 1
    supervision.save(update_fields=["version"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=action, detail={"fields": ["done_on", "done_by"]}
    )
    return action


# ---------------------------------------------------------------- escalations


def _may_escalate(actor, episode: Episode) -> None:
    if not (
        rules.has_perm("oversight.escalate", actor)
        and rules.has_perm("oversight.escalate_episode", actor, episode)
    ):
        raise PermissionDenied(
            "Only the lead professional, their manager or the early support service can escalate "
            "about this family’s work"
        )


def _stage(value) -> str:
    if value not in Stage.values:
        raise ValidationError({"stage": "Choose the stage of the escalation"})
    return value


def _escalation_history(*, actor, escalation, event, note="") -> None:
    EscalationHistory.objects.create(
        escalation=escalation,
        actor=actor,
        event=event,
        stage=escalation.stage,
        to_whom=escalation.to_whom,
        note=note,
    )


@transaction.atomic
def escalation_raise(
    *,
    actor,
    episode: Episode,
    agency,
    to_whom: str,
    concern: str,
    stage: str = Stage.PRACTITIONER,
    plan_action: PlanAction | None = None,
    raised_on: date | None = None,
) -> Escalation:
    """Raise a professional challenge to ``agency`` about the family's work on ``episode``
    (optionally about one plan action, which must belong to the episode's plan)."""
    episode = lock(Episode, episode.pk, select_related=("lead_professional", "family"))
    _may_escalate(actor, episode)
    errors: dict = {}
    if agency is None:
        errors["agency"] = "Choose the agency you are challenging"
    checks = {
        "to_whom": lambda: _text(
            to_whom,
            field="to_whom",
            required=True,
            message="Enter who you raised it with",
            limit=MAX_SHORT,
        ),
        "concern": lambda: _text(
            concern, field="concern", required=True, message="Enter the concern"
        ),
        "stage": lambda: _stage(stage),
        "raised_on": lambda: _not_future(
            raised_on or clock.today(), field="raised_on", noun="date it was raised"
        ),
    }
    values = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if (
        plan_action is not None
        and not selectors.plan_actions_of(episode).filter(pk=plan_action.pk).exists()
    ):
        errors["plan_action"] = "Choose an action from this family’s plan"
    if errors:
        raise ValidationError(errors)
    escalation = Escalation.objects.create(
        episode=episode,
        plan_action=plan_action,
        agency=agency,
        raised_by=actor,
        raised_on=values["raised_on"],
        to_whom=values["to_whom"],
        stage=values["stage"],
        concern=values["concern"],
    )
    _escalation_history(actor=actor, escalation=escalation, event="raised", note=escalation.concern)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=escalation,
        detail={"fields": ["agency", "to_whom", "stage", "concern"], "stage": escalation.stage},
    )
    return escalation


def _lock_open(escalation: Escalation, actor, expected_version: int) -> Escalation:
    escalation = lock(Escalation, escalation.pk, select_related=("episode__lead_professional",))
    _may_escalate(actor, escalation.episode)
    if escalation.status != Escalation.Status.OPEN:
        raise ConflictError("This escalation is resolved: it cannot be changed now")
    _check_version(escalation, expected_version)
    return escalation


@transaction.atomic
def escalation_move_on(
    *, actor, escalation: Escalation, expected_version: int, stage: str, to_whom: str, note: str
) -> Escalation:
    """Take the challenge to a later stage (to whom, and why): never back."""
    escalation = _lock_open(escalation, actor, expected_version)
    errors = {}
    try:
        stage = _stage(stage)
        if int(stage) <= int(escalation.stage):
            raise ValidationError({"stage": "Choose a later stage than the one it is at"})
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        to_whom = _text(
            to_whom,
            field="to_whom",
            required=True,
            message="Enter who you raised it with",
            limit=MAX_SHORT,
        )
        note = _text(note, field="note", required=True, message="Enter why it is moving on")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    escalation.stage = stage
    escalation.to_whom = to_whom
    escalation.version += 1
    escalation.save(update_fields=["stage", "to_whom", "version"])
    _escalation_history(actor=actor, escalation=escalation, event="moved_on", note=note)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=escalation,
        detail={"fields": ["stage", "to_whom"], "stage": stage},
    )
    return escalation


@transaction.atomic
def escalation_resolve(
    *,
    actor,
    escalation: Escalation,
    expected_version: int,
    outcome: str,
    resolved_on: date | None = None,
) -> Escalation:
    escalation = _lock_open(escalation, actor, expected_version)
    outcome = _text(outcome, field="outcome", required=True, message="Enter the outcome")
    resolved_on = _not_future(
        resolved_on or clock.today(), field="resolved_on", noun="date it was resolved"
    )
    if resolved_on < escalation.raised_on:
        raise ValidationError(
            {"resolved_on": "The date it was resolved must be after it was raised"}
        )
    escalation.outcome = outcome
    escalation.resolved_on = resolved_on
    escalation.status = Escalation.Status.RESOLVED
    escalation.version += 1
    escalation.save(update_fields=["outcome", "resolved_on", "status", "version"])
    _escalation_history(actor=actor, escalation=escalation, event="resolved", note=outcome)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=escalation,
        detail={"fields": ["outcome", "resolved_on", "status"]},
    )
    return escalation
