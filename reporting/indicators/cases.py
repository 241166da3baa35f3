"""Indicators of casework: the episodes open and the families worked with, lead professionals'
caseloads, plan reviews on time and with the children's views, how long episodes last, how often
families are visited, and children not brought to appointments.

Each counts in the database (aggregates, a fixed number of queries) and applies the slice as
``episode_slice`` says for an episode: the family's area, the lead agency and the lead
professional's team.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Mod

from casework.models import Contact, Episode, PlanReview
from people.models import Person
from reporting.indicators.base import Better, Period, Quadrant, Slice, indicator
from reporting.indicators.practice import episode_slice
from reporting.models import DEFAULT_MANAGEABLE_CASELOAD, ReportingSettings
from reporting.settings import reporting_settings

# Face-to-face contacts: a phone or video call, a message, a missed appointment or a visit where
# no one was in is not a visit.
VISIT_KINDS = (Contact.Kind.HOME_VISIT, Contact.Kind.OFFICE, Contact.Kind.SCHOOL)


def _open_at_end(period: Period, prefix: str = "") -> Q:
    """Started on or before the period's last day and not ended by the end of it."""
    return Q(**{f"{prefix}started_on__lte": period.end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": period.end})
    )


def _open_during(period: Period) -> Q:
    """Open on at least one day of the period (an episode's first and last days both count)."""
    return Q(started_on__lte=period.end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )


@indicator(
    code="open_episodes",
    name="Open episodes",
    definition="""Early help episodes open at the end of the period: started on or before its last
    day and not ended on or before that day (an episode whose closure is with the panel is still
    open).""",
    quadrant=Quadrant.HOW_MUCH,
    better=Better.NEITHER,
)
def open_episodes(period: Period, where: Slice) -> int:
    return Episode.objects.filter(episode_slice(where), _open_at_end(period)).count()


@indicator(
    code="families_worked_with",
    name="Families worked with",
    definition="""Families with an early help episode open on at least one day of the period
    (started on or before its last day, and not ended before its first). A family with two
    episodes in the period counts once.""",
    quadrant=Quadrant.HOW_MUCH,
    better=Better.NEITHER,
)
def families_worked_with(period: Period, where: Slice) -> int:
    counted = Episode.objects.filter(episode_slice(where), _open_during(period)).aggregate(
        families=Count("family", distinct=True)
    )
    return counted["families"]


def _manageable_caseload():
    """The council's manageable caseload, read by the database within the indicator's query."""
    return Coalesce(
        Subquery(ReportingSettings.objects.order_by("pk").values("manageable_caseload")[:1]),
        Value(DEFAULT_MANAGEABLE_CASELOAD),
    )


@indicator(
    code="caseload_over",
    name="Lead professionals with more than a manageable caseload",
    definition="""Of the lead professionals leading at least one episode open at the end of the
    period (in the part of the partnership chosen), the share leading more open episodes then
    than the council's manageable caseload ("manageable case load in line with national
    guidelines", Early Help Strategy §3.30; 20 unless the council sets another). Every open
    episode a lead professional leads counts towards their caseload, wherever the family lives.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.LOWER,
)
def caseload_over(period: Period, where: Slice) -> tuple[int, int]:
    # Who is counted depends on the slice; how many cases they hold does not: a worker with 15
    # families in one area and 10 in another holds 25.
    leads = Episode.objects.filter(episode_slice(where), _open_at_end(period)).values(
        "lead_professional_id"
    )
    caseloads = (
        Episode.objects.filter(_open_at_end(period), lead_professional_id__in=leads)
        .order_by()
        .values("lead_professional_id")
        .annotate(held=Count("pk"))
    )
    counted = caseloads.aggregate(
        leads=Count("lead_professional_id"),
        over=Count("lead_professional_id", filter=Q(held__gt=_manageable_caseload())),
    )
    return counted["over"], counted["leads"]


def _reviews_held(period: Period, where: Slice):
    return PlanReview.objects.filter(
        episode_slice(where, "episode__"), held_on__range=(period.start, period.end)
    )


@indicator(
    code="reviews_on_time",
    name="Plan reviews held on time",
    definition="""Of the family plan reviews held in the period, the share held on or before the
    day they were due (a review held on its due day is on time).""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
)
def reviews_on_time(period: Period, where: Slice) -> tuple[int, int]:
    counted = _reviews_held(period, where).aggregate(
        held=Count("pk"), on_time=Count("pk", filter=Q(held_on__lte=F("due_on")))
    )
    return counted["on_time"], counted["held"]


class _SomeViewWritten(Func):
    """True when a JSON object (a child's id -> their views in words) has at least one entry that
    is not blank. PostgreSQL and SQLite each read JSON their own way."""

    arity = 1
    output_field = BooleanField()
    template = (
        "EXISTS (SELECT 1 FROM jsonb_each_text(%(expressions)s) AS entry (child, words)"
        " WHERE btrim(entry.words) <> '')"
    )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=(
                "EXISTS (SELECT 1 FROM json_each(%(expressions)s) AS entry"
                " WHERE trim(entry.value) <> '')"
            ),
            **extra_context,
        )


