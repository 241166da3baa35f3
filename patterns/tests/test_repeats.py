"""Repeat referrals and repeat plans on fixed dates: just inside and just outside the window, a
chain of episodes being one plan, only what the reader may see, and a fixed number of queries."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments.models import PanelReferral
from assessments.tests.factories import CompletedAssessmentFactory, PanelReferralFactory
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from core import notices
from core.tests.factories import AgencyFactory, AreaFactory, TeamFactory
from panel.models import PanelCase
from panel.tests.factories import PanelFactory
from patterns import notices as provided
from patterns import repeats
from patterns.tests.factories import request_for
from people.tests.factories import FamilyFactory, FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

BORN = date(2019, 3, 4)
NOW = datetime(2026, 10, 1, 9, tzinfo=UTC)


OURS = {"repeat_referral", "repeat_plan", "disguised_compliance", "record_disguised_compliance"}


def ours(found):
    """This app's notices (the other apps' providers answer for the same places)."""
    return [n for n in found if n.key in OURS]


def at(year, month, day):
    return datetime(year, month, day, 9, tzinfo=UTC)


@pytest.fixture
def leader(db):
    """An early support team leader: the triage queue of their team's area, and the panel inbox."""
    team = TeamFactory(agency=AgencyFactory(is_early_support_service=True))
    return UserFactory(team=team, roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


# ------------------------------------------------------------------ requests


def test_a_request_11_months_after_another_for_the_child_is_a_repeat(leader):
    area = leader.team.area
    earlier = request_for(area=area, first_name="Amy", born=BORN, at=at(2025, 11, 1))
    later = request_for(area=area, first_name=" amy ", born=BORN, at=NOW)

    found = repeats.repeat_referrals_for_requests(leader, [later])

    assert [e.record_id for e in found[later.pk]] == [str(earlier.pk)]
    assert found[later.pk][0].sentence == (
        f"Amy had a request on 1 November 2025 ({earlier.reference}), 11 months before this one."
    )


def test_a_request_13_months_after_another_is_not_a_repeat(leader):
    area = leader.team.area
    request_for(area=area, first_name="Amy", born=BORN, at=at(2025, 9, 1))
    later = request_for(area=area, first_name="Amy", born=BORN, at=NOW)

    assert repeats.repeat_referrals_for_requests(leader, [later]) == {}


def test_exactly_12_months_is_within_the_window(leader):
    area = leader.team.area
    request_for(area=area, first_name="Amy", born=BORN, at=at(2025, 10, 1))
    later = request_for(area=area, first_name="Amy", born=BORN, at=NOW)

    assert later.pk in repeats.repeat_referrals_for_requests(leader, [later])


def test_another_child_or_another_birthday_is_not_the_same_child(leader):
    area = leader.team.area
    request_for(area=area, first_name="Ben", born=BORN, at=at(2026, 5, 1))
    request_for(area=area, first_name="Amy", born=date(2019, 3, 5), at=at(2026, 5, 1))
    later = request_for(area=area, first_name="Amy", born=BORN, at=NOW)

    assert repeats.repeat_referrals_for_requests(leader, [later]) == {}


def test_a_later_request_is_not_an_earlier_one(leader):
    area = leader.team.area
    first = request_for(area=area, first_name="Amy", born=BORN, at=at(2026, 5, 1))
    request_for(area=area, first_name="Amy", born=BORN, at=NOW)

    assert repeats.repeat_referrals_for_requests(leader, [first]) == {}


def test_a_request_in_another_area_is_not_shown(leader):
    request_for(area=AreaFactory(), first_name="Amy", born=BORN, at=at(2026, 5, 1))
    later = request_for(area=leader.team.area, first_name="Amy", born=BORN, at=NOW)

    assert repeats.repeat_referrals_for_requests(leader, [later]) == {}
    assert ours(notices.notices_for("triage", user=leader, record=later)) == []


def test_an_earlier_panel_referral_makes_a_request_a_repeat(leader):
    family = FamilyFactory(team=leader.team)
    child = PersonFactory(first_name="Amy", date_of_birth=BORN)
    FamilyMemberFactory(family=family, person=child)
    referral = PanelReferralFactory(
        assessment=CompletedAssessmentFactory(family=family, children=[child])
    )
    PanelReferral.objects.filter(pk=referral.pk).update(submitted_at=at(2026, 2, 10))
    later = request_for(area=leader.team.area, first_name="Amy", born=BORN, at=NOW)

    earlier = repeats.repeat_referrals_for_requests(leader, [later])[later.pk]

    assert [(e.kind, e.record_id) for e in earlier] == [(repeats.PANEL_REFERRAL, str(referral.pk))]
    assert earlier[0].sentence.startswith("Amy had a panel referral on 10 February 2026")


def test_the_triage_notice_says_the_rule_and_the_facts(leader):
    area = leader.team.area
    earlier = request_for(area=area, first_name="Amy", born=BORN, at=at(2026, 3, 3))
    later = request_for(area=area, first_name="Amy", born=BORN, at=NOW)

    [notice] = ours(notices.notices_for("triage", user=leader, record=later))

    assert notice.key == "repeat_referral"
    assert notice.lines[0] == (
        f"Amy had a request on 3 March 2026 ({earlier.reference}), 6 months before this one."
    )
    assert "12 months" in notice.lines[-1]


# ------------------------------------------------------------------ panel referrals


def _referral(family, child, *, on, number, support_request=None):
    assessment = CompletedAssessmentFactory(
        family=family, children=[child], number=number, support_request=support_request
    )
    referral = PanelReferralFactory(assessment=assessment)
    PanelReferral.objects.filter(pk=referral.pk).update(submitted_at=on)
    referral.refresh_from_db()
    return referral


def test_a_panel_referral_11_months_after_another_is_a_repeat_and_13_is_not(leader):
    family = FamilyFactory(team=leader.team)
    child = PersonFactory(first_name="Amy", date_of_birth=BORN)
    FamilyMemberFactory(family=family, person=child)
    inside = _referral(family, child, on=at(2025, 11, 1), number=1)
    _referral(family, child, on=at(2025, 9, 1), number=2)
    later = _referral(family, child, on=NOW, number=3)

    earlier = repeats.repeat_referrals_for_panel_referrals(leader, [later])[later.pk]

    assert [e.record_id for e in earlier] == [str(inside.pk)]


def test_the_request_a_referral_began_with_is_not_a_repeat(leader):
    family = FamilyFactory(team=leader.team)
    child = PersonFactory(first_name="Amy", date_of_birth=BORN)
    FamilyMemberFactory(family=family, person=child)
    own = request_for(
        area=leader.team.area, first_name="Amy", born=BORN, at=at(2026, 8, 1), family=family
    )
    later = _referral(family, child, on=NOW, number=1, support_request=own)

    assert repeats.repeat_referrals_for_panel_referrals(leader, [later]) == {}

    other = request_for(area=leader.team.area, first_name="Amy", born=BORN, at=at(2026, 4, 1))
    earlier = repeats.repeat_referrals_for_panel_referrals(leader, [later])[later.pk]
    assert [e.record_id for e in earlier] == [str(other.pk)]


def test_the_episode_shows_the_repeat_referral_its_case_came_from(leader):
    family = FamilyFactory(team=leader.team)
    child = PersonFactory(first_name="Amy", date_of_birth=BORN)
    FamilyMemberFactory(family=family, person=child)
    _referral(family, child, on=at(2025, 11, 1), number=1)
    later = _referral(family, child, on=NOW, number=2)
    case = PanelCase.objects.create(
        referral=later,
        panel=PanelFactory(),
        esmap_number="ESMAP-2026-0007",
        year=2026,
        sequence=7,
        logged_by=leader,
        logged_at=NOW,
    )
    episode = EpisodeFactory(family=family, lead_professional=leader, panel_case=case)
    without = EpisodeFactory(
        family=_family_with(PersonFactory(), leader.team), lead_professional=leader
    )

    found = provided.episode_notices(leader, [episode, without])

    [notice] = [n for n in found[episode.pk] if n.key == "repeat_referral"]
    assert notice.lines == (
        f"Amy had a panel referral on 1 November 2025 (family {family.reference}), "
        "11 months before this one.",
        "The rule: a new request or panel referral for a child who had one in the 12 months "
        "before.",
    )
    assert "repeat_referral" not in {n.key for n in found.get(without.pk, [])}


# ------------------------------------------------------------------ repeat plans


def _family_with(child, team):
    family = FamilyFactory(team=team)
    FamilyMemberFactory(family=family, person=child)
    return family


@pytest.fixture
def lead(db):
    return UserFactory(roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])


