"""Flow indicators (timeliness of each step, repeat referrals, repeat plans) on small hand-built
sets whose answers are worked out here. October 2026 is 1 to 31 October, London days; London is on
BST (UTC+1) until 25 October, so 00:30 on 1 October is 23:30 UTC on 30 September."""

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.models import PanelReferral
from assessments.tests.factories import AssessmentFactory, PanelReferralFactory
from casework.models import Contact, Episode
from casework.tests.factories import ContactFactory, EpisodeFactory, TafMeetingFactory
from core.tests.factories import AgencyFactory, AreaFactory, TeamFactory
from panel.models import LeadProfessionalAllocation, PanelCase, PanelDecision
from panel.tests.factories import PanelFactory
from patterns import repeats
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory
from reporting.indicators import Period, Slice, flow
from support_requests.models import SupportRequest, Triage
from support_requests.tests.factories import SupportRequestChildFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
SEQUENCE = count(1)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _request(at: datetime, *, area=None, agency=None) -> SupportRequest:
    made = SupportRequestFactory(**({"area": area} if area else {}))
    SupportRequest.objects.filter(pk=made.pk).update(created_at=at, requester_agency=agency)
    made.refresh_from_db()
    return made


def _triaged(made: datetime, decided: datetime, **kwargs) -> SupportRequest:
    support_request = _request(made, **kwargs)
    Triage.objects.create(
        support_request=support_request, decision=Triage.Decision.PANEL, decided_at=decided
    )
    return support_request


def _case(*, support_request=None, decided=None, allocated=None, area=None, lead=None):
    """A panel case (with its referral's assessment of a family in ``area``), decided and
    allocated to ``lead`` at the moments given, with an episode when allocated."""
    family = FamilyFactory(**({"area": area} if area else {}))
    assessment = AssessmentFactory(family=family, support_request=support_request)
    referral = PanelReferralFactory(assessment=assessment, family=family)
    number = next(SEQUENCE)
    case = PanelCase.objects.create(
        referral=referral,
        panel=PanelFactory(),
        esmap_number=f"ESMAP-T{number}",
        year=2026,
        sequence=number,
        logged_by=assessment.worker,
        logged_at=noon(date(2026, 6, 1)),
    )
    if decided is not None:
        PanelDecision.objects.create(
            case=case,
            kind=PanelDecision.Kind.LEAD_AGENCY,
            decided_by=assessment.worker,
            decided_at=decided,
        )
    if allocated is not None:
        lead = lead or UserFactory(roles=[Role.PRACTITIONER])
        _allocate(case, lead, allocated)
        case.episode = EpisodeFactory(
            family=family,
            panel_case=case,
            lead_professional=lead,
            lead_agency=lead.agency,
            started_on=allocated.date(),
        )
    return case


def _allocate(case, lead, at):
    return LeadProfessionalAllocation.objects.create(
        case=case, agency=lead.agency, lead_professional=lead, allocated_by=lead, allocated_at=at
    )


# ------------------------------------------------------------------ timeliness


def test_request_to_triage_counts_triage_decisions_ended_in_the_period_in_london_days():
    # Target: 5 days (the default). Each line: the request, then its triage decision.
    _triaged(noon(date(2026, 9, 28)), noon(date(2026, 10, 1)))  # ends on the first day: 3 days
    _triaged(noon(date(2026, 10, 26)), noon(date(2026, 10, 31)))  # the last day: 5, the target
    _triaged(noon(date(2026, 10, 10)), noon(date(2026, 10, 16)))  # 6 days: late
    # Made at 00:30 on 1 October in London (30 September in UTC): 5 London days, not 6.
    _triaged(datetime(2026, 9, 30, 23, 30, tzinfo=UTC), noon(date(2026, 10, 6)))
    _triaged(noon(date(2026, 10, 27)), noon(date(2026, 11, 1)))  # the day after: out
    # Decided at 23:30 on 30 September in London: out.
    _triaged(noon(date(2026, 9, 29)), datetime(2026, 9, 30, 22, 30, tzinfo=UTC))
    _request(noon(date(2026, 10, 2)))  # not triaged yet: out

    result = flow.request_to_triage.measure(OCTOBER)

    # Counted: 3, 5, 6 and 5 days; within 5 days: three; median of 3, 5, 5, 6 is 5.
    assert (result.numerator, result.denominator, result.median_days) == (3, 4, 5.0)
    assert result.suppressed and result.rate is None  # 3 of 4 could point at a family


