"""Writes to assessments. Each is one transaction with its audit event.

Status changes go through ``_move``: it locks the row and hands it to ``WORKFLOW.move``, which
checks the change is allowed from the current status, saves it and appends an
AssessmentHistory row (who, when, why). Answers are saved per section with a version check, so
two people editing the same section cannot overwrite each other without being told.
"""

from __future__ import annotations

from collections.abc import Sequence

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from assessments import chronology, selectors
from assessments.completion import answer_errors, completion_errors
from assessments.models import (
    Assessment,
    AssessmentChild,
    AssessmentHistory,
    AssessmentSection,
    Consultation,
    PanelReferral,
)
from assessments.sections import NO, SECTIONS, SECTIONS_BY_KEY, YES
from consent.services import require_panel_referral_permission
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock, lock_first
from core.errors import ConflictError
from core.models import Council
from core.workflow import TransitionNotAllowed, Workflow
from people.models import FamilyMember, Person
from people.selectors import (
    family_chronology,
    family_parental_responsibility,
    family_relationships,
)
from support_requests import safeguarding
from support_requests.models import SafeguardingStop, SupportRequest
from support_requests.services import support_request_follow_case

Status = Assessment.Status
SectionStatus = AssessmentSection.Status

# A draft is submitted (to a manager, or straight to completed where the council does not ask
# for sign-off) or stopped by a safeguarding stop; a manager signs it off or returns it. A
# completed or stopped assessment never changes again: a change starts a new version.
WORKFLOW = Workflow(
    noun="assessment",
    choices=Status,
    initial=frozenset({Status.DRAFT}),
    table={
        Status.DRAFT: frozenset({Status.AWAITING_SIGN_OFF, Status.COMPLETED, Status.STOPPED}),
        Status.AWAITING_SIGN_OFF: frozenset({Status.COMPLETED, Status.DRAFT}),
        Status.COMPLETED: frozenset(),
        Status.STOPPED: frozenset(),
    },
)

LOCKED_MESSAGE = "This assessment can no longer be changed"


class AssessmentLocked(ConflictError):
    """The assessment is completed, waiting for sign-off or stopped: it cannot be changed."""

    def __init__(self, message: str = LOCKED_MESSAGE):
        super().__init__(message)


class SafeguardingStopRequired(Exception):
    """CIN or child protection concerns were recorded: the early help path stops here."""

    def __init__(self, stop: SafeguardingStop):
        super().__init__("Safeguarding stop")
        self.stop = stop


NOT_READY_MESSAGE = "Complete every section before you submit the assessment."


class NotReadyToSubmit(ConflictError):
    """Some sections are not marked completed yet (listed in ``incomplete``)."""

    def __init__(self, incomplete: list[str]):
        super().__init__(NOT_READY_MESSAGE)
        self.incomplete = incomplete


def _require(perm: str, actor, obj=None, message: str = "") -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message or "Your role may not change assessments")


def _history(
    *, assessment: Assessment, actor, from_status: str, to_status: str, reason: str
) -> None:
    AssessmentHistory.objects.create(
        assessment=assessment,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )


def _write_history(*, record: Assessment, actor, from_status: str, to_status: str, reason: str):
    _history(
        assessment=record, actor=actor, from_status=from_status, to_status=to_status, reason=reason
    )


