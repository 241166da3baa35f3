"""Writes for neglect: recording a concern, adding what was seen, changing the child's lived
experience, ending a concern, and recording a graded-care tool's grades.

Every service here is keyword-only, transactional and audited, asks ``neglect.record_concern``
itself (with the child's family, so a family out of the actor's scope is refused too), locks
the row it changes and compares the version the caller read (``StaleVersionError``, a 409).
Refusals follow ``core.errors``: role (403), input (400, by field), state (409).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.errors import ConflictError
from core.workflow import Workflow
from neglect import chronology
from neglect.models import (
    Category,
    GradedCareResult,
    GradedCareTool,
    NeglectConcern,
    NeglectConcernHistory,
    NeglectObservation,
)
from people.models import Family, FamilyMember, Person
from people.services import past_date_error

Status = NeglectConcern.Status
Source = NeglectConcern.Source
Change = NeglectConcernHistory.Change

WORKFLOW = Workflow(
    noun="neglect concern",
    choices=Status,
    initial=frozenset({Status.CURRENT}),
    table={Status.CURRENT: frozenset({Status.ENDED}), Status.ENDED: frozenset()},
)

TEXT_LIMIT = 5000
SEEN_BY_LIMIT = 200
STALE = "The neglect concern was changed by someone else since you opened it"
FUTURE = "The date must be today or in the past"


@dataclass(frozen=True)
class ObservationInput:
    """What was seen in one category, by whom (name and role or agency), and when."""

    category: str
    seen: str
    seen_by: str
    seen_on: date | None


def _require(actor, family: Family) -> None:
    if not rules.has_perm("neglect.record_concern", actor, family):
        raise PermissionDenied("You may not record neglect for this family")


def _text_error(value: str, *, required: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if not value:
        return required
    if len(value) > limit:
        return f"This must be {limit:,} characters or fewer"
    return ""


def _date_error(value: date | None, *, required: str, today: date) -> str:
    if value is None:
        return required
    return past_date_error(value, FUTURE, today=today)


def observation_errors(obs: ObservationInput, *, today: date, prefix: str = "") -> dict:
    errors = {}
    if obs.category not in Category.values:
        errors[f"{prefix}category"] = "Choose a category of neglect"
    message = _text_error(obs.seen, required="Enter what was seen")
    if message:
        errors[f"{prefix}seen"] = message
    message = _text_error(
        obs.seen_by, required="Enter who saw it: their name and role or agency", limit=SEEN_BY_LIMIT
    )
    if message:
        errors[f"{prefix}seen_by"] = message
    message = _date_error(obs.seen_on, required="Enter the date it was seen", today=today)
    if message:
        errors[f"{prefix}seen_on"] = message
    return errors


def _is_child_of(child: Person, family: Family) -> bool:
    return FamilyMember.objects.filter(
        family=family, person=child, role=FamilyMember.Role.CHILD
    ).exists()


def _check_version(concern: NeglectConcern, expected_version: int) -> None:
    if concern.version != expected_version:
        raise StaleVersionError(STALE)


def _check_current(concern: NeglectConcern) -> None:
    if concern.status != Status.CURRENT:
        raise ConflictError("This neglect concern has ended: record a new one instead")


def _history(
    *, concern: NeglectConcern, actor, change: str, from_value="", to_value="", reason=""
) -> NeglectConcernHistory:
    return NeglectConcernHistory.objects.create(
        concern=concern,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        change=change,
        from_value=str(from_value)[:200],
        to_value=str(to_value)[:200],
        reason=reason,
    )


def _status_history(*, record, actor, from_status, to_status, reason) -> NeglectConcernHistory:
    return _history(
        concern=record,
        actor=actor,
        change=Change.STATUS,
        from_value=from_status,
        to_value=to_status,
        reason=reason,
    )


def _bump(concern: NeglectConcern, *fields: str) -> None:
    concern.version += 1
    concern.save(update_fields=["version", "updated_at", *fields])


def category_words(categories: Iterable[str]) -> str:
    wanted = set(categories)
    return ", ".join(str(label).lower() for value, label in Category.choices if value in wanted)


@transaction.atomic
def neglect_concern_record(
    *,
    actor,
    child: Person,
    family: Family,
    source: str,
    identified_on: date | None,
    lived_experience: str,
    observations: list[ObservationInput],
    support_request=None,
    assessment=None,
    episode=None,
) -> NeglectConcern:
    """Record neglect for a child of ``family``: where it came from, when it was identified,
    the child's daily lived experience and at least one observation. A child has one current
    concern at a time (more is added to it)."""
    _require(actor, family)
    today = clock.today()
    errors: dict = {}
    if not _is_child_of(child, family):
        errors["child"] = "Choose a child of this family"
    if source not in Source.values:
        errors["source"] = "Choose where the concern came from"
    origins = {
        Source.SUPPORT_REQUEST: ("support_request", support_request, "a request for support"),
        Source.ASSESSMENT: ("assessment", assessment, "an assessment"),
        Source.EPISODE: ("episode", episode, "an episode"),
    }
    for kind, (name, record, words) in origins.items():
        if record is not None and record.family_id != family.pk:
            errors[name] = f"Choose {words} of this family"
        elif source == kind and record is None:
            errors[name] = f"Choose {words} of this family"
    message = _date_error(
        identified_on, required="Enter the date the concern was identified", today=today
    )
    if not message and child.date_of_birth and identified_on < child.date_of_birth:
        message = "The date must be on or after the child's date of birth"
    if message:
        errors["identified_on"] = message
    message = _text_error(lived_experience, required="Describe the child's daily lived experience")
    if message:
        errors["lived_experience"] = message
    observations = list(observations)
    if not observations:
        errors["observations"] = "Record at least one thing seen, in its category"
    for index, obs in enumerate(observations):
        # The first observation's errors name the page's own fields; later ones are numbered.
        errors.update(
            observation_errors(obs, today=today, prefix="" if index == 0 else f"{index}.")
        )
    if errors:
        raise ValidationError(errors)
    lock(Person, child.pk)
    if NeglectConcern.objects.filter(child=child, status=Status.CURRENT).exists():
        raise ConflictError(
            "This child already has a current neglect concern: add what was seen to it"
        )
    concern = NeglectConcern.objects.create(
        child=child,
        family=family,
        source=source,
        support_request=support_request,
        assessment=assessment,
        episode=episode,
        identified_on=identified_on,
        lived_experience=lived_experience.strip(),
        recorded_by=actor,
        recorded_by_team=getattr(actor, "team", None),
        recorded_by_agency=getattr(actor, "agency", None),
    )
    NeglectObservation.objects.bulk_create(
        NeglectObservation(
            concern=concern,
            category=obs.category,
            seen=obs.seen.strip(),
            seen_by=obs.seen_by.strip(),
            seen_on=obs.seen_on,
            recorded_by=actor,
        )
        for obs in observations
    )
    categories = category_words(obs.category for obs in observations)
    _history(concern=concern, actor=actor, change=Change.RECORDED, to_value=categories)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=concern,
        detail={
            "source": source,
            "categories": sorted({obs.category for obs in observations}),
            "observations": len(observations),
        },
    )
    chronology.recorded(actor=actor, concern=concern, categories=categories)
    return concern


@transaction.atomic
def neglect_observation_add(
    *,
    actor,
    concern: NeglectConcern,
    expected_version: int,
    category: str,
    seen: str,
    seen_by: str,
    seen_on: date | None,
) -> NeglectObservation:
    """Add what was seen in one category to a current concern."""
    _require(actor, concern.family)
    obs = ObservationInput(
        category=category, seen=seen or "", seen_by=seen_by or "", seen_on=seen_on
    )
    errors = observation_errors(obs, today=clock.today())
    if errors:
        raise ValidationError(errors)
    concern = lock(NeglectConcern, concern.pk)
    _check_version(concern, expected_version)
    _check_current(concern)
    observation = NeglectObservation.objects.create(
        concern=concern,
        category=category,
        seen=obs.seen.strip(),
        seen_by=obs.seen_by.strip(),
        seen_on=seen_on,
        recorded_by=actor,
    )
    _bump(concern)
    _history(
        concern=concern,
        actor=actor,
        change=Change.OBSERVATION,
        to_value=Category(category).label,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=concern,
        detail={"fields": ["observations"], "category": category},
    )
    return observation


@transaction.atomic
def neglect_concern_change(
    *, actor, concern: NeglectConcern, expected_version: int, lived_experience: str, reason: str
) -> NeglectConcern:
    """Change the child's daily lived experience, saying why (the old words stay in history)."""
    _require(actor, concern.family)
    errors = {}
    message = _text_error(lived_experience, required="Describe the child's daily lived experience")
    if message:
        errors["lived_experience"] = message
    message = _text_error(reason, required="Say why it has changed")
    if message:
        errors["reason"] = message
    if errors:
        raise ValidationError(errors)
    concern = lock(NeglectConcern, concern.pk)
    _check_version(concern, expected_version)
    _check_current(concern)
    before = concern.lived_experience
    concern.lived_experience = lived_experience.strip()
    _bump(concern, "lived_experience")
    _history(
        concern=concern,
        actor=actor,
        change=Change.LIVED_EXPERIENCE,
        from_value=before,
        to_value=concern.lived_experience,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor, action=Action.UPDATE, target=concern, detail={"fields": ["lived_experience"]}
    )
    return concern