def test_request_to_triage_shows_once_the_numbers_are_not_small():
    for days in (0, 1, 2, 5, 9, 12):
        _triaged(noon(date(2026, 10, 1)), noon(date(2026, 10, 1) + timedelta(days=days)))

    result = flow.request_to_triage.measure(OCTOBER)

    # Within 5 days: 0, 1, 2 and 5; median of 0, 1, 2, 5, 9, 12 is (2 + 5) / 2.
    assert (result.numerator, result.denominator, result.median_days) == (4, 6, 3.5)
    assert result.suppressed  # 4 is a small number
    assert flow.request_to_triage.measure(OCTOBER, small_number=3).rate == round(400 / 6, 1)


def test_a_median_of_an_odd_number_is_the_middle_one():
    for days in (7, 1, 30):
        _triaged(noon(date(2026, 10, 1)), noon(date(2026, 10, 1) + timedelta(days=days)))

    assert flow.request_to_triage.measure(OCTOBER).median_days == 7.0


def test_nothing_to_count_has_no_median():
    result = flow.request_to_triage.measure(OCTOBER)

    assert (result.numerator, result.denominator, result.median_days) == (0, 0, None)
    assert result.shown == "None to count"


def test_request_to_triage_by_area_and_by_agency():
    area, agency = AreaFactory(), AgencyFactory()
    _triaged(noon(date(2026, 10, 1)), noon(date(2026, 10, 2)), area=area, agency=agency)
    _triaged(noon(date(2026, 10, 1)), noon(date(2026, 10, 9)), area=area)  # another agency
    _triaged(noon(date(2026, 10, 1)), noon(date(2026, 10, 3)), agency=agency)  # another area

    by_area = flow.request_to_triage.measure(OCTOBER, Slice(area=area))
    by_agency = flow.request_to_triage.measure(OCTOBER, Slice(agency=agency))

    assert (by_area.numerator, by_area.denominator, by_area.median_days) == (1, 2, 4.5)
    assert (by_agency.numerator, by_agency.denominator, by_agency.median_days) == (2, 2, 1.5)


def test_triage_to_decision_from_the_triage_decision_to_the_panels():
    # Target: 28 days.
    on_target = _triaged(noon(date(2026, 9, 1)), noon(date(2026, 9, 3)))
    _case(support_request=on_target, decided=noon(date(2026, 10, 1)))  # 28 days: within
    late = _triaged(noon(date(2026, 9, 1)), noon(date(2026, 10, 2)))
    _case(support_request=late, decided=noon(date(2026, 10, 31)))  # 29 days: late
    after = _triaged(noon(date(2026, 10, 1)), noon(date(2026, 10, 2)))
    _case(support_request=after, decided=noon(date(2026, 11, 1)))  # decided the day after: out
    _case(decided=noon(date(2026, 10, 10)))  # no request for support: not counted

    result = flow.triage_to_decision.measure(OCTOBER)

    assert (result.numerator, result.denominator, result.median_days) == (1, 2, 28.5)


def test_decision_to_allocation_counts_the_first_allocation_only():
    # Target: 5 days.
    _case(decided=noon(date(2026, 9, 26)), allocated=noon(date(2026, 10, 1)))  # 5: within
    reallocated = _case(decided=noon(date(2026, 10, 20)), allocated=noon(date(2026, 10, 31)))
    _allocate(reallocated, UserFactory(), noon(date(2026, 10, 31)) + timedelta(hours=1))
    _case(decided=noon(date(2026, 10, 30)), allocated=noon(date(2026, 11, 1)))  # out
    # Allocated in September, handed to another lead professional in October: not counted.
    handed_over = _case(decided=noon(date(2026, 9, 1)), allocated=noon(date(2026, 9, 2)))
    _allocate(handed_over, UserFactory(), noon(date(2026, 10, 5)))

    result = flow.decision_to_allocation.measure(OCTOBER)

    # 5 days and 11 days.
    assert (result.numerator, result.denominator, result.median_days) == (1, 2, 8.0)


def test_decision_to_allocation_by_area_and_by_agency():
    area, team = AreaFactory(), TeamFactory()
    lead = UserFactory(team=team, roles=[Role.PRACTITIONER])
    _case(decided=noon(date(2026, 10, 1)), allocated=noon(date(2026, 10, 2)), area=area)
    _case(decided=noon(date(2026, 10, 1)), allocated=noon(date(2026, 10, 4)), lead=lead)

    by_area = flow.decision_to_allocation.measure(OCTOBER, Slice(area=area))
    by_agency = flow.decision_to_allocation.measure(OCTOBER, Slice(agency=team.agency))
    by_team = flow.decision_to_allocation.measure(OCTOBER, Slice(team=team))

    assert (by_area.denominator, by_area.median_days) == (1, 1.0)
    assert (by_agency.denominator, by_agency.median_days) == (1, 3.0)
    assert (by_team.denominator, by_team.median_days) == (1, 3.0)