@indicator(
    code="child_voice_recorded",
    name="Plan reviews recording the children's views",
    definition="""Of the family plan reviews held in the period, the share in which the views of
    at least one child were written down. A review with no child's views, or only blank ones, does
    not count as recording them.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
    booklet=True,
)
def child_voice_recorded(period: Period, where: Slice) -> tuple[int, int]:
    counted = _reviews_held(period, where).aggregate(
        held=Count("pk"), with_views=Count("pk", filter=Q(_SomeViewWritten("children_views")))
    )
    return counted["with_views"], counted["held"]


def _months_between():
    """Whole calendar months from an episode's start to its end, by month number alone (15 March
    to 2 September is 6), and each day of the month, for comparing with ``core.clock.add_months``
    in the database."""
    return {
        "months": (ExtractYear("ended_on") - ExtractYear("started_on")) * 12
        + ExtractMonth("ended_on")
        - ExtractMonth("started_on"),
        "start_day": ExtractDay("started_on"),
        "end_day": ExtractDay("ended_on"),
        "end_month": ExtractMonth("ended_on"),
        "end_year": ExtractYear("ended_on"),
    }


def _last_day_of_end_month():
    """The number of days in the month the episode ended (February's 29 in a leap year)."""
    leap = Q(end_year_mod4=0) & (~Q(end_year_mod100=0) | Q(end_year_mod400=0))
    return Case(
        When(end_month__in=(4, 6, 9, 11), then=Value(30)),
        When(Q(end_month=2) & leap, then=Value(29)),
        When(end_month=2, then=Value(28)),
        default=Value(31),
        output_field=IntegerField(),
    )


def _lasted_at_least(months: int) -> Q:
    """ended_on >= add_months(started_on, months). In the month it falls due, the end is on or
    after the start's day of the month, or on the month's last day (31 August plus six months is
    28 February, as ``add_months`` has it)."""
    return Q(months__gt=months) | (
        Q(months=months) & (Q(end_day__gte=F("start_day")) | Q(end_day=F("last_day")))
    )


def _lasted_at_most(months: int) -> Q:
    """ended_on <= add_months(started_on, months): no end day can pass the month's last day, so
    in the month it falls due the end day is at most the start's day."""
    return Q(months__lt=months) | (Q(months=months) & Q(end_day__lte=F("start_day")))


@indicator(
    code="episode_duration_in_range",
    name="Episodes closed within the expected length",
    definition="""Of the early help episodes closed in the period (not those stepped up to
    children's social care), the share that lasted from the council's shortest to its longest
    expected length in calendar months (6 to 9 unless the council sets others), both included:
    from the day the episode started to the day it ended. Six months from 31 August is 28
    February. With the median length in days.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.NEITHER,
    booklet=True,
)
def episode_duration_in_range(period: Period, where: Slice) -> tuple[int, int, float | None]:
    settings = reporting_settings()
    closed = Episode.objects.filter(
        episode_slice(where),
        status=Episode.Status.CLOSED,
        ended_on__range=(period.start, period.end),
    )
    measured = (
        closed.annotate(**_months_between())
        .annotate(
            end_year_mod4=Mod("end_year", 4),
            end_year_mod100=Mod("end_year", 100),
            end_year_mod400=Mod("end_year", 400),
        )
        .annotate(last_day=_last_day_of_end_month())
    )
    in_range = _lasted_at_least(settings.episode_months_from) & _lasted_at_most(
        settings.episode_months_to
    )
    counted = measured.aggregate(closed=Count("pk"), in_range=Count("pk", filter=in_range))
    return counted["in_range"], counted["closed"], _median_days(closed, counted["closed"])


def _median_days(episodes, count: int) -> float | None:
    """The median of the episodes' lengths in days: the database orders them by length and
    returns the middle one (or the middle two, for an even count)."""
    if not count:
        return None
    length = ExpressionWrapper(F("ended_on") - F("started_on"), output_field=DurationField())
    middle = (count - 1) // 2
    rows = episodes.order_by(length, "pk").values_list("started_on", "ended_on")[
        middle : middle + (2 - count % 2)
    ]
    days = [(ended - started).days for started, ended in rows]
    return sum(days) / len(days)


def _visits_expected(period: Period, per_week_from: int, per_week_to: int) -> tuple[int, int]:
    """The fewest and most whole visits in the range for the period: from ``per_week_from`` to
    ``per_week_to`` visits a week, a week being seven of the period's days."""
    weeks = Fraction(period.days, 7)
    return ceil(per_week_from * weeks), floor(per_week_to * weeks)


@indicator(
    code="visits_in_range",
    name="Episodes visited as often as planned",
    definition="""Of the early help episodes open for the whole period (started on or before its
    first day and not ended before its last), the share with as many visits in the period as the
    council expects: from its fewest to its most visits a week (2 to 3 unless the council sets
    others) times the period's weeks (its days divided by 7), both included. A visit is a home
    visit, an office or centre visit or a visit at school or nursery at which at least one person
    was seen; calls, messages, missed appointments and visits where no one was in do not count.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.HIGHER,
)
def visits_in_range(period: Period, where: Slice) -> tuple[int, int]:
    settings = reporting_settings()
    fewest, most = _visits_expected(
        period, settings.visits_per_week_from, settings.visits_per_week_to
    )
    throughout = Episode.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.end),
        episode_slice(where),
        started_on__lte=period.start,
    )
    visit = Q(
        contacts__kind__in=VISIT_KINDS,
        contacts__happened_on__range=(period.start, period.end),
        contacts__seen__isnull=False,
    )
    counted = (
        throughout.order_by()
        .annotate(visits=Count("contacts", filter=visit, distinct=True))
        .aggregate(
            episodes=Count("pk"),
            in_range=Count("pk", filter=Q(visits__gte=fewest, visits__lte=most)),
        )
    )
    return counted["in_range"], counted["episodes"]


@indicator(
    code="was_not_brought_rate",
    name="Appointments at which a child was not brought",
    definition="""Of the contacts in the period at which a child was due to be seen, the share at
    which a child was not brought. A contact at which a child was due to be seen is a missed
    appointment recorded as 'was not brought', naming the children not brought, or a kept one:
    a home visit, an office or centre visit or a visit at school or nursery at which a child was
    seen. Each contact counts once, however many children it names. An appointment with another
    service that a child was brought to is counted only if it was recorded as such a visit.""",
    quadrant=Quadrant.HOW_WELL,
    better=Better.LOWER,
    booklet=True,
)
def was_not_brought_rate(period: Period, where: Slice) -> tuple[int, int]:
    # Only a missed appointment is recorded as an appointment (the contact of kind 'was not
    # brought', with the children and what they missed); a kept one is a visit at which a child
    # was seen.
    missed = Q(kind=Contact.Kind.WAS_NOT_BROUGHT) & Q(
        Exists(Contact.not_brought.through.objects.filter(contact_id=OuterRef("pk")))
    )
    kept = Q(kind__in=VISIT_KINDS) & Q(
        Exists(
            Contact.seen.through.objects.filter(
                contact_id=OuterRef("pk"), person__kind=Person.Kind.CHILD
            )
        )
    )
    counted = (
        Contact.objects.filter(
            episode_slice(where, "episode__"), happened_on__range=(period.start, period.end)
        )
        .filter(missed | kept)
        .aggregate(
            appointments=Count("pk"),
            not_brought=Count("pk", filter=Q(kind=Contact.Kind.WAS_NOT_BROUGHT)),
        )
    )
    return counted["not_brought"], counted["appointments"]
