"""The family plan, its reviews and the family's copy: services and scoped reads.

Every change goes through a service here: guarded by the casework.change_episode rule (only the
lead professional, their manager or the early support service), refused on a closed episode, checked
against the plan's version (StaleVersionError), and leaving an EpisodeHistory row (change=PLAN) and
an audit event that names fields only, never what was written.
"""

from __future__ import annotations

from datetime import date, timedelta

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from casework import selectors
from casework.models import Episode, EpisodeHistory, FamilyPlan, PlanAction, PlanOutcome, PlanReview
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock, lock_first
from core.errors import ConflictError

__all__ = [
    "StaleVersionError",
    "plan_start",
    "plan_update_contingency",
    "plan_outcome_add",
    "plan_outcome_update",
    "plan_outcome_remove",
    "plan_action_add",
    "plan_action_update",
    "plan_action_complete",
    "reviews_schedule",
    "review_record",
    "suggested_needs",
    "plan_for",
    "next_review",
    "overdue_reviews",
    "overdue_actions",
]

OUTCOME_FIELDS = ("need", "outcome_family_words", "outcome_practitioner_words", "progress")
ACTION_FIELDS = ("what", "who", "by_when", "status")


# ---------------------------------------------------------------- guards


def _guard(actor, episode: Episode) -> None:
    if not rules.has_perm("casework.change_episode", actor, episode):
        raise PermissionDenied(
            "Only the lead professional, their manager or the early support service can change the plan"
        )
    if not episode.is_open:
        raise ConflictError("This episode is closed. Its plan can no longer be changed.")


def _bump(actor, plan: FamilyPlan, expected_version: int | None) -> None:
    """Move the plan on one version, only if nobody saved it since ``expected_version``."""
    qs = FamilyPlan.objects.filter(pk=plan.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if qs.update(version=F("version") + 1, updated_by=actor, updated_at=clock.now()) == 0:
        raise StaleVersionError("The plan was changed by someone else since you opened it")
    plan.refresh_from_db(fields=["version", "updated_by", "updated_at"])


def _check_version(plan: FamilyPlan, expected_version: int | None) -> None:
    """An edit that changes nothing still must not pass a stale version, nor make others' edits stale."""
    if (
        expected_version is not None
        and not FamilyPlan.objects.filter(pk=plan.pk, version=expected_version).exists()
    ):
        raise StaleVersionError("The plan was changed by someone else since you opened it")


def _history(actor, episode: Episode, to_value: str, reason: str = "") -> EpisodeHistory:
    return EpisodeHistory.objects.create(
        episode=episode,
        actor=actor,
        change=EpisodeHistory.Change.PLAN,
        to_value=to_value[:200],
        reason=reason,
    )


def _plan(episode: Episode) -> FamilyPlan:
    plan = lock_first(FamilyPlan.objects.filter(episode=episode))
    if plan is None:
        raise ValidationError("Start the family plan first")
    return plan


def _text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# ---------------------------------------------------------------- the plan


def suggested_needs(episode: Episode) -> list[dict]:
    """Needs the assessment behind the episode points to, offered as suggestions (never created)."""
    assessment = episode.assessment
    if assessment is None:
        return []
    suggestions: list[dict] = []
    rows = assessment.sections.select_related("child__person").filter(
        key__in=["analysis", "risks", "development"]
    )
    for row in sorted(
        rows, key=lambda r: ({"analysis": 0, "risks": 1, "development": 2}[r.key], r.pk)
    ):
        answers = row.answers or {}
        if row.key == "analysis" and answers.get("recommendations"):
            suggestions.append(
                {"source": "11. Recommendations and actions", "text": answers["recommendations"]}
            )
        elif row.key == "risks" and answers.get("risks"):
            suggestions.append({"source": "8. Risks", "text": answers["risks"]})
        elif row.key == "development" and row.child is not None:
            person = row.child.person
            name = person.preferred_name or person.first_name
            for key, label in (
                ("health", "Health"),
                ("education", "Education"),
                ("emotional", "Emotional and behavioural development"),
            ):
                if answers.get(key):
                    suggestions.append({"source": f"5. {label}: {name}", "text": answers[key]})
    return suggestions


@transaction.atomic
def plan_start(*, actor, episode: Episode, contingency: str = "") -> FamilyPlan:
    _guard(actor, episode)
    if FamilyPlan.objects.filter(episode=episode).exists():
        raise ValidationError("This episode already has a family plan")
    plan = FamilyPlan.objects.create(
        episode=episode, contingency=contingency.strip(), updated_by=actor
    )
    _history(actor, episode, "plan started")
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=plan,
        detail={"fields": ["contingency"] if plan.contingency else []},
    )
    reviews_schedule(episode)
    return plan