def test_allocation_to_first_meeting_on_any_of_the_cases_episodes():
    # Target: 20 days.
    within = _case(decided=noon(date(2026, 9, 1)), allocated=noon(date(2026, 9, 11)))
    TafMeetingFactory(episode=within.episode, held_on=date(2026, 10, 1))  # 20 days: within
    TafMeetingFactory(episode=within.episode, held_on=date(2026, 10, 20))  # not the first
    stepped = _case(decided=noon(date(2026, 10, 1)), allocated=noon(date(2026, 10, 2)))
    Episode.objects.filter(pk=stepped.episode.pk).update(
        status=Episode.Status.STEPPED_UP, ended_on=date(2026, 10, 5)
    )
    back = EpisodeFactory(
        family=stepped.episode.family,
        panel_case=stepped,
        previous=stepped.episode,
        started_on=date(2026, 10, 10),
    )
    TafMeetingFactory(episode=back, held_on=date(2026, 10, 31))  # the case's first: 29 days
    earlier = _case(decided=noon(date(2026, 8, 1)), allocated=noon(date(2026, 8, 3)))
    TafMeetingFactory(episode=earlier.episode, held_on=date(2026, 9, 30))  # first before: out
    TafMeetingFactory(episode=earlier.episode, held_on=date(2026, 10, 7))
    after = _case(decided=noon(date(2026, 10, 1)), allocated=noon(date(2026, 10, 2)))
    TafMeetingFactory(episode=after.episode, held_on=date(2026, 11, 1))  # the day after: out

    result = flow.allocation_to_first_meeting.measure(OCTOBER)

    assert (result.numerator, result.denominator, result.median_days) == (1, 2, 24.5)


def test_allocation_to_first_contact_skips_attempts_that_reached_no_one():
    # Target: 10 days.
    reached = _case(decided=noon(date(2026, 10, 1)), allocated=noon(date(2026, 10, 2)))
    ContactFactory(episode=reached.episode, happened_on=date(2026, 10, 5), kind="no_access")
    ContactFactory(
        episode=reached.episode, happened_on=date(2026, 10, 6), kind=Contact.Kind.WAS_NOT_BROUGHT
    )
    ContactFactory(episode=reached.episode, happened_on=date(2026, 10, 12))  # 10 days: within
    slow = _case(decided=noon(date(2026, 10, 1)), allocated=noon(date(2026, 10, 2)))
    ContactFactory(episode=slow.episode, happened_on=date(2026, 10, 13), kind="phone")  # 11
    _case(decided=noon(date(2026, 10, 1)), allocated=noon(date(2026, 10, 2)))  # no contact yet

    result = flow.allocation_to_first_contact.measure(OCTOBER)

    assert (result.numerator, result.denominator, result.median_days) == (1, 2, 10.5)


TIMELINESS = [
    flow.request_to_triage,
    flow.triage_to_decision,
    flow.decision_to_allocation,
    flow.allocation_to_first_meeting,
    flow.allocation_to_first_contact,
]


def _whole_chains(how_many: int):
    for n in range(how_many):
        support_request = _triaged(noon(date(2026, 9, 1)), noon(date(2026, 9, 2 + n)))
        case = _case(
            support_request=support_request,
            decided=noon(date(2026, 10, 1 + n)),
            allocated=noon(date(2026, 10, 3 + n)),
        )
        TafMeetingFactory(episode=case.episode, held_on=date(2026, 10, 10 + n))
        ContactFactory(episode=case.episode, happened_on=date(2026, 10, 5 + n))
        _triaged(noon(date(2026, 10, 1)), noon(date(2026, 10, 1 + n)))


@pytest.mark.parametrize("one", TIMELINESS, ids=lambda one: one.code)
def test_timeliness_costs_three_queries_however_many_records(one, django_assert_max_num_queries):
    _whole_chains(1)
    with django_assert_max_num_queries(3):  # the settings, the counts, the middle durations
        small = one.measure(OCTOBER, small_number=1)
    _whole_chains(6)
    with django_assert_max_num_queries(3):
        large = one.measure(OCTOBER, small_number=1)

    # One chain (and one more triage in October) a time: every step of each ends in October.
    assert (small.denominator, large.denominator) == (1, 7)


