"""Each radar rule on fixed dates: on the threshold nothing is found, one day past it the rule
finds the subject (and the facts say why)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.models import Contact, Episode, EpisodeHistory, PlanAction, PlanOutcome, PlanReview
from casework.tests.factories import ContactFactory, EpisodeFactory
from casework.tests.factories_plans import make_action, make_outcome, make_plan
from core import clock
from core.tests.factories import AgencyFactory, CouncilFactory
from people.models import FamilyMember
from people.tests.factories import AdultFactory, FamilyMemberFactory, PersonFactory
from radar import engine
from radar.models import RuleCode
from radar.tests.factories import RadarRuleFactory

pytestmark = pytest.mark.django_db

STARTED = date(2026, 9, 1)


def found(code, today, **rule):
    rule_row = RadarRuleFactory(code=code, **rule)
    return engine.evaluate(today=today, rules=[rule_row])


@pytest.fixture
def episode():
    return EpisodeFactory(started_on=STARTED)


@pytest.fixture
def child(episode):
    person = PersonFactory(first_name="Amy")
    FamilyMemberFactory(family=episode.family, person=person, role=FamilyMember.Role.CHILD)
    return person


def test_time_in_stage_counts_from_the_episode_start_without_a_stage_change(episode):
    assert found(RuleCode.TIME_IN_STAGE, STARTED + timedelta(days=90)) == []
    (finding,) = found(RuleCode.TIME_IN_STAGE, STARTED + timedelta(days=91))
    assert finding.episode_id == episode.pk and finding.child_id is None
    assert finding.facts == {"stage": 1, "in_stage_since": "2026-09-01", "threshold": 90}
    assert finding.since == STARTED + timedelta(days=91)


def test_time_in_stage_counts_from_the_last_stage_change(episode):
    with time_machine.travel(datetime(2026, 10, 1, 10, tzinfo=UTC), tick=False):
        EpisodeHistory.objects.create(
            episode=episode, actor=episode.lead_professional, change=EpisodeHistory.Change.STAGE
        )
    changed = date(2026, 10, 1)
    assert found(RuleCode.TIME_IN_STAGE, changed + timedelta(days=90)) == []
    (finding,) = found(RuleCode.TIME_IN_STAGE, changed + timedelta(days=91))
    assert finding.facts["in_stage_since"] == "2026-10-01"


def test_no_contact_with_child_from_the_last_time_they_were_seen(episode, child):
    visit = ContactFactory(episode=episode, happened_on=date(2026, 10, 3))
    visit.seen.add(child)
    assert found(RuleCode.NO_CONTACT_WITH_CHILD, date(2026, 10, 31)) == []  # 28 days
    (finding,) = found(RuleCode.NO_CONTACT_WITH_CHILD, date(2026, 11, 1))  # 29 days
    assert finding.child_id == child.pk and finding.episode_id == episode.pk
    assert finding.facts["last_seen"] == "2026-10-03"
    assert finding.since == date(2026, 11, 1)


def test_no_contact_counts_from_the_start_when_never_seen_and_ignores_adults(episode, child):
    FamilyMemberFactory(
        family=episode.family, person=AdultFactory(), role=FamilyMember.Role.PARENT_CARER
    )
    assert found(RuleCode.NO_CONTACT_WITH_CHILD, STARTED + timedelta(days=28)) == []
    (finding,) = found(RuleCode.NO_CONTACT_WITH_CHILD, STARTED + timedelta(days=29))
    assert finding.child_id == child.pk
    assert finding.facts["last_seen"] is None


def test_not_seen_alone(episode, child):
    visit = ContactFactory(episode=episode, happened_on=date(2026, 9, 20))
    visit.seen.add(child)  # seen, but not alone
    assert found(RuleCode.NOT_SEEN_ALONE, STARTED + timedelta(days=42)) == []
    (finding,) = found(RuleCode.NOT_SEEN_ALONE, STARTED + timedelta(days=43))
    assert finding.facts["last_seen_alone"] is None
    visit.seen_alone.add(child)
    assert found(RuleCode.NOT_SEEN_ALONE, date(2026, 9, 20) + timedelta(days=42)) == []
    (finding,) = found(RuleCode.NOT_SEEN_ALONE, date(2026, 9, 20) + timedelta(days=43))
    assert finding.facts["last_seen_alone"] == "2026-09-20"


def test_review_overdue(episode):
    PlanReview.objects.create(episode=episode, due_on=date(2026, 10, 13))
    assert found(RuleCode.REVIEW_OVERDUE, date(2026, 10, 20)) == []  # 7 days late
    (finding,) = found(RuleCode.REVIEW_OVERDUE, date(2026, 10, 21))
    assert finding.facts == {"due_on": "2026-10-13", "threshold": 7}


def test_a_held_review_is_not_overdue(episode):
    PlanReview.objects.create(
        episode=episode, due_on=date(2026, 10, 13), held_on=date(2026, 10, 14)
    )
    assert found(RuleCode.REVIEW_OVERDUE, date(2026, 12, 1)) == []


def test_action_overdue_counts_open_actions_only(episode):
    outcome = make_outcome(plan=make_plan(episode=episode))
    make_action(outcome=outcome, by_when=date(2026, 10, 1))
    make_action(outcome=outcome, by_when=date(2026, 10, 1), status=PlanAction.Status.DONE)
    assert found(RuleCode.ACTION_OVERDUE, date(2026, 10, 15)) == []  # 14 days late
    (finding,) = found(RuleCode.ACTION_OVERDUE, date(2026, 10, 16))
    assert finding.facts == {"count": 1, "oldest_due": "2026-10-01", "threshold": 14}


def _review(episode, held_on, progress):
    return PlanReview.objects.create(
        episode=episode, due_on=held_on, held_on=held_on, progress=progress
    )


def test_no_progress_across_two_reviews(episode):
    outcome = make_outcome(plan=make_plan(episode=episode))
    key = str(outcome.pk)
    _review(episode, date(2026, 9, 15), {key: PlanOutcome.Progress.SOME})
    assert found(RuleCode.NO_PROGRESS, date(2026, 11, 1)) == []  # one review: cannot tell
    _review(episode, date(2026, 10, 27), {key: PlanOutcome.Progress.SOME})
    (finding,) = found(RuleCode.NO_PROGRESS, date(2026, 11, 1))
    assert finding.facts == {
        "reviews": ["2026-09-15", "2026-10-27"],
        "outcomes": 1,
        "threshold": 2,
    }


def test_progress_on_one_outcome_is_progress(episode):
    plan = make_plan(episode=episode)
    first, second = make_outcome(plan=plan), make_outcome(plan=plan, position=2)
    _review(episode, date(2026, 9, 15), {str(first.pk): "some", str(second.pk): "some"})
    _review(episode, date(2026, 10, 27), {str(first.pk): "some", str(second.pk): "good"})
    assert found(RuleCode.NO_PROGRESS, date(2026, 11, 1)) == []


def test_a_review_from_before_progress_was_kept_says_nothing(episode):
    outcome = make_outcome(plan=make_plan(episode=episode))
    _review(episode, date(2026, 9, 15), {})
    _review(episode, date(2026, 10, 27), {str(outcome.pk): PlanOutcome.Progress.SOME})
    assert found(RuleCode.NO_PROGRESS, date(2026, 11, 1)) == []


def test_episode_open_long_in_months(episode):
    assert found(RuleCode.EPISODE_OPEN_LONG, date(2027, 6, 1)) == []  # 9 months exactly
    (finding,) = found(RuleCode.EPISODE_OPEN_LONG, date(2027, 6, 2))
    assert finding.facts == {"started_on": "2026-09-01", "threshold": 9}
    assert finding.since == date(2027, 6, 2)


def test_a_closed_episode_is_not_on_the_radar(episode, child):
    Episode.objects.filter(pk=episode.pk).update(
        status=Episode.Status.CLOSED, ended_on=date(2026, 10, 1)
    )
    assert found(RuleCode.EPISODE_OPEN_LONG, date(2027, 12, 1)) == []
    assert found(RuleCode.NO_CONTACT_WITH_CHILD, date(2027, 12, 1)) == []


def _decided_case(decided_at):
    from panel.models import PanelCase, PanelDecision
    from panel.tests.factories import demo_panel, panel_referral

    chair = UserFactory(team=None)
    panel = demo_panel(chair=chair)
    referral = panel_referral(panel)
    case = PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number="ESMAP-R-1",
        year=2026,
        sequence=1,
        logged_by=chair,
        logged_at=decided_at,
        status=PanelCase.Status.DECIDED,
    )
    PanelDecision.objects.create(
        case=case,
        kind=PanelDecision.Kind.LEAD_AGENCY,
        lead_agency=AgencyFactory(name="Family Hub North"),
        decided_by=chair,
        decided_at=decided_at,
    )
    return case


def test_no_lead_professional_after_a_panel_decision():
    case = _decided_case(datetime(2026, 10, 7, 14, tzinfo=UTC))
    assert found(RuleCode.NO_LEAD_PROFESSIONAL, date(2026, 10, 17)) == []  # 10 days
    (finding,) = found(RuleCode.NO_LEAD_PROFESSIONAL, date(2026, 10, 18))
    assert finding.panel_case_id == case.pk and finding.family_id == case.referral.family_id
    assert finding.facts == {
        "decided_on": "2026-10-07",
        "agency": "Family Hub North",
        "threshold": 10,
    }


def test_an_allocated_case_has_its_lead_professional():
    from panel.models import LeadProfessionalAllocation

    case = _decided_case(datetime(2026, 10, 7, 14, tzinfo=UTC))
    LeadProfessionalAllocation.objects.create(
        case=case,
        agency=case.decision.lead_agency,
        lead_professional=UserFactory(roles=[Role.PRACTITIONER]),
        allocated_by=case.logged_by,
        allocated_at=datetime(2026, 10, 9, 10, tzinfo=UTC),
    )
    assert found(RuleCode.NO_LEAD_PROFESSIONAL, date(2026, 12, 1)) == []


def test_request_reply_overdue_after_the_promised_working_days():
    from support_requests.tests.factories import SupportRequestFactory

    CouncilFactory(public_response_working_days=5)
    # Received on Monday 5 October 2026: five working days later is Monday 12 October.
    with time_machine.travel(datetime(2026, 10, 5, 9, tzinfo=UTC), tick=False):
        request = SupportRequestFactory()
    assert found(RuleCode.REQUEST_REPLY_OVERDUE, date(2026, 10, 12)) == []
    (finding,) = found(RuleCode.REQUEST_REPLY_OVERDUE, date(2026, 10, 13))
    assert finding.support_request_id == request.pk
    assert finding.facts["reply_by"] == "2026-10-12" and finding.facts["working_days"] == 5
    assert found(RuleCode.REQUEST_REPLY_OVERDUE, date(2026, 10, 14), threshold=1) != []


def _missed(episode, child, on):
    contact = ContactFactory(
        episode=episode, happened_on=on, kind=Contact.Kind.WAS_NOT_BROUGHT, appointment="Health"
    )
    contact.not_brought.add(child)
    return contact


def test_was_not_brought_counts_missed_appointments_in_the_window(episode, child):
    _missed(episode, child, date(2026, 10, 5))
    assert found(RuleCode.WAS_NOT_BROUGHT, date(2026, 10, 20)) == []  # one is under the rule
    _missed(episode, child, date(2026, 10, 19))
    (finding,) = found(RuleCode.WAS_NOT_BROUGHT, date(2026, 10, 20))
    assert finding.child_id == child.pk
    assert finding.facts == {"missed": ["2026-10-05", "2026-10-19"], "threshold": 2, "weeks": 12}
    assert finding.since == date(2026, 10, 19)


def test_was_not_brought_window_edges(episode, child):
    _missed(episode, child, date(2026, 10, 5))
    _missed(episode, child, date(2026, 10, 19))
    # Twelve weeks after the first miss it falls out of the window; a day before, it counts.
    assert found(RuleCode.WAS_NOT_BROUGHT, date(2026, 10, 5) + timedelta(weeks=12, days=-1))
    assert found(RuleCode.WAS_NOT_BROUGHT, date(2026, 10, 5) + timedelta(weeks=12)) == []


def test_a_rule_switched_off_finds_nothing(episode):
    assert found(RuleCode.EPISODE_OPEN_LONG, date(2028, 1, 1), enabled=False) == []


def test_add_months_keeps_to_the_end_of_a_short_month():
    assert clock.add_months(date(2026, 5, 31), 9) == date(2027, 2, 28)