@transaction.atomic
def neglect_concern_end(
    *,
    actor,
    concern: NeglectConcern,
    expected_version: int,
    ended_on: date | None,
    reason: str,
    note: str = "",
) -> NeglectConcern:
    """End a current concern: the day it ended, why (a choice) and, for 'other', a note."""
    _require(actor, concern.family)
    errors = {}
    message = _date_error(
        ended_on, required="Enter the date the concern ended", today=clock.today()
    )
    if not message and ended_on < concern.identified_on:
        message = "The date must be on or after the day the concern was identified"
    if message:
        errors["ended_on"] = message
    if reason not in NeglectConcern.EndReason.values:
        errors["reason"] = "Choose why the concern has ended"
    if reason == NeglectConcern.EndReason.OTHER and not (note or "").strip():
        errors["note"] = "Say why the concern has ended"
    elif len(note or "") > TEXT_LIMIT:
        errors["note"] = f"This must be {TEXT_LIMIT:,} characters or fewer"
    if errors:
        raise ValidationError(errors)
    concern = lock(NeglectConcern, concern.pk)
    _check_version(concern, expected_version)
    concern.ended_on = ended_on
    concern.end_reason = reason
    concern.end_note = (note or "").strip()
    concern.version += 1
    WORKFLOW.move(
        concern,
        Status.ENDED,
        actor=actor,
        reason=NeglectConcern.EndReason(reason).label
        + (f": {concern.end_note}" if concern.end_note else ""),
        history=_status_history,
        fields=("ended_on", "end_reason", "end_note", "version"),
        audit_detail={"end_reason": reason},
    )
    chronology.ended(actor=actor, concern=concern)
    return concern