def test_timeliness_indicators_are_in_the_booklet_and_say_how_well():
    assert {(one.quadrant, one.better, one.booklet) for one in TIMELINESS} == {
        ("how_well", "higher", True)
    }


# ------------------------------------------------------------------ repeats

BORN = date(2019, 3, 4)


def _asked_about(first_name: str, at: datetime, *, born=BORN, area=None) -> SupportRequest:
    support_request = _request(at, area=area)
    SupportRequestChildFactory(
        support_request=support_request,
        first_name=first_name,
        date_of_birth=born,
        age_years=None if born else 7,
    )
    return support_request


@pytest.fixture
def sees_everything(db):
    """An early support team leader in no area's team: every request, family and referral."""
    return UserFactory(
        team=None,
        agency=AgencyFactory(is_early_support_service=True),
        roles=[Role.EARLY_SUPPORT_TEAM_LEADER],
    )


def _counts(user, period: Period, area=None) -> repeats.RepeatCounts:
    return repeats.repeat_counts(
        user=user, period_start=period.start, period_end=period.end, area=area
    )


def test_repeat_referrals_match_the_patterns_rule(sees_everything):
    area = AreaFactory()
    # Amy: a request exactly 12 months before (the window's first day): a repeat.
    _asked_about("Amy", noon(date(2025, 10, 31)))
    _asked_about(" amy ", noon(date(2026, 10, 31)), area=area)
    # Ben: 12 months and a day before: not a repeat.
    _asked_about("Ben", noon(date(2025, 10, 14)))
    _asked_about("Ben", noon(date(2026, 10, 15)))
    # Cara: a panel referral for her in June: a repeat (the rule takes either kind).
    cara = PersonFactory(first_name="Cara", date_of_birth=BORN)
    referral = PanelReferralFactory(assessment=AssessmentFactory(children=[cara]))
    PanelReferral.objects.filter(pk=referral.pk).update(submitted_at=noon(date(2026, 6, 1)))
    _asked_about("CARA", noon(date(2026, 10, 20)), area=area)
    # Dan: given only an age, never matched.
    _asked_about("Dan", noon(date(2026, 9, 1)), born=None)
    _asked_about("Dan", noon(date(2026, 10, 2)), born=None)
    # Eve: the earlier request is later the same day's: this one is the first, that one a repeat.
    _asked_about("Eve", noon(date(2026, 10, 3)))
    _asked_about("Eve", noon(date(2026, 10, 3)) + timedelta(hours=2))
    # Amy again in November: out of the period (and a repeat there).
    _asked_about("Amy", noon(date(2026, 11, 1)))

    result = flow.repeat_referrals.measure(OCTOBER)
    by_area = flow.repeat_referrals.measure(OCTOBER, Slice(area=area))

    # Made in October: Amy, Ben, Cara, Dan, Eve and Eve; repeats: Amy, Cara and the second Eve.
    assert (result.numerator, result.denominator) == (3, 6)
    assert (by_area.numerator, by_area.denominator) == (2, 2)
    counted = _counts(sees_everything, OCTOBER)
    assert (counted.repeat_requests, counted.requests) == (3, 6)
    counted = _counts(sees_everything, OCTOBER, area=area)
    assert (counted.repeat_requests, counted.requests) == (2, 2)


def test_a_months_window_from_29_february_starts_on_the_last_day_of_february(sees_everything):
    leap_february = Period(date(2028, 2, 1), date(2028, 2, 29))
    _asked_about("Amy", noon(date(2027, 2, 28)))  # 29 February 2028 less 12 months: within
    _asked_about("Amy", noon(date(2028, 2, 29)))
    _asked_about("Ben", noon(date(2027, 2, 27)))  # a day earlier: not within
    _asked_about("Ben", noon(date(2028, 2, 29)))

    result = flow.repeat_referrals.measure(leap_february)

    assert (result.numerator, result.denominator) == (1, 2)
    counted = _counts(sees_everything, leap_february)
    assert (counted.repeat_requests, counted.requests) == (1, 2)


def test_repeat_referrals_by_agency_counts_that_agencys_requests():
    agency = AgencyFactory()
    _asked_about("Amy", noon(date(2026, 3, 1)))
    made = _asked_about("Amy", noon(date(2026, 10, 1)))
    SupportRequest.objects.filter(pk=made.pk).update(requester_agency=agency)
    _asked_about("Amy", noon(date(2026, 10, 2)))  # a repeat, asked by no agency

    result = flow.repeat_referrals.measure(OCTOBER, Slice(agency=agency))

    assert (result.numerator, result.denominator) == (1, 1)


