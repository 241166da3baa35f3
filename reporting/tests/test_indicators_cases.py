"""The casework indicators on small hand-built sets whose answers are worked out here. The period
is October 2026 (1 to 31 October) unless a test says otherwise: 31 days, so 31/7 weeks."""

from datetime import date, timedelta

import pytest

from casework.models import Contact, Episode, PlanReview
from casework.tests.factories import ContactFactory, EpisodeFactory
from core.clock import add_months
from core.tests.factories import CouncilFactory
from people.tests.factories import AdultFactory, PersonFactory
from reporting.indicators import Period, Slice, cases
from reporting.models import ReportingSettings

pytestmark = pytest.mark.django_db

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
Kind = Contact.Kind


def _closed(started_on, ended_on, **extra):
    return EpisodeFactory(
        status=Episode.Status.CLOSED,
        started_on=started_on,
        ended_on=ended_on,
        end_reason=Episode.EndReason.NEEDS_MET,
        **extra,
    )


def _counted(indicator, period=OCTOBER, where=None):
    result = indicator.measure(period, where)
    if result.denominator is None:
        return result.numerator
    return result.numerator, result.denominator


def _review(episode, *, due_on, held_on, children_views=None):
    return PlanReview.objects.create(
        episode=episode, due_on=due_on, held_on=held_on, children_views=children_views or {}
    )


def _contact(episode, happened_on, kind=Kind.HOME_VISIT, *, seen=(), not_brought=()):
    contact = ContactFactory(episode=episode, happened_on=happened_on, kind=kind)
    contact.seen.set(seen)
    contact.not_brought.set(not_brought)
    return contact


def _visits(episode, number, child, *, first=OCTOBER.start):
    """``number`` home visits on consecutive days from ``first``, each seeing the child."""
    for day in range(number):
        _contact(episode, first + timedelta(days=day), seen=[child])


# ----------------------------------------------------------------------------- how much


def test_open_episodes_are_those_open_at_the_end_of_the_last_day():
    EpisodeFactory(started_on=date(2026, 10, 31))  # began on the last day: in
    EpisodeFactory(started_on=date(2026, 11, 1))  # the day after: out
    _closed(date(2026, 9, 1), date(2026, 10, 31))  # ended on the last day: out
    _closed(date(2026, 9, 1), date(2026, 11, 1))  # ended the day after: in (recorded later)
    EpisodeFactory(status=Episode.Status.CLOSURE_REQUESTED)  # with the panel: still open
    _closed(date(2026, 10, 1), date(2026, 10, 15))  # opened and closed inside: out

    assert _counted(cases.open_episodes) == 3


def test_families_worked_with_count_each_family_once_across_the_period():
    _closed(date(2026, 6, 1), date(2026, 10, 1))  # ended on the first day: in
    _closed(date(2026, 6, 1), date(2026, 9, 30))  # ended the day before: out
    EpisodeFactory(started_on=date(2026, 10, 31))  # began on the last day: in
    EpisodeFactory(started_on=date(2026, 11, 1))  # began the day after: out
    first = _closed(date(2026, 9, 1), date(2026, 10, 5))
    EpisodeFactory(family=first.family, started_on=date(2026, 10, 6))  # the same family: once

    assert _counted(cases.families_worked_with) == 3


# ----------------------------------------------------------------------------- caseloads


def _caseloads_of_21_and_20():
    heavy = EpisodeFactory().lead_professional  # 1 + 20 open
    for _ in range(20):
        EpisodeFactory(lead_professional=heavy)
    full = EpisodeFactory().lead_professional  # exactly 20 open at the end
    for _ in range(19):
        EpisodeFactory(lead_professional=full)


def test_caseload_over_counts_lead_professionals_holding_more_than_the_manageable_number():
    assert ReportingSettings().manageable_caseload == 20  # the default without a council pack
    heavy = EpisodeFactory().lead_professional  # 1 + 20 open: over
    for _ in range(20):
        EpisodeFactory(lead_professional=heavy)
    full = EpisodeFactory().lead_professional  # exactly 20 open at the end: not over
    for _ in range(19):
        EpisodeFactory(lead_professional=full)
    _closed(date(2026, 9, 1), date(2026, 10, 31), lead_professional=full)  # not open at the end
    EpisodeFactory(lead_professional=full, started_on=date(2026, 11, 1))  # not yet open
    EpisodeFactory()  # one open: not over
    _closed(date(2026, 9, 1), date(2026, 10, 20))  # holds nothing at the end: not counted

    assert _counted(cases.caseload_over) == (1, 3)