def grade_errors(
    tool: GradedCareTool, *, area_grades: Mapping[str, object], overall_grade: object
) -> dict:
    """Every area of the tool graded, on the tool's scale, and nothing else."""
    errors = {}
    scale = ", ".join(str(g) for g in tool.grades)
    unknown = [name for name in area_grades if name not in tool.areas]
    if unknown:
        errors["area_grades"] = f"{tool.name} has no area called {unknown[0]!r}"
    else:
        missing = [name for name in tool.areas if area_grades.get(name) in (None, "")]
        wrong = [
            name
            for name in tool.areas
            if name not in missing and not _on_scale(area_grades[name], tool)
        ]
        if missing:
            errors["area_grades"] = f"Enter a grade for {missing[0]}"
        elif wrong:
            errors["area_grades"] = f"The grade for {wrong[0]} must be one of {scale}"
    if overall_grade in (None, ""):
        errors["overall_grade"] = "Enter the overall grade"
    elif not _on_scale(overall_grade, tool):
        errors["overall_grade"] = f"The overall grade must be one of {scale}"
    return errors


def _on_scale(value, tool: GradedCareTool) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in tool.grades


@transaction.atomic
def graded_care_result_record(
    *,
    actor,
    child: Person,
    family: Family,
    tool: GradedCareTool | None,
    done_on: date | None,
    area_grades: Mapping[str, int],
    overall_grade: int | None,
    concern: NeglectConcern | None = None,
) -> GradedCareResult:
    """Record a graded-care tool's grades for a child: the tool (one in the council pack), the
    day, a grade for every area on the tool's scale, and the overall grade. Never its text."""
    _require(actor, family)
    errors: dict = {}
    if not _is_child_of(child, family):
        errors["child"] = "Choose a child of this family"
    if concern is not None and (concern.child_id != child.pk or concern.family_id != family.pk):
        errors["concern"] = "Choose one of this child's neglect concerns"
    message = _date_error(done_on, required="Enter the date the tool was used", today=clock.today())
    if message:
        errors["done_on"] = message
    if tool is None or not tool.in_pack:
        errors["tool"] = "Choose a graded-care tool the council uses"
    else:
        errors.update(grade_errors(tool, area_grades=area_grades, overall_grade=overall_grade))
    if errors:
        raise ValidationError(errors)
    result = GradedCareResult.objects.create(
        child=child,
        family=family,
        concern=concern,
        tool=tool,
        done_on=done_on,
        area_grades={name: area_grades[name] for name in tool.areas},
        overall_grade=overall_grade,
        recorded_by=actor,
    )
    if concern is not None:
        _history(
            concern=concern,
            actor=actor,
            change=Change.TOOL_RESULT,
            to_value=f"{tool.name}: overall {overall_grade}",
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=result,
        detail={"tool": tool.code, "areas": len(tool.areas)},
    )
    return result