def _child_in(*families):
    child = PersonFactory()
    for family in families:
        FamilyMemberFactory(family=family, person=child)
    return child


def _ended(family, started_on, ended_on, **kwargs):
    return EpisodeFactory(
        family=family,
        started_on=started_on,
        ended_on=ended_on,
        status=Episode.Status.CLOSED,
        end_reason=Episode.EndReason.NEEDS_MET,
        **kwargs,
    )


def test_repeat_plans_match_the_patterns_rule(sees_everything):
    area = AreaFactory()
    old_home, new_home = FamilyFactory(), FamilyFactory(area=area)
    _child_in(old_home, new_home)
    # An earlier plan of two episodes (a step up, then a step down) ended 24 months before.
    up = _ended(old_home, date(2024, 1, 1), date(2024, 6, 1))
    _ended(old_home, date(2024, 9, 1), date(2024, 10, 10), previous=up)
    EpisodeFactory(family=new_home, started_on=date(2026, 10, 10))  # a repeat

    too_long_ago = FamilyFactory()
    _child_in(too_long_ago)
    _ended(too_long_ago, date(2024, 1, 1), date(2024, 10, 19))  # 24 months and a day before
    EpisodeFactory(family=too_long_ago, started_on=date(2026, 10, 20))  # not a repeat

    still_running = FamilyFactory()
    _child_in(still_running)
    first = _ended(still_running, date(2025, 1, 1), date(2026, 1, 1))
    EpisodeFactory(family=still_running, previous=first, started_on=date(2026, 2, 1))  # open
    EpisodeFactory(family=still_running, started_on=date(2026, 10, 5))  # not a repeat

    no_children = FamilyFactory()
    _ended(no_children, date(2025, 1, 1), date(2026, 1, 1))
    EpisodeFactory(family=no_children, started_on=date(2026, 10, 1))  # no child: not a repeat

    again = FamilyFactory()
    _child_in(again)
    _ended(again, date(2025, 1, 1), date(2026, 9, 30))
    EpisodeFactory(family=again, started_on=date(2026, 10, 31))  # a repeat, on the last day

    # A step down in October continues a plan begun in September: not a plan begun.
    stepped = FamilyFactory()
    up_again = _ended(stepped, date(2026, 9, 1), date(2026, 10, 2))
    EpisodeFactory(family=stepped, previous=up_again, started_on=date(2026, 10, 30))
    EpisodeFactory(family=new_home, started_on=date(2026, 11, 1))  # the day after: out

    result = flow.repeat_plans.measure(OCTOBER)
    by_area = flow.repeat_plans.measure(OCTOBER, Slice(area=area))

    # Begun in October: new home, too long ago, still running, no children, again.
    assert (result.numerator, result.denominator) == (2, 5)
    assert (by_area.numerator, by_area.denominator) == (1, 1)
    counted = _counts(sees_everything, OCTOBER)
    assert (counted.repeat_plans, counted.plans) == (2, 5)
    counted = _counts(sees_everything, OCTOBER, area=area)
    assert (counted.repeat_plans, counted.plans) == (1, 1)


@pytest.mark.parametrize("one", [flow.repeat_referrals, flow.repeat_plans], ids=lambda o: o.code)
def test_repeats_cost_two_queries_however_many_records(one, django_assert_max_num_queries):
    def more(n):
        for day in range(1, n + 1):
            _asked_about("Amy", noon(date(2026, 9, day)))
            _asked_about("Amy", noon(date(2026, 10, day)))
            family = FamilyFactory()
            _child_in(family)
            _ended(family, date(2025, 1, day), date(2026, 1, day))
            EpisodeFactory(family=family, started_on=date(2026, 10, day))

    more(1)
    with django_assert_max_num_queries(2):  # the pattern settings, the counts
        small = one.measure(OCTOBER, small_number=1)
    more(6)
    with django_assert_max_num_queries(2):
        large = one.measure(OCTOBER, small_number=1)

    assert (small.numerator, small.denominator) == (1, 1)
    # Every one a repeat (of September's request, of the plan ended in January); the requests
    # of October also repeat the earlier days' in October.
    assert (large.numerator, large.denominator) == (7, 7)


def test_repeats_are_in_the_booklet_and_lower_is_better():
    assert {
        (o.quadrant, o.better, o.booklet) for o in (flow.repeat_referrals, flow.repeat_plans)
    } == {("better_off", "lower", True)}