def _move(*, actor, assessment: Assessment, to_status: str, reason: str, **fields) -> Assessment:
    """Move the assessment to ``to_status`` (with the other columns this move sets), bumping its
    version so anyone holding the old one knows it changed. The caller's copy is updated too."""
    locked = lock(Assessment, assessment.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    # The row is locked, so a plain increment cannot lose another writer's bump.
    locked.version += 1
    WORKFLOW.move(
        locked,
        to_status,
        actor=actor,
        reason=reason,
        history=_write_history,
        fields=(*fields, "version"),
    )
    chronology.status_event(actor=actor, assessment=locked, to_status=to_status)
    for name in ("status", "version", "updated_at", *fields):
        setattr(assessment, name, getattr(locked, name))
    return locked


def _children_of(family, people: Sequence[Person]) -> list[Person]:
    ids = {p.pk for p in people}
    members = set(
        FamilyMember.objects.filter(
            family=family,
            person_id__in=ids,
            person__kind__in=[Person.Kind.CHILD, Person.Kind.UNBORN],
        ).values_list("person_id", flat=True)
    )
    if not ids:
        raise ValidationError({"children": "Select the children this assessment is about"})
    if members != ids:
        raise ValidationError({"children": "Select children who are members of this family"})
    return list(people)


@transaction.atomic
def assessment_start(
    *, actor, family, children: Sequence[Person], support_request=None
) -> Assessment:
    """Start an assessment of ``family`` (already fetched through the actor's scope)."""
    _require("assessments.write_assessment", actor, message="Your role may not start assessments")
    children = _children_of(family, children)
    if Assessment.objects.filter(
        family=family, status__in=[Status.DRAFT, Status.AWAITING_SIGN_OFF]
    ).exists():
        raise ValidationError({"children": "This family already has an assessment in progress"})
    if support_request is not None and support_request.family_id not in (None, family.pk):
        raise ValidationError({"children": "The request is about a different family"})
    if support_request is None:
        # Started from the family's page after triage decided on an assessment: link that request.
        support_request = (
            SupportRequest.objects.filter(
                family=family, status=SupportRequest.Status.ASSESSMENT, assessments__isnull=True
            )
            .order_by("-created_at")
            .first()
        )
    latest = Assessment.objects.filter(family=family).aggregate(n=Max("number"))["n"] or 0
    assessment = Assessment.objects.create(
        family=family,
        support_request=support_request,
        number=latest + 1,
        worker=actor,
        worker_agency=actor.agency,
        worker_team=actor.team,
        worker_role=actor.job_title,
    )
    for position, child in enumerate(children, start=1):
        AssessmentChild.objects.create(assessment=assessment, person=child, position=position)
    _history(
        assessment=assessment,
        actor=actor,
        from_status="",
        to_status=Status.DRAFT,
        reason="Assessment started",
    )
    support_request_follow_case(
        actor=actor,
        support_request=support_request,
        to_status=SupportRequest.Status.ASSESSMENT_STARTED,
        reason="Assessment started",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=assessment,
        detail={"children": len(children), "number": assessment.number},
    )
    chronology.assessment_event(
        actor=actor, assessment=assessment, event="assessment_started", summary="Assessment started"
    )
    return assessment


def _require_editable(assessment: Assessment) -> Assessment:
    locked = lock(Assessment, assessment.pk)
    if locked.is_locked:
        raise AssessmentLocked()
    return locked


@transaction.atomic
def assessment_set_children(
    *, actor, assessment: Assessment, children: Sequence[Person]
) -> Assessment:
    """Change which of the family's children the assessment covers (answers for removed
    children are deleted with them only while the assessment is a draft)."""
    _require("assessments.write_assessment", actor)
    locked = _require_editable(assessment)
    children = _children_of(locked.family, children)
    wanted = {c.pk for c in children}
    current = {c.person_id: c for c in locked.children.all()}
    for person_id, row in current.items():
        if person_id not in wanted:
            row.delete()
    position = max((c.position for c in current.values()), default=0)
    for child in children:
        if child.pk not in current:
            position += 1
            AssessmentChild.objects.create(assessment=locked, person=child, position=position)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": ["children"], "children": len(wanted)},
    )
    return locked


