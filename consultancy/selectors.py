"""Reads for casework consultancy, always through the reader's scope.

``requests_for(user)`` is what a user may see: the requests they made, those assigned to them,
the requests waiting for a consultant while they are one, and every request for an early support
team leader. Anything else is 404. A request's family is shown only to a reader who may see that
family (``people.selectors.families_for``): ``family_visible`` on each row.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.shortcuts import get_object_or_404

from accounts.models import Role
from consultancy.models import CaseworkConsultant, ConsultancyRequest, ConsultancyRequestHistory
from core import clock
from people.selectors import families_for

User = get_user_model()
Status = ConsultancyRequest.Status
# Consultants are designated from the staff who carry cases (rules.CONSULTANT_ROLES).
CONSULTANT_ROLES = (Role.PRACTITIONER, Role.LEAD_PROFESSIONAL)
OPEN = (Status.REQUESTED, Status.ACCEPTED)


# ---------------------------------------------------------------- consultants


def _current(today: date) -> Q:
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def current_designations(user, today: date | None = None) -> QuerySet[CaseworkConsultant]:
    return CaseworkConsultant.objects.filter(_current(today or clock.today()), user=user)


def is_consultant_today(user, today: date | None = None) -> bool:
    """Whether ``user`` is designated a casework consultant today (one query)."""
    if not getattr(user, "pk", None):
        return False
    return current_designations(user, today).exists()


def consultants(today: date | None = None) -> QuerySet:
    """The staff who are casework consultants today, by name (to assign a request to)."""
    today = today or clock.today()
    return (
        User.objects.filter(
            Exists(CaseworkConsultant.objects.filter(_current(today), user=OuterRef("pk"))),
            is_active=True,
            role_grants__role__in=CONSULTANT_ROLES,
        )
        .select_related("agency", "team")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def consultant_candidates() -> QuerySet:
    """Staff who may be designated consultants: active, carrying cases."""
    return (
        User.objects.filter(is_active=True, role_grants__role__in=CONSULTANT_ROLES)
        .select_related("agency", "team")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def consultant_periods() -> QuerySet[CaseworkConsultant]:
    return CaseworkConsultant.objects.select_related(
        "user__agency", "user__team", "added_by"
    ).order_by("user__last_name", "user__first_name", "-starts_on", "-id")


def get_consultant_period(period_id) -> CaseworkConsultant:
    return get_object_or_404(consultant_periods(), pk=period_id)


def overlapping_periods(user, starts_on: date, ends_on: date | None, exclude=None):
    found = CaseworkConsultant.objects.filter(user=user).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        found = found.filter(starts_on__lte=ends_on)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found


# ---------------------------------------------------------------- requests


def _designated(user, today: date) -> Exists:
    return Exists(CaseworkConsultant.objects.filter(_current(today), user=user))


def requests_for(user) -> QuerySet[ConsultancyRequest]:
    """The requests ``user`` may see (one query, whatever their part in them)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return ConsultancyRequest.objects.none()
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return ConsultancyRequest.objects.all()
    mine = Q(requested_by=user) | Q(consultant=user)
    if user.has_role(*CONSULTANT_ROLES):
        waiting = Q(status=Status.REQUESTED, consultant__isnull=True) & Q(
            _designated(user, clock.today())
        )
        mine |= waiting
    return ConsultancyRequest.objects.filter(mine)


def _with_family_visible(queryset, user):
    families = families_for(user)
    if families.query.is_empty():
        return queryset.annotate(family_visible=Value(False))
    return queryset.annotate(family_visible=Exists(families.filter(pk=OuterRef("family_id"))))


def request_rows(user) -> QuerySet[ConsultancyRequest]:
    """The requests ``user`` sees with what a list shows of them, in one query."""
    return _with_family_visible(
        requests_for(user).select_related(
            "requested_by", "requester_agency", "requester_team", "consultant", "family"
        ),
        user,
    ).order_by("-requested_on", "-id")


def get_request(user, request_id) -> ConsultancyRequest:
    return get_object_or_404(request_rows(user), pk=request_id)


def request_history(request: ConsultancyRequest) -> QuerySet[ConsultancyRequestHistory]:
    return request.history.select_related("actor", "consultant").order_by("at", "id")


def no_requests() -> QuerySet[ConsultancyRequest]:
    """An empty queryset, for the API schema generator (which has no user)."""
    return ConsultancyRequest.objects.none()


def no_consultants() -> QuerySet[CaseworkConsultant]:
    return CaseworkConsultant.objects.none()


# ---------------------------------------------------------------- the work tray

# A requester sees an answer for this long after it came (an accepted request until it is done).
ANSWERED_SHOWN_DAYS = 28