def _ended(family, lead, *, started, ended, **kwargs):
    return EpisodeFactory(
        family=family,
        lead_professional=lead,
        started_on=started,
        ended_on=ended,
        status=Episode.Status.CLOSED,
        **kwargs,
    )


def test_a_plan_23_months_after_the_last_one_ended_is_a_repeat_plan(lead):
    child = PersonFactory(first_name="Amy")
    family = _family_with(child, lead.team)
    before = _ended(family, lead, started=date(2024, 1, 10), ended=date(2024, 10, 1))
    episode = EpisodeFactory(family=family, lead_professional=lead, started_on=date(2026, 9, 1))

    [plan] = repeats.repeat_plans_for_episodes(lead, [episode])[episode.pk]

    assert plan.episode_id == before.pk
    assert plan.sentence == (
        "The last plan for Amy ran from 10 January 2024 to 1 October 2024, and ended 23 months "
        "before this one started on 1 September 2026."
    )


def test_a_plan_25_months_after_the_last_one_ended_is_not(lead):
    child = PersonFactory(first_name="Amy")
    family = _family_with(child, lead.team)
    _ended(family, lead, started=date(2024, 1, 10), ended=date(2024, 8, 1))
    episode = EpisodeFactory(family=family, lead_professional=lead, started_on=date(2026, 9, 1))

    assert repeats.repeat_plans_for_episodes(lead, [episode]) == {}