@transaction.atomic
def section_save(
    *,
    actor,
    assessment: Assessment,
    key: str,
    child: AssessmentChild | None,
    answers: dict,
    completed: bool,
    expected_version: int | None,
) -> AssessmentSection:
    """Save a section's answers as they stand; mark it completed only when asked and valid.

    Answers no save may keep (a date in the future), or marking it completed when the answers
    (with those saved before) break a completion rule, raise ValidationError with the message
    for each question, and nothing is saved.

    ``expected_version`` is the section version the user opened (None when it had not been
    started); if someone saved it since, nothing is saved and StaleVersionError is raised.
    """
    section = SECTIONS_BY_KEY[key]
    if section.per_child != (child is not None):
        raise ValueError(f"Section {key} per_child={section.per_child} given child={child!r}")
    _require("assessments.write_assessment", actor)
    locked = _require_editable(assessment)
    if child is not None and child.assessment_id != locked.pk:
        raise ValueError("Child is not in this assessment")
    row = lock_first(AssessmentSection.objects.filter(assessment=locked, key=key, child=child))
    if row is None:
        if expected_version not in (None, 0):
            raise StaleVersionError("This section was changed by someone else since you opened it")
        row = AssessmentSection(
            assessment=locked, key=key, child=child, answers={}, updated_by=actor
        )
        changed = sorted(k for k, v in answers.items() if v not in ("", None, []))
    else:
        if expected_version != row.version:
            raise StaleVersionError("This section was changed by someone else since you opened it")
        changed = sorted(k for k, v in answers.items() if row.answers.get(k) != v)
        row.version += 1
    row.answers = {**row.answers, **answers}
    errors = answer_errors(key=key, form_class=section.form, answers=row.answers)
    if completed:
        context = selectors.section_context(locked, child, key)
        for name, message in completion_errors(
            key=key,
            form_class=section.form,
            answers=row.answers,
            context=context,
            already_failed=set(errors),
        ).items():
            errors.setdefault(name, message)
    if errors:
        raise ValidationError({name: [message] for name, message in errors.items()})
    snapshot = record_snapshot(locked, key)
    if snapshot is not None:
        # What the family record said when this was saved, so a locked version keeps showing
        # what was assessed even after the record changes.
        row.answers[RECORD_SNAPSHOT_KEY] = snapshot
    row.status = SectionStatus.COMPLETED if completed else SectionStatus.IN_PROGRESS
    row.updated_by = actor
    row.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={
            "section": key,
            "child": child.position if child else None,
            "fields": changed,
            "status": row.status,
        },
    )
    return row


RECORD_SNAPSHOT_KEY = "_record"


def record_snapshot(assessment: Assessment, key: str) -> list[list[str]] | None:
    """Rows of (label, text) copied from the family record for sections that show it."""
    if key == "family":
        rows = []
        members = assessment.family.members.select_related("person").order_by(
            "role", "person__last_name"
        )
        for member in members:
            person = member.person
            name = f"{person.first_name or 'Unborn baby'} {person.last_name}".strip()
            if person.date_of_birth:
                born = f"born {person.date_of_birth:%-d %B %Y}"
            elif person.expected_date_of_delivery:
                born = f"due {person.expected_date_of_delivery:%-d %B %Y}"
            else:
                born = "date of birth not known"
            details = [
                member.get_role_display(),
                born,
                person.get_gender_display(),
                person.get_ethnicity_display(),
                f"disability: {person.get_disability_display().lower()}",
            ]
            rows.append([name, "; ".join(details)])
        for rel in family_relationships(assessment.family).select_related("person", "relative"):
            rows.append(
                [
                    "Relationship",
                    f"{rel.person.first_name or 'Unborn baby'} {rel.person.last_name} is "
                    f"{rel.get_kind_display().lower()} of "
                    f"{rel.relative.first_name or 'unborn baby'} {rel.relative.last_name}",
                ]
            )
        for pr in (
            family_parental_responsibility(assessment.family)
            .filter(to_date__isnull=True)
            .select_related("adult", "child")
        ):
            rows.append(
                [
                    "Parental responsibility",
                    f"{pr.adult.first_name} {pr.adult.last_name} for {pr.child.first_name or 'the unborn baby'} "
                    f"{pr.child.last_name} ({pr.get_basis_display().lower()})",
                ]
            )
        return rows
    if key == "history":
        return [
            [
                f"{entry.occurred_on:%-d %B %Y}",
                f"{entry.person.first_name}: {entry.get_category_display()}. {entry.summary}",
            ]
            for entry in family_chronology(assessment.family).select_related("person")[:200]
        ]
    return None


# ---- Safeguarding stop: CIN or CP concerns stop the early help path.


def section_stop_trigger(key: str, answers: dict) -> str | None:
    """The safeguarding stop a section's answers call for: CIN or CP concerns in section 8, or
    a decision to step up to children's social care in section 12. Pages and API both ask here."""
    if key == "risks" and answers.get("cin_cp_concern") == YES:
        return SafeguardingStop.Trigger.ASSESSMENT_CONCERN
    if key == "decision" and answers.get("decision") == Assessment.Decision.SOCIAL_CARE:
        return SafeguardingStop.Trigger.ASSESSMENT_DECISION
    return None


def pending_stop(assessment: Assessment) -> SafeguardingStop | None:
    return SafeguardingStop.objects.filter(assessment=assessment, next_step="").first()


