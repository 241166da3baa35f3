"""radar_run raises, updates and clears flags; acknowledging a flag; every change is history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework.models import Contact
from casework.tests.factories import ContactFactory, EpisodeFactory, team_manager_for
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from core.workflow import TransitionNotAllowed
from people.models import FamilyMember
from people.tests.factories import FamilyMemberFactory, PersonFactory
from radar.models import RadarFlag, RadarFlagHistory, RuleCode
from radar.services import WORKFLOW, radar_flag_acknowledge, radar_run
from radar.tests.factories import RadarFlagFactory, kirklees_rules

pytestmark = pytest.mark.django_db

Change = RadarFlagHistory.Change


@pytest.fixture
def episode():
    kirklees_rules(only={RuleCode.NO_CONTACT_WITH_CHILD, RuleCode.WAS_NOT_BROUGHT})
    return EpisodeFactory(started_on=date(2026, 9, 1))


@pytest.fixture
def child(episode):
    person = PersonFactory(first_name="Amy")
    FamilyMemberFactory(family=episode.family, person=person, role=FamilyMember.Role.CHILD)
    return person


def _changes(flag):
    return list(RadarFlagHistory.objects.filter(flag=flag).values_list("change", "actor", "note"))


def test_every_state_is_reachable():
    assert WORKFLOW.unreachable() == set()


def test_a_run_raises_a_flag_with_its_facts_and_history(episode, child):
    counts = radar_run(today=date(2026, 10, 1))
    assert counts["raised"] == 1 and counts["cleared"] == 0
    flag = RadarFlag.objects.get()
    assert flag.rule == RuleCode.NO_CONTACT_WITH_CHILD
    assert (flag.episode, flag.child, flag.family) == (episode, child, episode.family)
    assert flag.status == RadarFlag.Status.RAISED and flag.raised_on == date(2026, 10, 1)
    assert _changes(flag) == [(Change.RAISED, None, "")]
    audit = AuditEvent.objects.filter(record_type="radar.radarflag", actor=None).last()
    assert audit.detail["by"] == "schedule" and audit.detail["raised"] == 1


def test_running_again_on_the_same_day_changes_nothing(episode, child):
    radar_run(today=date(2026, 10, 1))
    counts = radar_run(today=date(2026, 10, 1))
    assert (counts["raised"], counts["updated"], counts["cleared"]) == (0, 0, 0)
    assert RadarFlag.objects.count() == 1 and RadarFlagHistory.objects.count() == 1


def test_a_flag_clears_itself_when_a_contact_sees_the_child(episode, child):
    radar_run(today=date(2026, 10, 1))
    visit = ContactFactory(episode=episode, happened_on=date(2026, 10, 2))
    visit.seen.add(child)
    counts = radar_run(today=date(2026, 10, 2))
    assert counts["cleared"] == 1
    flag = RadarFlag.objects.get()
    assert flag.status == RadarFlag.Status.CLEARED and flag.cleared_at is not None
    assert _changes(flag)[-1] == (Change.CLEARED, None, "The facts changed")


def test_a_flag_broken_again_after_clearing_is_a_new_flag(episode, child):
    radar_run(today=date(2026, 10, 1))
    visit = ContactFactory(episode=episode, happened_on=date(2026, 10, 2))
    visit.seen.add(child)
    radar_run(today=date(2026, 10, 2))
    radar_run(today=date(2026, 11, 1))  # 30 days after the visit
    old, new = RadarFlag.objects.order_by("pk")
    assert old.status == RadarFlag.Status.CLEARED and new.status == RadarFlag.Status.RAISED
    assert new.facts["last_seen"] == "2026-10-02"


def test_facts_that_move_on_update_the_open_flag(episode, child):
    for on in (date(2026, 10, 5), date(2026, 10, 19)):
        contact = ContactFactory(episode=episode, happened_on=on, kind=Contact.Kind.WAS_NOT_BROUGHT)
        contact.not_brought.add(child)
    radar_run(today=date(2026, 10, 20))
    flag = RadarFlag.objects.get(rule=RuleCode.WAS_NOT_BROUGHT)
    third = ContactFactory(
        episode=episode, happened_on=date(2026, 10, 26), kind=Contact.Kind.WAS_NOT_BROUGHT
    )
    third.not_brought.add(child)
    counts = radar_run(today=date(2026, 10, 27))
    assert counts["updated"] == 1
    flag.refresh_from_db()
    assert len(flag.facts["missed"]) == 3 and flag.version == 2
    assert _changes(flag)[-1] == (Change.UPDATED, None, "The facts changed")


def test_an_acknowledged_flag_stays_until_the_facts_change(episode, child):
    radar_run(today=date(2026, 10, 1))
    flag = RadarFlag.objects.get()
    lead = episode.lead_professional
    radar_flag_acknowledge(
        actor=lead, flag=flag, note="Visit booked for Friday", expected_version=1
    )
    radar_run(today=date(2026, 10, 2))
    flag.refresh_from_db()
    assert flag.status == RadarFlag.Status.ACKNOWLEDGED
    assert flag.acknowledged_by == lead and flag.acknowledged_note == "Visit booked for Friday"
    visit = ContactFactory(episode=episode, happened_on=date(2026, 10, 3))
    visit.seen.add(child)
    radar_run(today=date(2026, 10, 3))
    flag.refresh_from_db()
    assert flag.status == RadarFlag.Status.CLEARED
    assert [c for c, _, _ in _changes(flag)] == [Change.RAISED, Change.ACKNOWLEDGED, Change.CLEARED]
    assert _changes(flag)[1] == (Change.ACKNOWLEDGED, lead.pk, "Visit booked for Friday")


def test_switching_a_rule_off_clears_its_flags(episode, child):
    radar_run(today=date(2026, 10, 1))
    from radar.models import RadarRule

    RadarRule.objects.filter(code=RuleCode.NO_CONTACT_WITH_CHILD).update(enabled=False)
    radar_run(today=date(2026, 10, 2))
    flag = RadarFlag.objects.get()
    assert flag.status == RadarFlag.Status.CLEARED
    assert _changes(flag)[-1][2] == "The rule is switched off"


def test_the_team_manager_may_acknowledge_and_it_is_audited(episode):
    flag = RadarFlagFactory(episode=episode)
    manager = team_manager_for(episode)
    radar_flag_acknowledge(
        actor=manager, flag=flag, note="Discussed in supervision", expected_version=1
    )
    flag.refresh_from_db()
    assert flag.status == RadarFlag.Status.ACKNOWLEDGED and flag.version == 2
    audit = AuditEvent.objects.filter(record_type="radar.radarflag", record_id=str(flag.pk)).last()
    assert audit.actor == manager and audit.detail["status"] == "acknowledged"


def test_someone_else_may_not_acknowledge(episode):
    flag = RadarFlagFactory(episode=episode)
    colleague = UserFactory(team=episode.lead_professional.team, roles=[Role.PRACTITIONER])
    with pytest.raises(PermissionDenied):
        radar_flag_acknowledge(actor=colleague, flag=flag, note="Seen", expected_version=1)
    other_manager = UserFactory(roles=[Role.TEAM_MANAGER])
    other_manager.managed_teams.add(other_manager.team)
    with pytest.raises(PermissionDenied):
        radar_flag_acknowledge(actor=other_manager, flag=flag, note="Seen", expected_version=1)


def test_acknowledging_needs_a_note_the_right_version_and_an_open_flag(episode):
    flag = RadarFlagFactory(episode=episode)
    lead = episode.lead_professional
    with pytest.raises(ValidationError) as error:
        radar_flag_acknowledge(actor=lead, flag=flag, note="  ", expected_version=1)
    assert "note" in error.value.message_dict
    with pytest.raises(StaleVersionError):
        radar_flag_acknowledge(actor=lead, flag=flag, note="Seen", expected_version=7)
    radar_flag_acknowledge(actor=lead, flag=flag, note="Seen", expected_version=1)
    with pytest.raises(TransitionNotAllowed):
        radar_flag_acknowledge(actor=lead, flag=flag, note="Seen again", expected_version=2)


def test_only_managers_may_run_the_radar_now(episode):
    with pytest.raises(PermissionDenied):
        radar_run(today=date(2026, 10, 1), actor=episode.lead_professional)
    counts = radar_run(today=date(2026, 10, 1), actor=team_manager_for(episode))
    assert "raised" in counts


def test_the_schedule_runs_the_radar_early_in_the_morning(episode, child):
    from datetime import UTC, datetime

    from core import schedule

    job = schedule.job("radar.run")
    assert job is not None and job.every == "day" and job.at.hour == 5
    assert job.run(datetime(2026, 10, 1, 5, tzinfo=UTC))["raised"] == 1
