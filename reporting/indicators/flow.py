"""Indicators of the flow of cases: how long each step from a request for support to the first
contact with the family took, and how often a child came back (repeat referrals, repeat plans).

**Timeliness.** Each step is timed on the records whose step *ended* in the period, so every
record counted has its full time: the share done within the council's target days (the pack's
``reporting.timeliness_days``) and the median number of days. Days are London calendar days
between the two dates (a step ended the day it began took 0 days; done on the target day is
within it). Three queries whatever the data size: the settings, the two counts, and the middle
one or two durations (ordered by the database, fetched with an offset).

The chain: a request (``created_at``) is triaged (``Triage.decided_at``); triage's assessment
(``Assessment.support_request``) is referred to the panel, whose case (``PanelCase.referral``) is
decided (``PanelDecision.decided_at``); the lead agency allocates a lead professional (the case's
first ``LeadProfessionalAllocation``); the case's episodes (``Episode.panel_case``) hold the Team
Around the Family meetings and contacts.

**Repeats** follow ``patterns.repeats`` (read its docstring) as counts: ``Exists`` subqueries, one
aggregate query each (and the pack's pattern settings). A window of months ending on a day is
compared on the database with whole months and the day of the month, the way
``core.clock.add_months`` moves a date (a month that is too short gives its last day).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import (
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Lower,
    Mod,
    Trim,
    TruncDate,
)

from assessments.models import AssessmentChild
from casework.models import Contact, Episode, TafMeeting
from core.clock import LONDON
from panel.models import LeadProfessionalAllocation, PanelDecision
from patterns.settings import pattern_settings
from people.models import FamilyMember
from reporting.indicators.base import Better, Period, Quadrant, Slice, indicator
from reporting.indicators.practice import assessment_slice, episode_slice
from reporting.settings import reporting_settings
from support_requests.models import SupportRequest, SupportRequestChild, Triage

# A visit where no one was in, or an appointment the child was not brought to, is an attempt,
# not contact with the family.
NOT_CONTACT = (Contact.Kind.NO_ACCESS, Contact.Kind.WAS_NOT_BROUGHT)


def _london_day(path: str) -> TruncDate:
    """The London calendar day of a moment (a request made at 00:30 BST is that day's)."""
    return TruncDate(path, tzinfo=LONDON)


def request_slice(where: Slice, prefix: str = "") -> Q:
    """What a slice means for a request: its area, and the asker's agency and team."""
    return where.q(
        area=f"{prefix}area_id",
        agency=f"{prefix}requester_agency_id",
        team=f"{prefix}requester_team_id",
    )


def allocation_slice(where: Slice, prefix: str = "") -> Q:
    """What a slice means for a lead professional's allocation (as for the episode it begins):
    the family's area, the lead agency and the lead professional's team."""
    return where.q(
        area=f"{prefix}case__referral__family__area_id",
        agency=f"{prefix}agency_id",
        team=f"{prefix}lead_professional__team_id",
    )


# ---------------------------------------------------------------- timeliness


def _timed(cohort: QuerySet, step: str) -> tuple[int, int, float | None]:
    """(done within the target, counted, median days) of a cohort annotated with ``days``."""
    target = timedelta(days=reporting_settings().target_days(step))
    counts = cohort.aggregate(counted=Count("pk"), within=Count("pk", filter=Q(days__lte=target)))
    counted = counts["counted"]
    if not counted:
        return 0, 0, None
    # The middle one (odd) or two (even) durations, in the database's order.
    middle = list(
        cohort.order_by("days", "pk").values_list("days", flat=True)[
            (counted - 1) // 2 : counted // 2 + 1
        ]
    )
    median = sum(duration.days for duration in middle) / len(middle)
    return counts["within"], counted, median


def _first_allocations() -> QuerySet[LeadProfessionalAllocation]:
    """Each panel case's first allocation of a lead professional (a later one is a change)."""
    earlier = LeadProfessionalAllocation.objects.filter(case=OuterRef("case")).filter(
        Q(allocated_at__lt=OuterRef("allocated_at"))
        | Q(allocated_at=OuterRef("allocated_at"), pk__lt=OuterRef("pk"))
    )
    return LeadProfessionalAllocation.objects.exclude(Exists(earlier))


@indicator(
    code="request_to_triage",
    name="Requests triaged within the target time",
    definition="""Of the requests for support whose triage decision was recorded in the period,
    the share decided within the council's target number of days of the day the request was made,
    and the median number of days (London calendar days from the day the request was made to the
    day of the triage decision). Sliced by the request's area and the asker's agency and team.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def request_to_triage(period: Period, where: Slice) -> tuple[int, int, float | None]:
    first, after = period.moments()
    cohort = Triage.objects.filter(
        request_slice(where, "support_request__"), decided_at__gte=first, decided_at__lt=after
    ).annotate(days=_london_day("decided_at") - _london_day("support_request__created_at"))
    return _timed(cohort, "request_to_triage")


@indicator(
    code="triage_to_decision",
    name="Panel decisions within the target time of triage",
    definition="""Of the panel's decisions made in the period on cases that began with a request
    for support, the share made within the council's target number of days of the request's
    triage decision, and the median number of days (London calendar days from the day of the
    triage decision to the day of the panel's decision). Cases referred to the panel without a
    request for support are not counted. Sliced by the family's area and the agency and team of
    the worker whose assessment was referred.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def triage_to_decision(period: Period, where: Slice) -> tuple[int, int, float | None]:
    first, after = period.moments()
    triaged = "case__referral__assessment__support_request__triage__decided_at"
    cohort = PanelDecision.objects.filter(
        assessment_slice(where, "case__referral__assessment__"),
        decided_at__gte=first,
        decided_at__lt=after,
        **{f"{triaged}__isnull": False},
    ).annotate(days=_london_day("decided_at") - _london_day(triaged))
    return _timed(cohort, "triage_to_decision")


@indicator(
    code="decision_to_allocation",
    name="Lead professionals allocated within the target time of the panel's decision",
    definition="""Of the panel cases whose first lead professional was allocated in the period,
    the share allocated within the council's target number of days of the panel's decision, and
    the median number of days (London calendar days from the day of the panel's decision to the
    day of the first allocation; a later change of lead professional is not counted). Sliced by
    the family's area, the lead agency and the lead professional's team.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def decision_to_allocation(period: Period, where: Slice) -> tuple[int, int, float | None]:
    first, after = period.moments()
    cohort = (
        _first_allocations()
        .filter(
            allocation_slice(where),
            allocated_at__gte=first,
            allocated_at__lt=after,
            case__decision__isnull=False,
        )
        .annotate(days=_london_day("allocated_at") - _london_day("case__decision__decided_at"))
    )
    return _timed(cohort, "decision_to_allocation")


def _allocation_to_first(
    period: Period, where: Slice, records: QuerySet, day_field: str, step: str
) -> tuple[int, int, float | None]:
    """From the case's first allocation to the first of ``records`` (on any of the case's
    episodes), for the cases whose first such record was on a day of the period."""
    # A case's first record is in the period when it has one in the period and none before.
    # Asked that way the database starts from the period's records (an index range) rather than
    # working out the first record of every case ever allocated.
    in_period = records.filter(**{f"{day_field}__range": (period.start, period.end)})
    of_case = {"episode__panel_case": OuterRef("case")}
    first_day = Subquery(in_period.filter(**of_case).order_by(day_field).values(day_field)[:1])
    cohort = (
        _first_allocations()
        .filter(allocation_slice(where), case__in=in_period.values("episode__panel_case"))
        .exclude(Exists(records.filter(**of_case, **{f"{day_field}__lt": period.start})))
        .annotate(first_day=first_day)
        .annotate(days=F("first_day") - _london_day("allocated_at"))
    )
    return _timed(cohort, step)


@indicator(
    code="allocation_to_first_meeting",
    name="First Team Around the Family meetings within the target time of allocation",
    definition="""Of the panel cases whose first Team Around the Family meeting was held in the
    period, the share held within the council's target number of days of the first allocation of
    a lead professional, and the median number of days (London calendar days from the day of the
    first allocation to the day of the first meeting recorded on any of the case's episodes).
    Sliced by the family's area, the lead agency and the lead professional's team at the first
    allocation.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def allocation_to_first_meeting(period: Period, where: Slice) -> tuple[int, int, float | None]:
    return _allocation_to_first(
        period, where, TafMeeting.objects.all(), "held_on", "allocation_to_first_meeting"
    )


@indicator(
    code="allocation_to_first_contact",
    name="First contacts within the target time of allocation",
    definition="""Of the panel cases whose first contact with the family happened in the period,
    the share that happened within the council's target number of days of the first allocation of
    a lead professional, and the median number of days (London calendar days from the day of the
    first allocation to the day of the first contact recorded on any of the case's episodes; a
    visit where no one was in or an appointment a child was not brought to is not a contact).
    Sliced by the family's area, the lead agency and the lead professional's team at the first
    allocation.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def allocation_to_first_contact(period: Period, where: Slice) -> tuple[int, int, float | None]:
    return _allocation_to_first(
        period,
        where,
        Contact.objects.exclude(kind__in=NOT_CONTACT),
        "happened_on",
        "allocation_to_first_contact",
    )


# ---------------------------------------------------------------- repeats


def _month_parts(prefix: str, day) -> dict:
    """Annotations for a day: its month counted from year 0, its day of the month, and what
    tells whether it is the last day of its month."""
    return {
        f"{prefix}_month": ExtractYear(day) * 12 + ExtractMonth(day),
        f"{prefix}_mon": ExtractMonth(day),
        f"{prefix}_day": ExtractDay(day),
        f"{prefix}_y4": Mod(ExtractYear(day), 4),
        f"{prefix}_y100": Mod(ExtractYear(day), 100),
        f"{prefix}_y400": Mod(ExtractYear(day), 400),
    }


def _on_or_after_months_before(prefix: str, later_month, later_day, months: int) -> Q:
    """Whether the day annotated with ``prefix`` (``_month_parts``) is on or after the later day
    less ``months`` months, as ``core.clock.add_months`` moves it: a later month, or the same
    month on the later day's day of the month or after, or on that month's last day (31 March
    less one month is the last day of February)."""
    leap = Q(**{f"{prefix}_y4": 0}) & (~Q(**{f"{prefix}_y100": 0}) | Q(**{f"{prefix}_y400": 0}))
    day, mon = f"{prefix}_day", f"{prefix}_mon"
    last_of_month = (
        Q(**{day: 31})
        | Q(**{day: 30, f"{mon}__in": (4, 6, 9, 11)})
        | Q(**{day: 29, mon: 2})
        | (Q(**{day: 28, mon: 2}) & ~leap)
    )
    start_month = later_month - months
    return Q(**{f"{prefix}_month__gt": start_month}) | (
        Q(**{f"{prefix}_month": start_month}) & (Q(**{f"{day}__gte": later_day}) | last_of_month)
    )


def _repeat_request_match(months: int) -> Exists:
    """For a request (annotated with its London day's ``_month_parts("d", ...)``): one of its
    children (with a date of birth) had an earlier request or panel referral within ``months``
    months before, matched by first name (ignoring letter case and surrounding spaces) and date
    of birth, as ``patterns.repeats.repeat_referrals_for_requests``."""
    later = OuterRef(OuterRef("created_at"))
    later_month, later_day = OuterRef(OuterRef("d_month")), OuterRef(OuterRef("d_day"))
    earlier_requests = (
        SupportRequestChild.objects.annotate(
            name_key=Lower(Trim("first_name")),
            **_month_parts("e", _london_day("support_request__created_at")),
        )
        .filter(
            name_key=OuterRef("name_key"),
            date_of_birth=OuterRef("date_of_birth"),
            support_request__created_at__lt=later,
        )
        .filter(_on_or_after_months_before("e", later_month, later_day, months))
    )
    earlier_referrals = (
        AssessmentChild.objects.annotate(
            name_key=Lower(Trim("person__first_name")),
            **_month_parts("e", _london_day("assessment__panel_referral__submitted_at")),
        )
        .filter(
            name_key=OuterRef("name_key"),
            person__date_of_birth=OuterRef("date_of_birth"),
            assessment__panel_referral__submitted_at__lt=later,
        )
        .filter(_on_or_after_months_before("e", later_month, later_day, months))
    )
    children = (
        SupportRequestChild.objects.filter(
            support_request=OuterRef("pk"), date_of_birth__isnull=False
        )
        .annotate(name_key=Lower(Trim("first_name")))
        .filter(Exists(earlier_requests) | Exists(earlier_referrals))
    )
    return Exists(children)


@indicator(
    code="repeat_referrals",
    name="Repeat requests for support",
    definition="""Of the requests for support made in the period, the share that were repeats:
    a child of the request had an earlier request for support or referral to the panel within
    the council's repeat-referral window (12 months unless the council sets another), matched by
    first name (ignoring letter case and surrounding spaces) and date of birth; a child given
    only an age cannot be matched. Only requests are counted here, not referrals to the panel.
    Sliced by the request's area and the asker's agency and team.""",
    quadrant=Quadrant.BETTER_OFF,
    better=Better.LOWER,
    booklet=True,
)
def repeat_referrals(period: Period, where: Slice) -> tuple[int, int]:
    months = pattern_settings().repeat_referral_months
    first, after = period.moments()
    counts = (
        SupportRequest.objects.filter(
            request_slice(where), created_at__gte=first, created_at__lt=after
        )
        .annotate(**_month_parts("d", _london_day("created_at")))
        .annotate(is_repeat=_repeat_request_match(months))
        .aggregate(made=Count("pk"), repeats=Count("pk", filter=Q(is_repeat=True)))
    )
    return counts["repeats"], counts["made"]


def _repeat_plan_match(months: int) -> Exists:
    """For a plan's first episode (annotated with ``_month_parts("d", "started_on")``): an
    earlier plan, for a child of the same family (a person who is a child in both families),
    ended within ``months`` months before it began, on or before the day it began. An earlier
    plan's end is its last episode's (one that ended with no next episode); a plan's episodes are
    all the same family's (``casework.services.episode_open`` refuses another family's)."""
    shared_child = FamilyMember.objects.filter(
        family=OuterRef("family"),
        role=FamilyMember.Role.CHILD,
        person__family_memberships__family=OuterRef(OuterRef("family")),
        person__family_memberships__role=FamilyMember.Role.CHILD,
    )
    earlier_ends = (
        Episode.objects.filter(
            next_episode__isnull=True,
            ended_on__isnull=False,
            ended_on__lte=OuterRef("started_on"),
        )
        # The plan itself, ended the day it began, is not an earlier plan.
        .exclude(pk=OuterRef("pk"))
        .exclude(previous=OuterRef("pk"))
        .annotate(**_month_parts("e", "ended_on"))
        .filter(_on_or_after_months_before("e", OuterRef("d_month"), OuterRef("d_day"), months))
        .filter(Exists(shared_child))
    )
    return Exists(earlier_ends)


@indicator(
    code="repeat_plans",
    name="Repeat plans",
    definition="""Of the plans begun in the period (the first episode of a chain of episodes
    started in the period; a step down after a step up continues the same plan), the share that
    began within the council's repeat-plan window (24 months unless the council sets another) of
    the end of an earlier plan for one of the same children (a child of the family in both). An
    earlier plan ends when its last episode ended. Sliced by the family's area, the lead agency
    and the lead professional's team of the plan's first episode.""",
    quadrant=Quadrant.BETTER_OFF,
    better=Better.LOWER,
    booklet=True,
)
def repeat_plans(period: Period, where: Slice) -> tuple[int, int]:
    months = pattern_settings().repeat_plan_months
    counts = (
        Episode.objects.filter(
            episode_slice(where),
            previous__isnull=True,
            started_on__range=(period.start, period.end),
        )
        .annotate(**_month_parts("d", "started_on"))
        .annotate(is_repeat=_repeat_plan_match(months))
        .aggregate(begun=Count("pk"), repeats=Count("pk", filter=Q(is_repeat=True)))
    )
    return counts["repeats"], counts["begun"]