@transaction.atomic
def assessment_raise_safeguarding_stop(
    *, actor, assessment: Assessment, trigger: str
) -> SafeguardingStop:
    if trigger not in (
        SafeguardingStop.Trigger.ASSESSMENT_CONCERN,
        SafeguardingStop.Trigger.ASSESSMENT_DECISION,
    ):
        raise ValueError(trigger)
    _require("assessments.write_assessment", actor)
    locked = _require_editable(assessment)
    existing = pending_stop(locked)
    if existing is not None:
        return existing
    stop = SafeguardingStop.objects.create(assessment=locked, actor=actor, trigger=trigger)
    audit_record(actor=actor, action=Action.CREATE, target=stop, detail={"trigger": trigger})
    return stop


@transaction.atomic
def assessment_stop_record_next_step(
    *, actor, stop: SafeguardingStop, next_step: str, reason: str = ""
) -> SafeguardingStop:
    """What the user did after the stop. Phoned or referring to MASH: the assessment stops.
    'I was wrong' (with a reason): the answer that raised it is cleared and work goes on."""
    _require("assessments.write_assessment", actor)
    safeguarding.check_next_step(next_step=next_step, reason=reason)
    locked_stop = lock(SafeguardingStop, stop.pk)
    if not locked_stop.is_pending:
        raise TransitionNotAllowed(safeguarding.ALREADY_RECORDED)
    assessment = _require_editable(locked_stop.assessment)
    safeguarding.write_next_step(
        actor=actor, locked=locked_stop, next_step=next_step, reason=reason
    )
    if next_step == SafeguardingStop.NextStep.WAS_WRONG:
        key, field = (
            ("risks", "cin_cp_concern")
            if locked_stop.trigger == SafeguardingStop.Trigger.ASSESSMENT_CONCERN
            else ("decision", "decision")
        )
        row = lock_first(
            AssessmentSection.objects.filter(assessment=assessment, key=key, child=None)
        )
        if row is not None:
            row.answers = {**row.answers, field: ""}
            row.status = SectionStatus.IN_PROGRESS
            row.version += 1
            row.updated_by = actor
            row.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=assessment,
            detail={"section": key, "fields": [field], "after_safeguarding_stop": True},
        )
    else:
        _move(
            actor=actor,
            assessment=assessment,
            to_status=Status.STOPPED,
            reason=f"Safeguarding stop: {SafeguardingStop.NextStep(next_step).label}",
        )
    safeguarding.copy_next_step(stop=stop, locked=locked_stop)
    return locked_stop


# ---- Submission, sign-off, versions


def section_rows(assessment: Assessment) -> dict[tuple[str, int | None], AssessmentSection]:
    return {(row.key, row.child_id): row for row in assessment.sections.all()}


def incomplete_sections(assessment: Assessment) -> list[str]:
    """Labels of the sections (per child where it applies) not yet marked completed."""
    rows = section_rows(assessment)
    children = list(assessment.children.select_related("person"))
    missing = []
    for section in SECTIONS:
        targets = children if section.per_child else [None]
        for child in targets:
            row = rows.get((section.key, child.pk if child else None))
            if row is None or row.status != SectionStatus.COMPLETED:
                label = f"{section.number}. {section.title}"
                if child is not None:
                    label += f" ({child.person.first_name or 'unborn baby'})"
                missing.append(label)
    return missing


def sign_off_required() -> bool:
    council = Council.objects.first()
    return bool(council and council.assessment_sign_off_required)


def assessment_submit(*, actor, assessment: Assessment) -> Assessment:
    """Finish the assessment: to a manager for sign-off where the council asks for it,
    otherwise completed and locked. Every section must be completed first.

    CIN or child protection concerns (section 8) or a step up to social care (section 12)
    raise SafeguardingStopRequired instead; the stop itself is saved before it is raised.
    """
    _require("assessments.write_assessment", actor)
    stop = _stop_if_not_early_help(actor=actor, assessment=assessment)
    if stop is not None:
        raise SafeguardingStopRequired(stop)
    return _submit(actor=actor, assessment=assessment)