def test_a_caseload_counts_every_family_wherever_it_lives():
    heavy = EpisodeFactory().lead_professional
    for _ in range(20):
        EpisodeFactory(lead_professional=heavy)  # each family in an area of its own
    one_area = heavy.led_episodes.first().family.area
    other = EpisodeFactory()  # another worker, another area: not in the slice

    assert _counted(cases.caseload_over, where=Slice(area=one_area)) == (1, 1)
    assert _counted(cases.caseload_over, where=Slice(team=other.lead_professional.team)) == (0, 1)


# ----------------------------------------------------------------------------- plan reviews


def test_reviews_on_time_include_a_review_held_on_its_due_day():
    episode = EpisodeFactory()
    _review(episode, due_on=date(2026, 10, 10), held_on=date(2026, 10, 10))  # on its day: on time
    _review(episode, due_on=date(2026, 10, 10), held_on=date(2026, 10, 11))  # a day late
    _review(episode, due_on=date(2026, 10, 20), held_on=date(2026, 10, 1))  # first day, early
    _review(episode, due_on=date(2026, 9, 25), held_on=date(2026, 10, 31))  # last day, late
    _review(episode, due_on=date(2026, 9, 30), held_on=date(2026, 9, 30))  # the day before: out
    _review(episode, due_on=date(2026, 11, 1), held_on=date(2026, 11, 1))  # the day after: out
    _review(episode, due_on=date(2026, 10, 5), held_on=None)  # not held: out

    result = cases.reviews_on_time.measure(OCTOBER)

    assert (result.numerator, result.denominator) == (2, 4)
    assert result.suppressed and result.rate is None


def test_the_rate_of_reviews_on_time_shows_once_the_numbers_are_not_small():
    episode = EpisodeFactory()
    for day in range(1, 6):
        _review(episode, due_on=date(2026, 10, day), held_on=date(2026, 10, day))
    for day in range(1, 4):
        _review(episode, due_on=date(2026, 10, day), held_on=date(2026, 10, day + 1))

    result = cases.reviews_on_time.measure(OCTOBER)

    assert (result.numerator, result.denominator, result.suppressed) == (5, 8, False)
    assert result.rate == 62.5  # 5 of 8


def test_child_voice_counts_reviews_with_at_least_one_childs_views_written():
    episode = EpisodeFactory()
    first, second = PersonFactory(), PersonFactory()
    held = date(2026, 10, 12)
    _review(episode, due_on=held, held_on=held, children_views={str(first.pk): "I like school"})
    _review(episode, due_on=held, held_on=held, children_views={})  # no views
    _review(  # a key for each child but nothing written
        episode,
        due_on=held,
        held_on=held,
        children_views={str(first.pk): "", str(second.pk): "   "},
    )
    _review(
        episode,
        due_on=held,
        held_on=date(2026, 10, 31),
        children_views={str(first.pk): "", str(second.pk): "Happier at home"},
    )
    _review(  # held the day after: out
        episode,
        due_on=held,
        held_on=date(2026, 11, 1),
        children_views={str(first.pk): "Good"},
    )

    assert _counted(cases.child_voice_recorded) == (2, 4)


# ----------------------------------------------------------------------------- episode length


def test_episode_duration_in_range_with_its_median_length():
    assert add_months(date(2026, 4, 15), 6) == date(2026, 10, 15)
    assert add_months(date(2026, 1, 14), 9) == date(2026, 10, 14)
    six_months = _closed(date(2026, 4, 15), date(2026, 10, 15))  # exactly 6 months: in
    nine_and_a_day = _closed(date(2026, 1, 14), date(2026, 10, 15))  # 9 months and a day: out
    first_day = _closed(date(2026, 4, 1), date(2026, 10, 1))  # 6 months, ended on the first day
    last_day = _closed(date(2026, 2, 1), date(2026, 10, 31))  # 8 months 30 days, the last day
    short = _closed(date(2026, 4, 16), date(2026, 10, 15))  # a day short of 6 months: out
    EpisodeFactory(
        status=Episode.Status.STEPPED_UP,
        started_on=date(2026, 3, 1),
        ended_on=date(2026, 10, 10),
        end_reason=Episode.EndReason.STEP_UP,
    )  # stepped up: not counted
    _closed(date(2026, 3, 30), date(2026, 9, 30))  # closed the day before: out
    _closed(date(2026, 5, 1), date(2026, 11, 1))  # closed the day after: out
    EpisodeFactory(started_on=date(2026, 3, 1))  # still open: out
    lengths = sorted(
        (e.ended_on - e.started_on).days
        for e in (six_months, nine_and_a_day, first_day, last_day, short)
    )
    assert lengths == [182, 183, 183, 272, 274]

    result = cases.episode_duration_in_range.measure(OCTOBER)

    assert (result.numerator, result.denominator) == (3, 5)
    assert result.median_days == 183  # the third of five


