"""The radar's writes: a run (raise, update, clear) and acknowledging a flag.

``radar_run`` is a plain function of the day, safe to run again for the same day: it raises a
flag for a finding with no open flag, updates the facts of an open flag whose facts moved on, and
clears an open flag whose facts no longer hold (nothing the radar found, or its rule switched
off). A flag cleared and later broken again is a new flag. Every change is a history row; the
radar's own changes have no actor.
"""

from __future__ import annotations

from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock, lock_all
from core.workflow import Workflow
from radar import engine
from radar.models import RadarFlag, RadarFlagHistory, RadarRule

Status = RadarFlag.Status
Change = RadarFlagHistory.Change

WORKFLOW = Workflow(
    noun="flag",
    choices=Status,
    initial=frozenset({Status.RAISED}),
    table={
        Status.RAISED: frozenset({Status.ACKNOWLEDGED, Status.CLEARED}),
        # Acknowledged is not gone: it stays on the radar until its facts change.
        Status.ACKNOWLEDGED: frozenset({Status.CLEARED}),
        Status.CLEARED: frozenset(),
    },
)

NOTE_MAX = 2000
FACTS_CHANGED = "The facts changed"
RULE_OFF = "The rule is switched off"


def _history(*, record, actor, from_status, to_status, reason) -> RadarFlagHistory:
    change = Change.CLEARED if to_status == Status.CLEARED else Change.ACKNOWLEDGED
    return RadarFlagHistory.objects.create(flag=record, actor=actor, change=change, note=reason)


@transaction.atomic
def radar_run(*, today: date, actor=None) -> dict:
    """Run every rule in force on ``today``. ``actor`` is None for the schedule, or the manager
    who ran it now. Returns counts only."""
    if actor is not None and not rules.has_perm("radar.run", actor):
        raise PermissionDenied
    rule_rows = list(RadarRule.objects.all())
    enabled = {rule.code for rule in rule_rows if rule.enabled}
    findings = {finding.key: finding for finding in engine.evaluate(today=today, rules=rule_rows)}
    open_flags = {
        flag.subject_key: flag
        for flag in lock_all(RadarFlag.objects.filter(status__in=RadarFlag.OPEN_STATUSES))
    }
    counts = {"raised": 0, "updated": 0, "cleared": 0}

    new = [
        RadarFlag(
            rule=finding.rule,
            family_id=finding.family_id,
            episode_id=finding.episode_id,
            child_id=finding.child_id,
            panel_case_id=finding.panel_case_id,
            support_request_id=finding.support_request_id,
            subject_key=key,
            facts=finding.facts,
            since=finding.since,
            raised_on=today,
        )
        for key, finding in findings.items()
        if key not in open_flags
    ]
    if new:
        made = RadarFlag.objects.bulk_create(new)
        RadarFlagHistory.objects.bulk_create(
            [RadarFlagHistory(flag=flag, change=Change.RAISED) for flag in made]
        )
        counts["raised"] = len(made)

    changed_history = []
    for key, flag in open_flags.items():
        finding = findings.get(key)
        if finding is None:
            flag.cleared_at = clock.now()
            flag.version += 1
            WORKFLOW.move(
                flag,
                Status.CLEARED,
                actor=None,
                reason=FACTS_CHANGED if flag.rule in enabled else RULE_OFF,
                history=_history,
                fields=["cleared_at", "version"],
                audit_detail={"by": "radar", "rule": flag.rule},
            )
            counts["cleared"] += 1
        elif finding.facts != flag.facts or finding.since != flag.since:
            flag.facts, flag.since = finding.facts, finding.since
            flag.version += 1
            flag.save(update_fields=["facts", "since", "version", "updated_at"])
            changed_history.append(
                RadarFlagHistory(flag=flag, change=Change.UPDATED, note=FACTS_CHANGED)
            )
            counts["updated"] += 1
    RadarFlagHistory.objects.bulk_create(changed_history)
    counts["open"] = len(open_flags) - counts["cleared"] + counts["raised"]
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target="radar.radarflag",
        detail={"run": today.isoformat(), "by": "schedule" if actor is None else "user", **counts},
    )
    return counts


@transaction.atomic
def radar_flag_acknowledge(
    *, actor, flag: RadarFlag, note: str, expected_version: int | None
) -> RadarFlag:
    """The lead professional or a manager has seen the flag and says what is being done. The
    flag stays on the radar, acknowledged, until its facts change."""
    flag = lock(RadarFlag, flag.pk, select_related=("episode__lead_professional",))
    if not rules.has_perm("radar.acknowledge_flag", actor, flag):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Enter a note saying what is being done"})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"The note must be {NOTE_MAX} characters or fewer"})
    if expected_version is not None and flag.version != expected_version:
        raise StaleVersionError("The flag changed since you read it: check it and try again")
    WORKFLOW.check(flag.status, Status.ACKNOWLEDGED)
    flag.acknowledged_by = actor
    flag.acknowledged_at = clock.now()
    flag.acknowledged_note = note
    flag.version += 1
    WORKFLOW.move(
        flag,
        Status.ACKNOWLEDGED,
        actor=actor,
        reason=note,
        history=_history,
        fields=["acknowledged_by", "acknowledged_at", "acknowledged_note", "version"],
        audit_detail={"rule": flag.rule},
    )
    return flag