@transaction.atomic
def _stop_if_not_early_help(*, actor, assessment: Assessment) -> SafeguardingStop | None:
    locked = _require_editable(assessment)
    stop = pending_stop(locked)
    if stop is not None:
        return stop
    rows = {
        row.key: row.answers
        for row in locked.sections.filter(child=None, key__in=["risks", "decision"])
    }
    if rows.get("decision", {}).get("decision") == Assessment.Decision.SOCIAL_CARE:
        trigger = SafeguardingStop.Trigger.ASSESSMENT_DECISION
    elif rows.get("risks", {}).get("cin_cp_concern") == YES:
        trigger = SafeguardingStop.Trigger.ASSESSMENT_CONCERN
    else:
        return None
    return assessment_raise_safeguarding_stop(actor=actor, assessment=locked, trigger=trigger)


@transaction.atomic
def _submit(*, actor, assessment: Assessment) -> Assessment:
    locked = _require_editable(assessment)
    missing = incomplete_sections(locked)
    if missing:
        raise NotReadyToSubmit(missing)
    decision = locked.sections.get(key="decision", child=None).answers.get("decision", "")
    now = clock.now()
    if sign_off_required():
        return _move(
            actor=actor,
            assessment=assessment,
            to_status=Status.AWAITING_SIGN_OFF,
            reason="Sent to a manager to sign off",
            decision=decision,
            submitted_at=now,
        )
    return _move(
        actor=actor,
        assessment=assessment,
        to_status=Status.COMPLETED,
        reason="Completed",
        decision=decision,
        submitted_at=now,
        completed_at=now,
    )


@transaction.atomic
def assessment_sign_off(*, actor, assessment: Assessment) -> Assessment:
    _require(
        "assessments.sign_off_assessment",
        actor,
        assessment,
        "Only a manager of the worker’s team or an early support team leader can sign off",
    )
    if assessment.status != Status.AWAITING_SIGN_OFF:
        raise TransitionNotAllowed("This assessment is not waiting for sign-off")
    now = clock.now()
    return _move(
        actor=actor,
        assessment=assessment,
        to_status=Status.COMPLETED,
        reason="Signed off by a manager",
        signed_off_by=actor,
        signed_off_at=now,
        completed_at=now,
    )