@transaction.atomic
def plan_update_contingency(
    *, actor, plan: FamilyPlan, expected_version: int, contingency: str, reason: str = ""
) -> FamilyPlan:
    _guard(actor, plan.episode)
    contingency = contingency.strip()
    if contingency == plan.contingency:
        if not FamilyPlan.objects.filter(pk=plan.pk, version=expected_version).exists():
            raise StaleVersionError("The plan was changed by someone else since you opened it")
        return plan
    _bump(actor, plan, expected_version)
    FamilyPlan.objects.filter(pk=plan.pk).update(contingency=contingency)
    plan.contingency = contingency
    _history(actor, plan.episode, "contingency plan changed", reason)
    audit_record(actor=actor, action=Action.UPDATE, target=plan, detail={"fields": ["contingency"]})
    return plan


@transaction.atomic
def plan_outcome_add(
    *,
    actor,
    plan: FamilyPlan,
    expected_version: int,
    need: str,
    outcome_family_words: str,
    outcome_practitioner_words: str = "",
    reason: str = "",
) -> PlanOutcome:
    _guard(actor, plan.episode)
    need = _text(need, field="need", message="Enter the need")
    family_words = _text(
        outcome_family_words,
        field="outcome_family_words",
        message="Enter the outcome in the family’s words",
    )
    _bump(actor, plan, expected_version)
    last = plan.outcomes.order_by("-position").values_list("position", flat=True).first() or 0
    outcome = PlanOutcome.objects.create(
        plan=plan,
        position=last + 1,
        need=need,
        outcome_family_words=family_words,
        outcome_practitioner_words=(outcome_practitioner_words or "").strip(),
    )
    _history(actor, plan.episode, "outcome added", reason)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=outcome,
        detail={"fields": list(OUTCOME_FIELDS[:3])},
    )
    return outcome


@transaction.atomic
def plan_outcome_update(
    *, actor, outcome: PlanOutcome, expected_version: int, changes: dict, reason: str = ""
) -> PlanOutcome:
    plan = outcome.plan
    _guard(actor, plan.episode)
    unknown = set(changes) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown outcome fields: {sorted(unknown)}")
    changes = {
        k: (v.strip() if isinstance(v, str) and k != "progress" else v) for k, v in changes.items()
    }
    if "need" in changes:
        _text(changes["need"], field="need", message="Enter the need")
    if "outcome_family_words" in changes:
        _text(
            changes["outcome_family_words"],
            field="outcome_family_words",
            message="Enter the outcome in the family’s words",
        )
    if "progress" in changes and changes["progress"] not in PlanOutcome.Progress.values:
        raise ValidationError({"progress": "Select the progress"})
    changed = sorted(k for k, v in changes.items() if getattr(outcome, k) != v)
    if not changed:
        _check_version(plan, expected_version)
        return outcome
    _bump(actor, plan, expected_version)
    for name in changed:
        setattr(outcome, name, changes[name])
    outcome.save(update_fields=changed)
    _history(actor, plan.episode, "outcome changed", reason)
    audit_record(actor=actor, action=Action.UPDATE, target=outcome, detail={"fields": changed})
    return outcome


@transaction.atomic
def plan_outcome_remove(*, actor, outcome: PlanOutcome, expected_version: int, reason: str) -> None:
    plan = outcome.plan
    _guard(actor, plan.episode)
    reason = _text(reason, field="reason", message="Enter why the outcome is being removed")
    _bump(actor, plan, expected_version)
    audit_record(
        actor=actor,
        action=Action.DELETE,
        target=outcome,
        detail={"actions": outcome.actions.count()},
    )
    outcome.delete()
    _history(actor, plan.episode, "outcome removed", reason)


