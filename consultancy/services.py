"""Writes for casework consultancy (keyword-only, typed, transactional, audited; each checks its
own permission).

- ``consultant_add`` / ``consultant_end``: a team leader designates a member of staff a casework
  consultant from a date (to a date, or open-ended), and ends a designation.
- ``consultancy_request_ask``: a partner practitioner or lead professional asks for consultation,
  coaching or co-working, optionally about a family they work with.
- ``consultancy_request_pick_up`` / ``consultancy_request_assign``: a consultant takes a waiting
  request, or a team leader assigns (or reassigns) one.
- ``consultancy_request_accept`` / ``_decline`` / ``_complete`` / ``_withdraw``: the workflow's
  moves (``WORKFLOW``), each with a history row.

Refusals follow the error contract: PermissionDenied (role), ValidationError by field (input),
ConflictError (a state that does not allow it, or a stale version: someone changed it first).
"""

from __future__ import annotations

from datetime import date

import rules
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction

from consultancy import selectors
from consultancy.models import CaseworkConsultant, ConsultancyRequest, ConsultancyRequestHistory
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.errors import ConflictError
from core.workflow import Workflow
from people.selectors import families_for

Status = ConsultancyRequest.Status
Kind = ConsultancyRequest.Kind
NextStep = ConsultancyRequest.NextStep
Event = ConsultancyRequestHistory.Event

MAX_TEXT = 5000
MAX_DATES = 500
STALE = "Someone else changed this since you opened it. Check it and try again."

WORKFLOW = Workflow(
    noun="consultancy request",
    choices=Status,
    initial=frozenset({Status.REQUESTED}),
    table={
        Status.REQUESTED: frozenset({Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN}),
        Status.ACCEPTED: frozenset({Status.COMPLETED, Status.WITHDRAWN}),
        Status.DECLINED: frozenset(),
        Status.COMPLETED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    },
)
_EVENT_FOR = {
    Status.ACCEPTED: Event.ACCEPTED,
    Status.DECLINED: Event.DECLINED,
    Status.COMPLETED: Event.COMPLETED,
    Status.WITHDRAWN: Event.WITHDRAWN,
}


def _text(value, *, field: str, required: bool = False, message: str = "", limit=MAX_TEXT):
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationError({field: message or "Enter this"})
    if len(value) > limit:
        raise ValidationError({field: f"This must be {limit:,} characters or fewer"})
    return value