def test_a_step_up_and_step_down_chain_is_one_plan(lead):
    child = PersonFactory(first_name="Amy")
    family = _family_with(child, lead.team)
    stepped = EpisodeFactory(
        family=family,
        lead_professional=lead,
        started_on=date(2026, 1, 5),
        ended_on=date(2026, 6, 1),
        status=Episode.Status.STEPPED_UP,
    )
    episode = EpisodeFactory(
        family=family, lead_professional=lead, started_on=date(2026, 8, 1), previous=stepped
    )

    assert repeats.repeat_plans_for_episodes(lead, [episode]) == {}
    keys = [n.key for n in notices.notices_for("episode", user=lead, record=episode)]
    assert "repeat_plan" not in keys


def test_a_chain_after_an_earlier_plan_counts_from_the_chain_start(lead):
    child = PersonFactory(first_name="Amy")
    family = _family_with(child, lead.team)
    _ended(family, lead, started=date(2024, 1, 1), ended=date(2025, 1, 1))
    first = _ended(
        family, lead, started=date(2025, 6, 1), ended=date(2026, 1, 1), end_reason="step_up"
    )
    episode = EpisodeFactory(
        family=family, lead_professional=lead, started_on=date(2026, 9, 1), previous=first
    )

    [plan] = repeats.repeat_plans_for_episodes(lead, [episode])[episode.pk]

    assert plan.this_started_on == date(2025, 6, 1)
    assert plan.ended_on == date(2025, 1, 1)


def test_a_child_who_moved_family_keeps_their_plans(lead):
    child = PersonFactory(first_name="Amy")
    old_family = _family_with(child, lead.team)
    new_family = _family_with(child, lead.team)
    _ended(old_family, lead, started=date(2025, 1, 1), ended=date(2025, 12, 1))
    episode = EpisodeFactory(family=new_family, lead_professional=lead, started_on=date(2026, 9, 1))

    assert repeats.repeat_plans_for_episodes(lead, [episode])[episode.pk][0].children == ("Amy",)