def _validate_action(what: str, who: str, by_when) -> tuple[str, str]:
    errors = {}
    if not (what or "").strip():
        errors["what"] = "Enter what will be done"
    if not (who or "").strip():
        errors["who"] = "Enter who will do it"
    if not by_when:
        errors["by_when"] = "Enter the date it will be done by"
    if errors:
        raise ValidationError(errors)
    return what.strip(), who.strip()


@transaction.atomic
def plan_action_add(
    *,
    actor,
    outcome: PlanOutcome,
    expected_version: int,
    what: str,
    who: str,
    by_when: date,
    reason: str = "",
) -> PlanAction:
    plan = outcome.plan
    _guard(actor, plan.episode)
    what, who = _validate_action(what, who, by_when)
    _bump(actor, plan, expected_version)
    action = PlanAction.objects.create(outcome=outcome, what=what, who=who, by_when=by_when)
    _history(actor, plan.episode, "action added", reason)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=action,
        detail={"fields": ["what", "who", "by_when"]},
    )
    return action


def _set_status(action: PlanAction, status: str, on: date | None) -> list[str]:
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": "Select the action’s status"})
    if status == action.status:
        return []
    action.status = status
    action.done_on = (on or clock.today()) if status == PlanAction.Status.DONE else None
    return ["status", "done_on"]


@transaction.atomic
def plan_action_update(
    *, actor, action: PlanAction, expected_version: int, changes: dict, reason: str = ""
) -> PlanAction:
    plan = action.outcome.plan
    _guard(actor, plan.episode)
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown action fields: {sorted(unknown)}")
    merged = {k: getattr(action, k) for k in ("what", "who", "by_when")} | {
        k: v for k, v in changes.items() if k != "status"
    }
    what, who = _validate_action(merged["what"], merged["who"], merged["by_when"])
    merged.update(what=what, who=who)
    changed = sorted(k for k in ("what", "who", "by_when") if getattr(action, k) != merged[k])
    for name in changed:
        setattr(action, name, merged[name])
    if "status" in changes:
        changed += _set_status(action, changes["status"], None)
    if not changed:
        _check_version(plan, expected_version)
        return action
    _bump(actor, plan, expected_version)
    action.save(update_fields=sorted(set(changed)))
    _history(actor, plan.episode, "action changed", reason)
    audit_record(
        actor=actor, action=Action.UPDATE, target=action, detail={"fields": sorted(set(changed))}
    )
    return action


@transaction.atomic
def plan_action_complete(
    *, actor, action: PlanAction, expected_version: int, done_on: date | None = None
) -> PlanAction:
    plan = action.outcome.plan
    _guard(actor, plan.episode)
    if done_on and done_on > clock.today():
        raise ValidationError({"done_on": "The date it was done must be today or in the past"})
    changed = _set_status(action, PlanAction.Status.DONE, done_on)
    if not changed:
        _check_version(plan, expected_version)
    else:
        _bump(actor, plan, expected_version)
        action.save(update_fields=changed)
        _history(actor, plan.episode, "action done")
        audit_record(actor=actor, action=Action.UPDATE, target=action, detail={"fields": changed})
    return action


# ---------------------------------------------------------------- reviews