def test_a_month_too_short_for_the_day_ends_on_its_last_day():
    # 31 August plus 6 months is 28 February; in a leap year, 29 February.
    february_2027 = Period(date(2027, 2, 1), date(2027, 2, 28))
    _closed(date(2026, 8, 31), date(2027, 2, 28))  # exactly 6 months: in
    _closed(date(2026, 8, 31), date(2027, 2, 27))  # a day short: out
    _closed(date(2026, 5, 30), date(2027, 2, 28))  # exactly 9 months (30 May + 9 = 28 Feb): in
    _closed(date(2026, 5, 27), date(2027, 2, 28))  # 9 months and a day: out
    assert _counted(cases.episode_duration_in_range, february_2027) == (2, 4)

    february_2028 = Period(date(2028, 2, 1), date(2028, 2, 29))
    _closed(date(2027, 8, 31), date(2028, 2, 28))  # a day short of 29 February: out
    _closed(date(2027, 8, 31), date(2028, 2, 29))  # exactly 6 months: in
    assert _counted(cases.episode_duration_in_range, february_2028) == (1, 2)


def test_the_median_of_an_even_number_is_halfway_between_the_middle_two():
    _closed(date(2026, 10, 1) - timedelta(days=100), date(2026, 10, 1))
    _closed(date(2026, 10, 2) - timedelta(days=151), date(2026, 10, 2))
    _closed(date(2026, 10, 3) - timedelta(days=300), date(2026, 10, 3))
    _closed(date(2026, 10, 4) - timedelta(days=20), date(2026, 10, 4))

    assert cases.episode_duration_in_range.measure(OCTOBER).median_days == (100 + 151) / 2


def test_no_closed_episode_has_no_median():
    result = cases.episode_duration_in_range.measure(OCTOBER)

    assert (result.numerator, result.denominator, result.median_days) == (0, 0, None)


def test_the_councils_episode_months_decide_the_range():
    ReportingSettings.objects.create(
        council=CouncilFactory(), episode_months_from=7, episode_months_to=8
    )
    _closed(date(2026, 4, 15), date(2026, 10, 15))  # 6 months: now too short
    _closed(date(2026, 3, 15), date(2026, 10, 15))  # 7 months: in
    _closed(date(2026, 2, 15), date(2026, 10, 15))  # 8 months: in
    _closed(date(2026, 2, 14), date(2026, 10, 15))  # 8 months and a day: out

    assert _counted(cases.episode_duration_in_range) == (2, 4)


# ----------------------------------------------------------------------------- visits


def test_visits_in_range_over_episodes_open_for_the_whole_period():
    # 2 to 3 visits a week over 31/7 weeks: from 62/7 (8.9) to 93/7 (13.3), so 9 to 13 visits.
    child = PersonFactory()
    fewest = EpisodeFactory(started_on=date(2026, 10, 1))  # opened on the first day
    _visits(fewest, 8, child)
    _contact(fewest, date(2026, 10, 20), seen=[child, AdultFactory()])  # 9th; two seen, one visit
    most = EpisodeFactory(started_on=date(2026, 9, 1))
    _visits(most, 12, child)
    _contact(most, date(2026, 10, 31), Kind.SCHOOL, seen=[child])  # 13th, on the last day
    too_many = EpisodeFactory()
    _visits(too_many, 14, child)
    too_few = EpisodeFactory()
    _visits(too_few, 8, child)
    _contact(too_few, date(2026, 9, 30), seen=[child])  # the day before: not in the period
    _contact(too_few, date(2026, 11, 1), seen=[child])  # the day after
    _contact(too_few, date(2026, 10, 20), Kind.PHONE, seen=[child])  # a call is not a visit
    _contact(too_few, date(2026, 10, 21), Kind.NO_ACCESS)  # no one in
    _contact(too_few, date(2026, 10, 22))  # a visit at which no one was seen
    late_start = EpisodeFactory(started_on=date(2026, 10, 2))  # not open the whole period
    _visits(late_start, 10, child, first=date(2026, 10, 2))
    _closed(date(2026, 9, 1), date(2026, 10, 30))  # ended before the last day: not counted
    ended_last_day = _closed(date(2026, 9, 1), date(2026, 10, 31))  # open the whole period
    _visits(ended_last_day, 9, child)
    _contact(ended_last_day, date(2026, 10, 10), Kind.OFFICE, seen=[child])  # 10th

    assert _counted(cases.visits_in_range) == (3, 5)


def test_the_councils_visits_a_week_decide_the_range():
    # 1 to 2 visits a week over 31/7 weeks: from 31/7 (4.4) to 62/7 (8.9), so 5 to 8 visits.
    ReportingSettings.objects.create(
        council=CouncilFactory(), visits_per_week_from=1, visits_per_week_to=2
    )
    child = PersonFactory()
    for number in (4, 5, 8, 9):
        _visits(EpisodeFactory(), number, child)

    assert _counted(cases.visits_in_range) == (2, 4)