def _date(value, *, field: str, noun: str, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if not isinstance(value, date):
        raise ValidationError({field: f"Enter the {noun}"})
    return value


def _collect(checks: dict) -> tuple[dict, dict]:
    values, errors = {}, {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            errors.update(error.message_dict)
    return values, errors


def _check_version(record, expected_version: int) -> None:
    if expected_version != record.version:
        raise StaleVersionError(STALE)


def _history(*, request, actor, event, from_status="", note="") -> None:
    ConsultancyRequestHistory.objects.create(
        request=request,
        actor=actor,
        event=event,
        from_status=from_status,
        to_status=request.status,
        consultant=request.consultant,
        note=note,
    )


def _writer(*, record, actor, from_status, to_status, reason) -> None:
    _history(
        request=record,
        actor=actor,
        event=_EVENT_FOR[to_status],
        from_status=from_status,
        note=reason,
    )


# ---------------------------------------------------------------- consultants


@transaction.atomic
def consultant_add(
    *, actor, user, starts_on: date | None = None, ends_on: date | None = None
) -> CaseworkConsultant:
    """Designate ``user`` a casework consultant from ``starts_on`` (today by default)."""
    if not rules.has_perm("consultancy.manage", actor):
        raise PermissionDenied("Only an early support team leader keeps the list of consultants")
    errors: dict = {}
    if user is None or not user.is_active or not user.has_role(*selectors.CONSULTANT_ROLES):
        errors["user"] = "Choose a practitioner or lead professional"
    starts_on = starts_on or clock.today()
    if not isinstance(starts_on, date):
        errors["starts_on"] = "Enter the date they start"
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The date they stop must be on or after the date they start"
    if not errors and selectors.overlapping_periods(user, starts_on, ends_on).exists():
        errors["starts_on"] = "They are already a consultant for some of these dates"
    if errors:
        raise ValidationError(errors)
    period = CaseworkConsultant.objects.create(
        user=user, starts_on=starts_on, ends_on=ends_on, added_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=period,
        detail={"fields": ["user", "starts_on", "ends_on"], "user": user.pk},
    )
    return period


@transaction.atomic
def consultant_end(
    *, actor, period: CaseworkConsultant, expected_version: int, ends_on: date | None = None
) -> CaseworkConsultant:
    """End a designation on ``ends_on`` (today by default; not before it started)."""
    if not rules.has_perm("consultancy.manage", actor):
        raise PermissionDenied("Only an early support team leader keeps the list of consultants")
    period = lock(CaseworkConsultant, period.pk)
    _check_version(period, expected_version)
    ends_on = _date(ends_on or clock.today(), field="ends_on", noun="date they stop")
    if period.ends_on is not None and period.ends_on <= ends_on:
        raise ConflictError("This designation already ends by then")
    if ends_on < period.starts_on:
        raise ValidationError({"ends_on": "The date they stop must be on or after they started"})
    period.ends_on = ends_on
    period.version += 1
    period.save(update_fields=["ends_on", "version"])
    audit_record(actor=actor, action=Action.UPDATE, target=period, detail={"fields": ["ends_on"]})
    return period


# ---------------------------------------------------------------- requests


@transaction.atomic
def consultancy_request_ask(
    *,
    actor,
    kind: str,
    help_wanted: str,
    preferred_dates: str = "",
    family=None,
) -> ConsultancyRequest:
    """Ask for consultancy. ``family`` (a Family or its id) must be one the asker works with."""
    if not rules.has_perm("consultancy.ask", actor):
        raise PermissionDenied("Only a practitioner or lead professional asks for consultancy")
    values, errors = _collect(
        {
            "kind": lambda: _kind(kind),
            "help_wanted": lambda: _text(
                help_wanted,
                field="help_wanted",
                required=True,
                message="Enter what help you want",
            ),
            "preferred_dates": lambda: _text(
                preferred_dates, field="preferred_dates", limit=MAX_DATES
            ),
        }
    )
    chosen = None
    if family is not None:
        family_id = getattr(family, "pk", family)
        chosen = families_for(actor).filter(pk=family_id).first()
        if chosen is None:
            errors["family"] = "Choose a family you work with"
    if actor.agency_id is None:
        errors[NON_FIELD_ERRORS] = "Your account has no agency: ask an administrator to add it"
    if errors:
        raise ValidationError(errors)
    request = ConsultancyRequest.objects.create(
        kind=values["kind"],
        requested_by=actor,
        requester_agency_id=actor.agency_id,
        requester_team_id=actor.team_id,
        family=chosen,
        help_wanted=values["help_wanted"],
        preferred_dates=values["preferred_dates"],
        requested_on=clock.today(),
    )
    _history(request=request, actor=actor, event=Event.ASKED)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=request,
        detail={
            "fields": ["kind", "help_wanted", "preferred_dates", "family"],
            "kind": request.kind,
            "family": chosen is not None,
        },
    )
    return request


def _kind(value) -> str:
    if value not in Kind.values:
        raise ValidationError({"kind": "Choose consultation, coaching or co-working"})
    return value


def _lock(request: ConsultancyRequest, expected_version: int) -> ConsultancyRequest:
    request = lock(ConsultancyRequest, request.pk)
    _check_version(request, expected_version)
    return request


@transaction.atomic
def consultancy_request_pick_up(
    *, actor, request: ConsultancyRequest, expected_version: int
) -> ConsultancyRequest:
    """A consultant takes a request waiting for one."""
    if not rules.has_perm("consultancy.pick_up", actor, request):
        raise PermissionDenied("Only a casework consultant picks up a request")
    request = _lock(request, expected_version)
    if request.status != Status.REQUESTED or request.consultant_id is not None:
        raise ConflictError("This request is no longer waiting for a consultant")
    request.consultant = actor
    request.version += 1
    request.save(update_fields=["consultant", "version"])
    _history(request=request, actor=actor, event=Event.PICKED_UP, from_status=request.status)
    audit_record(
        actor=actor, action=Action.UPDATE, target=request, detail={"fields": ["consultant"]}
    )
    return request


@transaction.atomic
def consultancy_request_assign(
    *, actor, request: ConsultancyRequest, expected_version: int, consultant
) -> ConsultancyRequest:
    """A team leader assigns a consultant (or another one) to a request not yet finished."""
    if not rules.has_perm("consultancy.manage", actor):
        raise PermissionDenied("Only an early support team leader assigns a consultant")
    request = _lock(request, expected_version)
    if request.status not in selectors.OPEN:
        raise ConflictError("This request is finished: it cannot be assigned now")
    if consultant is None or not selectors.consultants().filter(pk=consultant.pk).exists():
        raise ValidationError({"consultant": "Choose a casework consultant"})
    if consultant.pk == request.consultant_id:
        raise ValidationError({"consultant": "This consultant is assigned already"})
    request.consultant = consultant
    request.version += 1
    request.save(update_fields=["consultant", "version"])
    _history(request=request, actor=actor, event=Event.ASSIGNED, from_status=request.status)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=request,
        detail={"fields": ["consultant"], "consultant": consultant.pk},
    )
    return request


def _answerable(actor, request, expected_version) -> ConsultancyRequest:
    if not rules.has_perm("consultancy.answer", actor, request):
        raise PermissionDenied("Only the assigned consultant or a team leader answers a request")
    request = _lock(request, expected_version)
    if not rules.has_perm("consultancy.answer", actor, request):
        raise PermissionDenied("Only the assigned consultant or a team leader answers a request")
    return request