def _next_due(episode: Episode) -> date:
    last = (
        episode.reviews.filter(held_on__isnull=False)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    return (last or episode.started_on) + timedelta(weeks=episode.review_every_weeks)


def reviews_schedule(episode: Episode) -> PlanReview | None:
    """Make sure the next review exists (one outstanding at a time) while the episode is open.

    Due the episode's cadence after the last review held, or after the episode started."""
    if not episode.is_open:
        return None
    pending = episode.reviews.filter(held_on__isnull=True).order_by("due_on").first()
    if pending is not None:
        return pending
    return PlanReview.objects.create(episode=episode, due_on=_next_due(episode))


@transaction.atomic
def review_record(
    *,
    actor,
    review: PlanReview,
    held_on: date,
    family_views: str = "",
    children_views: dict | None = None,
    progress: dict | None = None,
    action_status: dict | None = None,
    progress_notes: str = "",
    what_changes: str = "",
    expected_version: int | None = None,
) -> PlanReview:
    episode = review.episode
    _guard(actor, episode)
    review = lock(PlanReview, review.pk)
    if review.held_on is not None:
        raise ValidationError("This review has already been recorded")
    if not held_on:
        raise ValidationError({"held_on": "Enter the date the review was held"})
    if held_on > clock.today():
        raise ValidationError(
            {"held_on": "The date the review was held must be today or in the past"}
        )
    plan = _plan(episode)
    outcomes = {o.pk: o for o in plan.outcomes.all()}
    actions = {a.pk: a for a in PlanAction.objects.filter(outcome__plan=plan)}
    child_ids = {
        str(m.person_id)
        for m in episode.family.members.filter(person__kind__in=["child", "unborn"])
    }
    children_views = {
        str(k): (v or "").strip() for k, v in (children_views or {}).items() if (v or "").strip()
    }
    if set(children_views) - child_ids:
        raise ValidationError(
            {"children_views": "Views can only be recorded for the family’s children"}
        )
    _bump(actor, plan, expected_version)
    for key, value in (progress or {}).items():
        outcome = outcomes.get(int(key))
        if outcome is None:
            raise ValidationError({"progress": "That outcome is not part of this plan"})
        if value not in PlanOutcome.Progress.values:
            raise ValidationError({"progress": "Select the progress for each outcome"})
        if outcome.progress != value:
            outcome.progress = value
            outcome.save(update_fields=["progress"])
    for key, value in (action_status or {}).items():
        action = actions.get(int(key))
        if action is None:
            raise ValidationError({"action_status": "That action is not part of this plan"})
        changed = _set_status(action, value, held_on)
        if changed:
            action.save(update_fields=changed)
    review.held_on = held_on
    review.family_views = (family_views or "").strip()
    review.children_views = children_views
    review.progress_notes = (progress_notes or "").strip()
    review.what_changes = (what_changes or "").strip()
    review.recorded_by = actor
    review.save()
    _history(actor, episode, "review recorded")
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=review,
        detail={
            "fields": [
                "held_on",
                "family_views",
                "children_views",
                "progress_notes",
                "what_changes",
            ],
            "outcomes": len(progress or {}),
            "actions": len(action_status or {}),
            "children": len(children_views),
        },
    )
    reviews_schedule(episode)
    return review


# ---------------------------------------------------------------- reads


def plan_for(user, episode: Episode) -> FamilyPlan | None:
    """The episode's plan, when the user can see the episode (404 otherwise, through get_episode)."""
    episode = selectors.get_episode(user, episode.pk)
    return (
        FamilyPlan.objects.filter(episode=episode)
        .select_related("episode", "updated_by")
        .prefetch_related("outcomes__actions")
        .first()
    )


def next_review(episode: Episode) -> PlanReview | None:
    return episode.reviews.filter(held_on__isnull=True).order_by("due_on").first()


def overdue_reviews(episode: Episode, today: date | None = None):
    today = today or clock.today()
    return episode.reviews.filter(held_on__isnull=True, due_on__lt=today).order_by("due_on")


def overdue_actions(episode: Episode, today: date | None = None):
    today = today or clock.today()
    return (
        PlanAction.objects.filter(
            outcome__plan__episode=episode, status=PlanAction.Status.OPEN, by_when__lt=today
        )
        .select_related("outcome")
        .order_by("by_when", "id")
    )


def overdue_for(user, today: date | None = None) -> dict:
    """Overdue reviews and actions on the episodes a lead professional leads or a manager oversees."""
    today = today or clock.today()
    episodes = selectors.episodes_for(user).filter(
        status__in=[Episode.Status.OPEN, Episode.Status.CLOSURE_REQUESTED]
    )
    mine = episodes.filter(lead_professional=user) | episodes.filter(
        lead_professional__team__in=user.managed_teams.all()
    )
    return {
        "reviews": PlanReview.objects.filter(
            episode__in=mine, held_on__isnull=True, due_on__lt=today
        ).select_related("episode__family"),
        "actions": PlanAction.objects.filter(
            outcome__plan__episode__in=mine, status=PlanAction.Status.OPEN, by_when__lt=today
        ).select_related("outcome__plan__episode__family"),
    }