@dataclass(frozen=True)
class TrayCounts:
    waiting: int  # asked for, no consultant yet (consultants and team leaders)
    to_answer: int  # assigned, not answered yet (the consultant's own; every one for a leader)
    answered: int  # the requester's own, answered


def _answered(user, today: date) -> Q:
    since = date.fromordinal(today.toordinal() - ANSWERED_SHOWN_DAYS)
    return Q(requested_by=user) & (
        Q(status=Status.ACCEPTED)
        | Q(status=Status.DECLINED, first_response_on__gte=since)
        | Q(status=Status.COMPLETED, completed_on__gte=since)
    )


def tray_counts(user, *, leader: bool, requester: bool, today: date) -> TrayCounts:
    """The three tray counts in one query."""
    waiting = Q(status=Status.REQUESTED, consultant__isnull=True)
    if leader:
        to_answer = Q(status=Status.REQUESTED, consultant__isnull=False)
    else:
        waiting &= Q(_designated(user, today))
        to_answer = Q(status=Status.REQUESTED, consultant=user)
    answered = _answered(user, today) if requester else Q(pk__in=[])
    found = ConsultancyRequest.objects.aggregate(
        waiting=Count("pk", filter=waiting),
        to_answer=Count("pk", filter=to_answer),
        answered=Count("pk", filter=answered),
    )
    return TrayCounts(**found)


def tray_waiting() -> QuerySet[ConsultancyRequest]:
    return (
        ConsultancyRequest.objects.filter(status=Status.REQUESTED, consultant__isnull=True)
        .select_related("requester_agency")
        .order_by("requested_on", "id")
    )


def tray_to_answer(user, *, leader: bool) -> QuerySet[ConsultancyRequest]:
    found = ConsultancyRequest.objects.filter(status=Status.REQUESTED, consultant__isnull=False)
    if not leader:
        found = found.filter(consultant=user)
    return found.select_related("requester_agency", "consultant").order_by("requested_on", "id")


def tray_answered(user, today: date) -> QuerySet[ConsultancyRequest]:
    return (
        ConsultancyRequest.objects.filter(_answered(user, today))
        .select_related("consultant")
        .order_by("-first_response_on", "-id")
    )


# ---------------------------------------------------------------- counts


@dataclass(frozen=True)
class Counts:
    date_from: date
    date_to: date
    total: int
    by_kind: list[tuple[str, int]]  # (label, count), every kind
    by_agency: list[tuple[str, int]]  # (agency name, count), most first
    by_outcome: list[tuple[str, int]]  # completed by next step, then declined, withdrawn, open
    days_to_first_response: float | None  # the median, of those answered
    days_to_complete: float | None  # the median, of those completed


def counts(date_from: date, date_to: date) -> Counts:
    """What was asked for between two dates (by the date asked), in two queries."""
    rows = list(
        ConsultancyRequest.objects.filter(requested_on__range=(date_from, date_to))
        .values(
            "kind",
            "status",
            "next_step",
            "requester_agency__name",
            "requested_on",
            "first_response_on",
            "completed_on",
        )
        .order_by()
    )
    by_kind = [
        (label, sum(1 for r in rows if r["kind"] == value))
        for value, label in ConsultancyRequest.Kind.choices
    ]
    agencies: dict[str, int] = {}
    for row in rows:
        name = row["requester_agency__name"]
        agencies[name] = agencies.get(name, 0) + 1
    by_agency = sorted(agencies.items(), key=lambda item: (-item[1], item[0]))
    by_outcome = [
        (label, sum(1 for r in rows if r["status"] == Status.COMPLETED and r["next_step"] == value))
        for value, label in ConsultancyRequest.NextStep.choices
    ]
    by_outcome += [
        (label, sum(1 for r in rows if r["status"] in statuses))
        for label, statuses in (
            ("Declined", (Status.DECLINED,)),
            ("Withdrawn", (Status.WITHDRAWN,)),
            ("Not finished yet", OPEN),
        )
    ]
    responses = [
        (r["first_response_on"] - r["requested_on"]).days for r in rows if r["first_response_on"]
    ]
    completions = [(r["completed_on"] - r["requested_on"]).days for r in rows if r["completed_on"]]
    return Counts(
        date_from=date_from,
        date_to=date_to,
        total=len(rows),
        by_kind=by_kind,
        by_agency=by_agency,
        by_outcome=by_outcome,
        days_to_first_response=statistics.median(responses) if responses else None,
        days_to_complete=statistics.median(completions) if completions else None,
    )


def period_start(today: date) -> date:
    """The start of the financial year ``today`` is in (1 April): the counts' default period."""
    year = today.year if today.month >= 4 else today.year - 1
    return date(year, 4, 1)