@transaction.atomic
def consultancy_request_accept(
    *, actor, request: ConsultancyRequest, expected_version: int, note: str = ""
) -> ConsultancyRequest:
    request = _answerable(actor, request, expected_version)
    note = _text(note, field="note")
    WORKFLOW.check(request.status, Status.ACCEPTED)
    if request.consultant_id is None:
        raise ConflictError("Assign a consultant before accepting this request")
    fields = ["version"]
    if request.first_response_on is None:
        request.first_response_on = clock.today()
        fields.append("first_response_on")
    request.version += 1
    WORKFLOW.move(
        request, Status.ACCEPTED, actor=actor, reason=note, history=_writer, fields=fields
    )
    return request


@transaction.atomic
def consultancy_request_decline(
    *, actor, request: ConsultancyRequest, expected_version: int, reason: str
) -> ConsultancyRequest:
    request = _answerable(actor, request, expected_version)
    reason = _text(reason, field="reason", required=True, message="Enter why it is declined")
    WORKFLOW.check(request.status, Status.DECLINED)
    request.decline_reason = reason
    request.first_response_on = request.first_response_on or clock.today()
    request.version += 1
    WORKFLOW.move(
        request,
        Status.DECLINED,
        actor=actor,
        reason=reason,
        history=_writer,
        fields=["decline_reason", "first_response_on", "version"],
    )
    return request


@transaction.atomic
def consultancy_request_complete(
    *,
    actor,
    request: ConsultancyRequest,
    expected_version: int,
    what_was_done: str,
    next_step: str,
    outcome_note: str = "",
    coaching_sessions: int | None = None,
    co_working_from: date | None = None,
    co_working_to: date | None = None,
    completed_on: date | None = None,
) -> ConsultancyRequest:
    """Record the outcome: what was done (the coaching sessions held, for coaching; the co-working
    period, for co-working) and what happened next."""
    request = _answerable(actor, request, expected_version)
    today = clock.today()
    completed_on = completed_on or today
    values, errors = _collect(
        {
            "what_was_done": lambda: _text(
                what_was_done,
                field="what_was_done",
                required=True,
                message="Enter what was done",
            ),
            "outcome_note": lambda: _text(
                outcome_note,
                field="outcome_note",
                required=next_step == NextStep.OTHER,
                message="Enter what happened next",
            ),
        }
    )
    if next_step not in NextStep.values:
        errors["next_step"] = "Choose what happened next"
    if not isinstance(completed_on, date) or completed_on > today:
        errors["completed_on"] = "The date it was completed must be today or in the past"
    elif completed_on < request.requested_on:
        errors["completed_on"] = "The date it was completed must be after it was asked for"
    if request.kind == Kind.COACHING:
        if not isinstance(coaching_sessions, int) or not 1 <= coaching_sessions <= 100:
            errors["coaching_sessions"] = (
                "Enter how many coaching sessions were held, from 1 to 100"
            )
    else:
        coaching_sessions = None
    if request.kind == Kind.CO_WORKING:
        if not isinstance(co_working_from, date):
            errors["co_working_from"] = "Enter the date co-working started"
        if not isinstance(co_working_to, date):
            errors["co_working_to"] = "Enter the date co-working ended"
        if isinstance(co_working_from, date) and isinstance(co_working_to, date):
            if co_working_to < co_working_from:
                errors["co_working_to"] = "The date co-working ended must be after it started"
            elif co_working_to > today:
                errors["co_working_to"] = "The date co-working ended must be today or in the past"
    else:
        co_working_from = co_working_to = None
    if errors:
        raise ValidationError(errors)
    WORKFLOW.check(request.status, Status.COMPLETED)
    request.what_was_done = values["what_was_done"]
    request.outcome_note = values["outcome_note"]
    request.next_step = next_step
    request.coaching_sessions = coaching_sessions
    request.co_working_from = co_working_from
    request.co_working_to = co_working_to
    request.completed_on = completed_on
    request.version += 1
    WORKFLOW.move(
        request,
        Status.COMPLETED,
        actor=actor,
        reason="",
        history=_writer,
        fields=[
            "what_was_done",
            "outcome_note",
            "next_step",
            "coaching_sessions",
            "co_working_from",
            "co_working_to",
            "completed_on",
            "version",
        ],
        audit_detail={"next_step": next_step},
    )
    return request


@transaction.atomic
def consultancy_request_withdraw(
    *, actor, request: ConsultancyRequest, expected_version: int, reason: str = ""
) -> ConsultancyRequest:
    """The requester withdraws their request (no longer needed)."""
    if not rules.has_perm("consultancy.withdraw", actor, request):
        raise PermissionDenied("Only the person who asked withdraws a request")
    request = _lock(request, expected_version)
    reason = _text(reason, field="reason")
    request.version += 1
    WORKFLOW.move(
        request, Status.WITHDRAWN, actor=actor, reason=reason, history=_writer, fields=["version"]
    )
    return request