def test_an_earlier_plan_out_of_scope_is_not_shown(lead):
    child = PersonFactory(first_name="Amy")
    elsewhere = _family_with(child, UserFactory().team)
    here = _family_with(child, lead.team)
    _ended(elsewhere, UserFactory(), started=date(2025, 1, 1), ended=date(2025, 12, 1))
    episode = EpisodeFactory(family=here, lead_professional=lead, started_on=date(2026, 9, 1))

    assert repeats.repeat_plans_for_episodes(lead, [episode]) == {}


def test_an_episode_out_of_scope_gets_no_notice(lead):
    child = PersonFactory(first_name="Amy")
    family = _family_with(child, lead.team)
    _ended(family, lead, started=date(2024, 1, 10), ended=date(2026, 1, 1))
    episode = EpisodeFactory(family=family, lead_professional=lead, started_on=date(2026, 9, 1))
    stranger = UserFactory(roles=[Role.PRACTITIONER, Role.LEAD_PROFESSIONAL])

    assert [n.key for n in ours(notices.notices_for("episode", user=lead, record=episode))] == [
        "repeat_plan",
        "record_disguised_compliance",
    ]
    assert ours(notices.notices_for("episode", user=stranger, record=episode)) == []


# ------------------------------------------------------------------ counted


def test_repeat_counts_for_a_period(leader, lead):
    area = leader.team.area
    request_for(area=area, first_name="Amy", born=BORN, at=at(2026, 3, 3))
    request_for(area=area, first_name="Amy", born=BORN, at=at(2026, 9, 3))
    request_for(area=area, first_name="Ben", born=BORN, at=at(2026, 9, 4))
    child = PersonFactory(first_name="Amy")
    family = _family_with(child, lead.team)
    _ended(family, lead, started=date(2025, 1, 1), ended=date(2025, 12, 1))
    EpisodeFactory(family=family, lead_professional=lead, started_on=date(2026, 9, 1))

    counts = repeats.repeat_counts(
        user=leader, period_start=date(2026, 9, 1), period_end=date(2026, 9, 30)
    )

    assert (counts.requests, counts.repeat_requests) == (2, 1)
    assert (counts.plans, counts.repeat_plans) == (1, 1)
    assert (
        repeats.repeat_counts(
            user=leader,
            period_start=date(2026, 9, 1),
            period_end=date(2026, 9, 30),
            area=AreaFactory(),
        ).requests
        == 0
    )


# ------------------------------------------------------------------ a fixed number of queries


def _queries(run) -> int:
    run()  # once first, so what is cached per user (roles, teams) is not counted
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_triage_notices_cost_the_same_for_1_and_10_requests(leader):
    area = leader.team.area
    later = []
    for n in range(10):
        born = date(2019, 1, n + 1)
        request_for(area=area, first_name="Amy", born=born, at=at(2026, 3, 3))
        later.append(request_for(area=area, first_name="Amy", born=born, at=NOW))

    def run(records):
        found = provided.triage_notices(leader, records)
        assert len(found) == len(records)

    assert _queries(lambda: run(later[:1])) == _queries(lambda: run(later))


def test_panel_referral_notices_cost_the_same_for_1_and_10_referrals(leader):
    later = []
    for n in range(10):
        family = FamilyFactory(team=leader.team)
        child = PersonFactory(first_name=f"Child{n}", date_of_birth=date(2019, 1, n + 1))
        FamilyMemberFactory(family=family, person=child)
        _referral(family, child, on=at(2026, 3, 3), number=1)
        later.append(_referral(family, child, on=NOW, number=2))

    def run(records):
        found = provided.panel_referral_notices(leader, records)
        assert len(found) == len(records)

    assert _queries(lambda: run(later[:1])) == _queries(lambda: run(later))


def test_episode_notices_cost_the_same_for_1_and_10_episodes(lead):
    episodes = []
    for _ in range(10):
        child = PersonFactory()
        family = _family_with(child, lead.team)
        _ended(family, lead, started=date(2025, 1, 1), ended=date(2025, 12, 1))
        episodes.append(
            EpisodeFactory(family=family, lead_professional=lead, started_on=date(2026, 9, 1))
        )

    def run(records):
        found = provided.episode_notices(lead, records)
        assert len(found) == len(records)

    assert _queries(lambda: run(episodes[:1])) == _queries(lambda: run(episodes))