# ----------------------------------------------------------------------------- was not brought


def test_was_not_brought_rate_over_appointments_for_children():
    episode = EpisodeFactory()
    child, sister, parent = PersonFactory(), PersonFactory(), AdultFactory()
    _contact(episode, date(2026, 10, 1), Kind.WAS_NOT_BROUGHT, not_brought=[child])  # missed
    _contact(  # missed, two children: one appointment
        episode, date(2026, 10, 31), Kind.WAS_NOT_BROUGHT, not_brought=[child, sister]
    )
    _contact(episode, date(2026, 9, 30), Kind.WAS_NOT_BROUGHT, not_brought=[child])  # day before
    _contact(episode, date(2026, 11, 1), Kind.WAS_NOT_BROUGHT, not_brought=[child])  # day after
    _contact(episode, date(2026, 10, 10), Kind.OFFICE, seen=[child, parent])  # kept
    _contact(episode, date(2026, 10, 11), Kind.SCHOOL, seen=[sister])  # kept
    _contact(episode, date(2026, 10, 12), Kind.HOME_VISIT, seen=[parent])  # no child: out
    _contact(episode, date(2026, 10, 13), Kind.PHONE, seen=[child])  # a call: out
    _contact(episode, date(2026, 10, 14), Kind.NO_ACCESS)  # no one in: out

    result = cases.was_not_brought_rate.measure(OCTOBER)

    assert (result.numerator, result.denominator) == (2, 4)
    assert result.suppressed and result.rate is None


# ----------------------------------------------------------------------------- slices


def _one_review_on_time(episode):
    _review(episode, due_on=date(2026, 10, 10), held_on=date(2026, 10, 10))


def _one_review_with_views(episode):
    child = PersonFactory()
    held = date(2026, 10, 10)
    _review(episode, due_on=held, held_on=held, children_views={str(child.pk): "Fine"})


def _one_closed_in_range(episode):
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED,
        started_on=date(2026, 4, 15),
        ended_on=date(2026, 10, 15),
        end_reason=Episode.EndReason.NEEDS_MET,
    )


def _visited_nine_times(episode):
    _visits(episode, 9, PersonFactory())


def _one_not_brought(episode):
    _contact(episode, date(2026, 10, 5), Kind.WAS_NOT_BROUGHT, not_brought=[PersonFactory()])


# For each indicator: what makes one episode count, what one episode counts as, and the most
# queries its measure may take (one of them reads the council's small number).
EACH = [
    (cases.open_episodes, lambda e: None, 1, 2),
    (cases.families_worked_with, lambda e: None, 1, 2),
    (cases.caseload_over, lambda e: None, (0, 1), 2),
    (cases.reviews_on_time, _one_review_on_time, (1, 1), 2),
    (cases.child_voice_recorded, _one_review_with_views, (1, 1), 2),
    (cases.episode_duration_in_range, _one_closed_in_range, (1, 1), 4),
    (cases.visits_in_range, _visited_nine_times, (1, 1), 3),
    (cases.was_not_brought_rate, _one_not_brought, (1, 1), 2),
]


def _times(counted, times):
    return counted * times if isinstance(counted, int) else tuple(n * times for n in counted)


@pytest.mark.parametrize(
    ("indicator", "make", "one", "queries"), EACH, ids=[row[0].code for row in EACH]
)
def test_a_slice_by_area_team_or_agency_leaves_out_the_other_episode(indicator, make, one, queries):
    chosen, other = EpisodeFactory(), EpisodeFactory()
    make(chosen)
    make(other)

    assert _counted(indicator) == _times(one, 2)
    assert _counted(indicator, where=Slice(area=chosen.family.area)) == one
    assert _counted(indicator, where=Slice(team=chosen.lead_professional.team)) == one
    assert _counted(indicator, where=Slice(agency=other.lead_agency)) == one


@pytest.mark.parametrize(
    ("indicator", "make", "one", "queries"), EACH, ids=[row[0].code for row in EACH]
)
def test_the_query_count_does_not_grow_with_the_records(
    indicator, make, one, queries, django_assert_max_num_queries
):
    make(EpisodeFactory())
    with django_assert_max_num_queries(queries):
        assert _counted(indicator) == one

    for _ in range(5):
        make(EpisodeFactory())
    with django_assert_max_num_queries(queries):
        assert _counted(indicator) == _times(one, 6)
    team = EpisodeFactory().lead_professional.team
    with django_assert_max_num_queries(queries):
        indicator.measure(OCTOBER, Slice(team=team))


def test_caseload_over_reads_the_councils_manageable_caseload():
    ReportingSettings.objects.create(council=CouncilFactory(), manageable_caseload=19)
    _caseloads_of_21_and_20()

    # 21 and 20 are both more than 19.
    assert _counted(cases.caseload_over) == (2, 2)