@transaction.atomic
def assessment_return(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """A manager sends the assessment back to the worker with what to change."""
    _require(
        "assessments.sign_off_assessment",
        actor,
        assessment,
        "Only a manager of the worker’s team or an early support team leader can return it",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Enter what needs to change before you can sign it off"})
    if assessment.status != Status.AWAITING_SIGN_OFF:
        raise TransitionNotAllowed("This assessment is not waiting for sign-off")
    return _move(
        actor=actor,
        assessment=assessment,
        to_status=Status.DRAFT,
        reason=reason.strip(),
        submitted_at=None,
    )


@transaction.atomic
def assessment_new_version(*, actor, assessment: Assessment, reason: str) -> Assessment:
    """Start a new version of a completed assessment, copying its children and answers.

    The completed one stays as it was, readable, and points at its successor."""
    _require("assessments.write_assessment", actor)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the assessment needs to change"})
    old = lock(Assessment, assessment.pk)
    if old.status != Status.COMPLETED:
        raise TransitionNotAllowed("Only a completed assessment can have a new version")
    if Assessment.objects.filter(previous=old).exists():
        raise TransitionNotAllowed("A newer version of this assessment already exists")
    if Assessment.objects.filter(
        family=old.family, status__in=[Status.DRAFT, Status.AWAITING_SIGN_OFF]
    ).exists():
        raise TransitionNotAllowed("This family already has an assessment in progress")
    latest = Assessment.objects.filter(family=old.family).aggregate(n=Max("number"))["n"] or 0
    new = Assessment.objects.create(
        family=old.family,
        support_request=old.support_request,
        number=latest + 1,
        previous=old,
        worker=actor,
        worker_agency=actor.agency,
        worker_team=actor.team,
        worker_role=old.worker_role,
    )
    child_map = {}
    for child in old.children.all():
        child_map[child.pk] = AssessmentChild.objects.create(
            assessment=new, person_id=child.person_id, position=child.position
        )
    for row in old.sections.all():
        # Copied answers are a starting point: each section is checked again before submitting.
        AssessmentSection.objects.create(
            assessment=new,
            key=row.key,
            child=child_map.get(row.child_id),
            answers=dict(row.answers),
            status=SectionStatus.IN_PROGRESS,
            updated_by=actor,
        )
    _history(
        assessment=new,
        actor=actor,
        from_status="",
        to_status=Status.DRAFT,
        reason=f"New version of assessment {old.number}: {reason.strip()}",
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=new,
        detail={"previous": str(old.pk), "number": new.number},
    )
    return new


@transaction.atomic
def consultation_save(
    *,
    actor,
    assessment: Assessment,
    child_views: str,
    parent_views: str,
    shared_on,
    copy_given_on,
    expected_version: int | None,
) -> Consultation:
    """Section 13, after completion: the family's views and when they were given a copy."""
    _require("assessments.write_assessment", actor)
    if assessment.status != Status.COMPLETED:
        raise TransitionNotAllowed("Record the consultation once the assessment is completed")
    today = clock.today()
    errors = {}
    for name, value in (("shared_on", shared_on), ("copy_given_on", copy_given_on)):
        if value and value > today:
            errors[name] = "The date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    # The assessment is locked so two first saves cannot both create the consultation.
    lock(Assessment, assessment.pk)
    row = lock_first(Consultation.objects.filter(assessment=assessment))
    if row is None:
        if expected_version not in (None, 0):
            raise StaleVersionError(
                "The consultation was changed by someone else since you opened it"
            )
        row = Consultation(assessment=assessment, updated_by=actor)
    elif row.version != expected_version:
        raise StaleVersionError("The consultation was changed by someone else since you opened it")
    else:
        row.version += 1
    row.child_views, row.parent_views = child_views.strip(), parent_views.strip()
    row.shared_on, row.copy_given_on = shared_on, copy_given_on
    row.updated_by = actor
    row.save()
    audit_record(
        actor=actor, action=Action.UPDATE, target=assessment, detail={"section": "consultation"}
    )
    return row


# ---- Referral to the panel: never without consent or a recorded override.

# The form lets the assessor refer at any stage of the assessment once the referral (section 2)
# and the family's consent and signatures (section 14) are complete; the panel sees the
# assessment as it stands, with its status.
REFERRAL_NEEDS = ("panel_referral", "consent")


def panel_referral_missing_sections(assessment: Assessment) -> list[str]:
    """The sections still to complete before the assessment can be referred, as "section 2 (…)"."""
    completed = {
        row.key
        for row in assessment.sections.all()
        if row.child_id is None and row.status == SectionStatus.COMPLETED
    }
    return [
        f"section {SECTIONS_BY_KEY[key].number} ({SECTIONS_BY_KEY[key].title.lower()})"
        for key in REFERRAL_NEEDS
        if key not in completed
    ]


def panel_referral_blocker(assessment: Assessment) -> str:
    """Why this assessment cannot be referred to the panel now ("" when it can, consent aside)."""
    if assessment.status == Status.STOPPED:
        return "A stopped assessment cannot be referred to the panel"
    missing = panel_referral_missing_sections(assessment)
    if missing:
        return f"Complete {' and '.join(missing)} before you refer this family to the panel"
    return ""


@transaction.atomic
def panel_referral_submit(*, actor, assessment: Assessment) -> PanelReferral:
    # Those who write assessments refer them; panel members only receive referrals.
    _require("assessments.write_assessment", actor, message="Panel members cannot make referrals")
    locked = lock(Assessment, assessment.pk)
    if PanelReferral.objects.filter(assessment=locked).exists():
        raise TransitionNotAllowed("This assessment has already been referred to the panel")
    blocker = panel_referral_blocker(locked)
    if blocker:
        raise TransitionNotAllowed(blocker)
    answers = locked.sections.get(key="panel_referral", child=None).answers
    if answers.get("referring") != YES:
        raise ValidationError(
            {
                "__all__": "Section 2 says you are not referring this family to the panel. "
                "Start a new version to change it."
            }
        )
    permission = require_panel_referral_permission(locked.family)
    referral = PanelReferral.objects.create(
        assessment=locked,
        family=locked.family,
        presenting_reason=answers.get("presenting_reason", ""),
        referrer_continues=answers.get("referrer_continues") != NO,
        consent_basis=permission.basis or "",
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=referral,
        detail={"consent_basis": referral.consent_basis},
    )
    chronology.assessment_event(
        actor=actor,
        assessment=locked,
        event="panel_referral",
        summary="Referred to the early support panel",
    )
    return referral
