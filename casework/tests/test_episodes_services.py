from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from casework import services
from casework.models import Contact, Episode, EpisodeHistory
from casework.tests.factories import ContactFactory, EpisodeFactory, agree_step
from core import clock
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, NeedLevelFactory, TeamFactory
from people.models import ChronologyEntry, FamilyMember, FamilyTeam
from people.tests.factories import AdultFactory, FamilyMemberFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
S = Episode.Stage


@pytest.fixture
def episode():
    return EpisodeFactory()


@pytest.fixture
def lead(episode):
    return episode.lead_professional


def _changes(episode, change):
    return list(EpisodeHistory.objects.filter(episode=episode, change=change).order_by("at", "id"))


# ---------------------------------------------------------------- opening


def test_open_writes_history_and_audit_and_only_one_open_per_family(lead):
    worker = UserFactory(roles=[Role.PRACTITIONER])
    from people.tests.factories import FamilyFactory

    family = FamilyFactory(team=worker.team)
    level = NeedLevelFactory(level=3)
    episode = services.episode_open(
        actor=worker,
        family=family,
        lead_professional=worker,
        lead_agency=worker.agency,
        need_level=level,
        offer=Episode.Offer.TARGETED,
        started_on=date(2026, 10, 1),
    )
    assert episode.stage == S.ENGAGEMENT and episode.status == Episode.Status.OPEN
    (row,) = _changes(episode, EpisodeHistory.Change.OPENED)
    assert row.actor == worker
    event = AuditEvent.objects.get(
        record_type="casework.episode", record_id=str(episode.pk), action="create"
    )
    assert "family" in event.detail["fields"]
    with pytest.raises(ValidationError, match="already has an open episode"):
        services.episode_open(
            actor=worker,
            family=family,
            lead_professional=worker,
            lead_agency=worker.agency,
            need_level=level,
            offer=Episode.Offer.TARGETED,
            started_on=date(2026, 10, 1),
        )


def test_open_refuses_statutory_level_and_future_start():
    worker = UserFactory(roles=[Role.PRACTITIONER])
    from people.tests.factories import FamilyFactory

    family = FamilyFactory(team=worker.team)
    statutory = NeedLevelFactory(level=4, is_statutory=True)
    with pytest.raises(ValidationError) as error:
        services.episode_open(
            actor=worker,
            family=family,
            lead_professional=worker,
            lead_agency=worker.agency,
            need_level=statutory,
            offer="targeted",
            started_on=clock.today() + timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"need_level", "started_on"}


# ---------------------------------------------------------------- stages


def test_stage_forward_by_one_needs_no_reason_and_writes_history(episode, lead):
    services.episode_change_stage(actor=lead, episode=episode, to_stage=S.ADDRESSING)
    services.episode_change_stage(actor=lead, episode=episode, to_stage=S.MAINTAINING)
    episode.refresh_from_db()
    assert episode.stage == S.MAINTAINING
    rows = _changes(episode, EpisodeHistory.Change.STAGE)
    assert [(r.from_value[:2], r.to_value[:2]) for r in rows] == [("1.", "2."), ("2.", "3.")]
    assert AuditEvent.objects.filter(record_id=str(episode.pk), action="update").count() == 2


def test_stage_cannot_be_skipped_without_a_reason(episode, lead):
    with pytest.raises(ValidationError, match="skips a stage"):
        services.episode_change_stage(actor=lead, episode=episode, to_stage=S.MAINTAINING)
    with pytest.raises(ValidationError):
        services.episode_change_stage(actor=lead, episode=episode, to_stage=S.EXIT, reason="   ")
    episode.refresh_from_db()
    assert episode.stage == S.ENGAGEMENT
    assert _changes(episode, EpisodeHistory.Change.STAGE) == []
    services.episode_change_stage(
        actor=lead, episode=episode, to_stage=S.EXIT, reason="Concerns met quickly"
    )
    (row,) = _changes(episode, EpisodeHistory.Change.STAGE)
    assert row.reason == "Concerns met quickly" and row.to_value.startswith("4.")


def test_stage_cannot_be_reversed_without_a_reason(episode, lead):
    services.episode_change_stage(actor=lead, episode=episode, to_stage=S.ADDRESSING)
    with pytest.raises(ValidationError, match="goes back a stage"):
        services.episode_change_stage(actor=lead, episode=episode, to_stage=S.ENGAGEMENT)
    services.episode_change_stage(
        actor=lead, episode=episode, to_stage=S.ENGAGEMENT, reason="New concerns"
    )
    rows = _changes(episode, EpisodeHistory.Change.STAGE)
    assert len(rows) == 2 and rows[-1].reason == "New concerns"


def test_same_or_unknown_stage_refused(episode, lead):
    with pytest.raises(ValidationError):
        services.episode_change_stage(
            actor=lead, episode=episode, to_stage=S.ENGAGEMENT, reason="x"
        )
    with pytest.raises(ValidationError):
        services.episode_change_stage(actor=lead, episode=episode, to_stage=9, reason="x")


def test_only_lead_manager_or_early_support_change_an_episode(episode, lead):
    # A practitioner of another team that also works with the family: can see it, cannot change it.
    other_team = TeamFactory()
    FamilyTeam.objects.create(family=episode.family, team=other_team, started_on=date(2026, 1, 1))
    outsider = UserFactory(team=other_team, roles=[Role.PRACTITIONER])
    from casework.selectors import episodes_for

    assert episodes_for(outsider).filter(pk=episode.pk).exists()
    for call in (
        lambda: services.episode_change_stage(
            actor=outsider, episode=episode, to_stage=S.ADDRESSING
        ),
        lambda: services.episode_change_need_level(
            actor=outsider, episode=episode, need_level=NeedLevelFactory(level=2), reason="x"
        ),
        lambda: services.episode_change_lead_professional(
            actor=outsider, episode=episode, lead_professional=outsider, reason="x"
        ),
        lambda: services.episode_step_up(actor=outsider, episode=episode, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not EpisodeHistory.objects.filter(episode=episode).exclude(change="opened").exists()
    # The lead professional's manager can.
    manager = UserFactory(team=lead.team, roles=[Role.TEAM_MANAGER])
    manager.managed_teams.add(lead.team)
    services.episode_change_stage(actor=manager, episode=episode, to_stage=S.ADDRESSING)
    # So can an early support team leader.
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    services.episode_change_stage(actor=leader, episode=episode, to_stage=S.MAINTAINING)
    assert len(_changes(episode, EpisodeHistory.Change.STAGE)) == 2


def test_need_level_and_lead_professional_need_a_reason_and_write_history(episode, lead):
    level2 = NeedLevelFactory(level=2)
    with pytest.raises(ValidationError):
        services.episode_change_need_level(
            actor=lead, episode=episode, need_level=level2, reason=""
        )
    services.episode_change_need_level(
        actor=lead, episode=episode, need_level=level2, reason="Improving"
    )
    (row,) = _changes(episode, EpisodeHistory.Change.NEED_LEVEL)
    assert row.reason == "Improving"

    colleague = UserFactory(roles=[Role.PRACTITIONER])
    with pytest.raises(ValidationError):
        services.episode_change_lead_professional(
            actor=lead, episode=episode, lead_professional=colleague, reason=""
        )
    services.episode_change_lead_professional(
        actor=lead, episode=episode, lead_professional=colleague, reason="Moved teams"
    )
    episode.refresh_from_db()
    assert episode.lead_professional == colleague
    assert FamilyTeam.objects.filter(
        family=episode.family, team=colleague.team, ended_on__isnull=True
    ).exists()
    assert len(_changes(episode, EpisodeHistory.Change.LEAD_PROFESSIONAL)) == 1
    assert AuditEvent.objects.get(record_id=str(episode.pk), detail__fields=["lead_professional"])


# ---------------------------------------------------------------- step up and down


def test_step_up_then_step_down_keeps_the_chain(episode, lead):
    child = PersonFactory()
    FamilyMemberFactory(family=episode.family, person=child, role=FamilyMember.Role.CHILD)
    with pytest.raises(ValidationError):
        services.episode_step_up(actor=lead, episode=episode, reason="")
    agree_step(episode)
    services.episode_step_up(
        actor=lead,
        episode=episode,
        reason="Section 47 threshold met",
        social_care_reference="CSC-1",
    )
    episode.refresh_from_db()
    assert episode.status == Episode.Status.STEPPED_UP
    assert episode.end_reason == Episode.EndReason.STEP_UP and episode.ended_on == clock.today()
    (row,) = _changes(episode, EpisodeHistory.Change.STATUS)
    assert "CSC-1" in row.reason
    entry = ChronologyEntry.objects.get(person=child, event="step_up")
    assert entry.category == ChronologyEntry.Category.SAFEGUARDING
    # No more changes to a stepped-up episode.
    with pytest.raises(ValidationError):
        services.episode_change_stage(actor=lead, episode=episode, to_stage=S.ADDRESSING)

    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    new = services.episode_step_down(
        actor=leader,
        from_episode=episode,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=episode.need_level,
        offer=Episode.Offer.COMMUNITY_PLUS,
        started_on=clock.today(),
        reason="Social care closed: early help to continue",
    )
    assert new.previous == episode and episode.next_episode == new
    (opened,) = _changes(new, EpisodeHistory.Change.OPENED)
    assert opened.reason.startswith("Stepped down")
    with pytest.raises(ValidationError):  # an open episode cannot be stepped down from
        services.episode_step_down(
            actor=leader,
            from_episode=new,
            lead_professional=lead,
            lead_agency=lead.agency,
            need_level=episode.need_level,
            offer="targeted",
            started_on=clock.today(),
            reason="x",
        )


def test_step_down_needs_a_reason(episode, lead):
    agree_step(episode)
    services.episode_step_up(actor=lead, episode=episode, reason="Threshold met")
    with pytest.raises(ValidationError):
        services.episode_step_down(
            actor=lead,
            from_episode=episode,
            lead_professional=lead,
            lead_agency=lead.agency,
            need_level=episode.need_level,
            offer="targeted",
            started_on=clock.today(),
            reason="",
        )


# ---------------------------------------------------------------- contacts and TAF


@pytest.fixture
def people(episode):
    child = FamilyMemberFactory(
        family=episode.family, person=PersonFactory(), role=FamilyMember.Role.CHILD
    ).person
    parent = FamilyMemberFactory(
        family=episode.family, person=AdultFactory(), role=FamilyMember.Role.PARENT_CARER
    ).person
    return child, parent


def test_contact_rules(episode, lead, people):
    child, parent = people
    contact = services.contact_record(
        actor=lead,
        episode=episode,
        happened_on=clock.today(),
        kind=Contact.Kind.HOME_VISIT,
        seen=[child, parent],
        seen_alone=[child],
        notes="Good visit",
    )
    assert set(contact.seen.all()) == {child, parent} and list(contact.seen_alone.all()) == [child]
    event = AuditEvent.objects.get(record_type="casework.contact", record_id=str(contact.pk))
    assert event.detail["seen_alone"] == 1 and "Good" not in str(event.detail)
    with pytest.raises(ValidationError) as error:
        services.contact_record(
            actor=lead,
            episode=episode,
            happened_on=clock.today(),
            kind="home_visit",
            seen=[parent],
            seen_alone=[child],
        )
    assert "seen_alone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.contact_record(
            actor=lead,
            episode=episode,
            happened_on=clock.today() + timedelta(days=1),
            kind="phone",
        )
    assert "happened_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.contact_record(
            actor=lead,
            episode=episode,
            happened_on=clock.today(),
            kind="phone",
            seen=[PersonFactory()],
        )
    assert "seen" in error.value.message_dict
    missed = services.contact_record(
        actor=lead,
        episode=episode,
        happened_on=clock.today(),
        kind=Contact.Kind.WAS_NOT_BROUGHT,
        not_brought=[child],
        appointment="Health visitor check",
    )
    assert missed.seen.count() == 0
    assert list(missed.not_brought.all()) == [child]
    with pytest.raises(ValidationError):
        services.contact_record(
            actor=lead,
            episode=episode,
            happened_on=clock.today(),
            kind=Contact.Kind.WAS_NOT_BROUGHT,
            seen=[child],
        )


def test_taf_meeting(episode, lead, people):
    child, parent = people
    meeting = services.taf_meeting_record(
        actor=lead,
        episode=episode,
        held_on=clock.today(),
        family_attendees=[parent],
        agency_attendees="Ms Head, School",
        apologies="Health visitor",
        child_views="Likes school",
        parent_views="Wants help with routines",
        decisions="Parenting course",
        next_meeting_on=clock.today() + timedelta(weeks=6),
    )
    assert list(meeting.family_attendees.all()) == [parent]
    with pytest.raises(ValidationError) as error:
        services.taf_meeting_record(
            actor=lead,
            episode=episode,
            held_on=clock.today(),
            family_attendees=[parent],
            next_meeting_on=clock.today() - timedelta(days=1),
        )
    assert "next_meeting_on" in error.value.message_dict


# ---------------------------------------------------------------- closure


CLOSURE = {
    "reason": "needs_met",
    "outcomes_achieved": "Routines in place",
    "exit_plan": "School nurse checks in",
}


def test_closure_without_a_panel_case_closes_now(episode, lead):
    ContactFactory(episode=episode, happened_on=episode.started_on)
    with pytest.raises(ValidationError) as error:
        services.episode_send_closure(
            actor=lead, episode=episode, reason="step_up", outcomes_achieved="", exit_plan=""
        )
    assert set(error.value.message_dict) == {"reason", "outcomes_achieved", "exit_plan"}
    services.episode_send_closure(actor=lead, episode=episode, **CLOSURE)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.CLOSED and episode.end_reason == "needs_met"
    (row,) = _changes(episode, EpisodeHistory.Change.STATUS)
    assert row.reason == services.NO_PANEL_CASE_REASON


@pytest.fixture
def allocated_case():
    """An allocated panel case (the lead professional is ``worker``)."""
    from panel.models import LeadProfessionalAllocation, PanelCase
    from panel.tests.factories import demo_panel, panel_referral

    chair = UserFactory(team=None)
    panel = demo_panel(chair=chair)
    referral = panel_referral(panel)
    worker = UserFactory(roles=[Role.PRACTITIONER])
    FamilyTeam.objects.create(family=referral.family, team=worker.team, started_on=date(2026, 1, 1))
    case = PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number="ESMAP-T-1",
        year=2027,
        sequence=1,
        logged_by=chair,
        logged_at=clock.now(),
        status=PanelCase.Status.ALLOCATED,
    )
    LeadProfessionalAllocation.objects.create(
        case=case,
        agency=worker.agency,
        lead_professional=worker,
        allocated_by=chair,
        allocated_at=clock.now(),
    )
    return case, worker


def test_closure_from_a_panel_case_goes_to_the_panel(allocated_case, monkeypatch):
    from panel import services as panel_services
    from panel.models import PanelCase

    case, worker = allocated_case
    episode = EpisodeFactory(
        family=case.referral.family,
        lead_professional=worker,
        panel_case=case,
        assessment=case.referral.assessment,
        worked=True,
    )
    calls = []
    real = panel_services.closure_request_submit
    monkeypatch.setattr(
        panel_services, "closure_request_submit", lambda **kw: calls.append(kw) or real(**kw)
    )
    services.episode_send_closure(actor=worker, episode=episode, **CLOSURE)
    (call,) = calls
    assert (
        call["actor"] == worker
        and call["case"].pk == case.pk
        and "Routines in place" in call["summary"]
    )
    episode.refresh_from_db()
    case.refresh_from_db()
    assert episode.status == Episode.Status.CLOSURE_REQUESTED and episode.ended_on is None
    assert case.status == PanelCase.Status.CLOSURE_REQUESTED
    assert (
        _changes(episode, EpisodeHistory.Change.STATUS)[0].reason
        == "Case closure form sent to the panel"
    )


def test_panel_confirm_and_return_close_or_reopen_the_episode(episode, lead):
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.CLOSURE_REQUESTED)
    from casework.models import Closure

    Closure.objects.create(episode=episode, sent_by=lead, **CLOSURE)
    chair = UserFactory(team=None)
    services.episode_closure_returned(actor=chair, episode=episode, reason="Review the plan first")
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.CLOSURE_REQUESTED)
    services.episode_close_confirmed(actor=chair, episode=episode)
    episode.refresh_from_db()
    assert (
        episode.status == Episode.Status.CLOSED
        and episode.end_reason == "needs_met"
        and episode.ended_on
    )
    reasons = [r.reason for r in _changes(episode, EpisodeHistory.Change.STATUS)]
    assert reasons == [
        "Closure returned by the panel: Review the plan first",
        "Closure confirmed by the panel",
    ]


def test_allocating_a_lead_professional_opens_the_episode():
    """panel.services.lead_professional_allocate opens the family's targeted episode."""
    from panel import services as panel_services
    from panel.models import PanelCase, PanelDecision
    from panel.tests.factories import demo_panel, panel_referral

    level = NeedLevelFactory(level=3, name="Targeted")
    NeedLevelFactory(level=4, name="Statutory", is_statutory=True)
    chair = UserFactory(team=None)
    panel = demo_panel(chair=chair)
    referral = panel_referral(panel)
    agency = AgencyFactory()
    worker = UserFactory(team=TeamFactory(agency=agency), roles=[Role.PRACTITIONER])
    business_support = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    case = PanelCase.objects.create(
        referral=referral,
        panel=panel,
        esmap_number="ESMAP-T-2",
        year=2027,
        sequence=2,
        logged_by=chair,
        logged_at=clock.now(),
        status=PanelCase.Status.DECIDED,
    )
    PanelDecision.objects.create(
        case=case,
        kind=PanelDecision.Kind.LEAD_AGENCY,
        lead_agency=agency,
        decided_by=chair,
        decided_at=clock.now(),
    )
    panel_services.lead_professional_allocate(
        actor=business_support, case=case, lead_professional=worker
    )
    episode = Episode.objects.get(panel_case=case)
    assert episode.family == referral.family and episode.assessment == referral.assessment
    assert episode.lead_professional == worker and episode.lead_agency == agency
    assert episode.offer == Episode.Offer.TARGETED and episode.need_level == level
    (row,) = _changes(episode, EpisodeHistory.Change.OPENED)
    assert "ESMAP-T-2" in row.reason


def test_opening_an_episode_puts_the_family_in_the_lead_professionals_scope():
    from casework.selectors import episodes_for
    from people.tests.factories import FamilyFactory

    opener = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    lead = UserFactory(roles=[Role.LEAD_PROFESSIONAL])
    family = FamilyFactory()
    assert not episodes_for(lead).exists()

    episode = services.episode_open(
        actor=opener,
        family=family,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=NeedLevelFactory(level=3),
        offer=Episode.Offer.TARGETED,
        started_on=date(2026, 10, 1),
    )

    assert FamilyTeam.objects.filter(family=family, team=lead.team, ended_on__isnull=True).exists()
    assert list(episodes_for(lead)) == [episode]


def test_review_cadence_comes_from_the_council_and_can_change_with_a_reason(episode, lead):
    from casework import plans
    from core.tests.factories import CouncilFactory
    from people.tests.factories import FamilyFactory

    CouncilFactory(plan_review_weeks=4)
    opener = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    opened = services.episode_open(
        actor=opener,
        family=FamilyFactory(),
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=NeedLevelFactory(level=3),
        offer=Episode.Offer.TARGETED,
        started_on=date(2026, 10, 1),
    )
    assert opened.review_every_weeks == 4

    plans.plan_start(actor=lead, episode=episode)
    pending = episode.reviews.get(held_on__isnull=True)
    with pytest.raises(ValidationError):
        services.episode_change_review_cadence(actor=lead, episode=episode, weeks=4, reason="")
    with pytest.raises(ValidationError):
        services.episode_change_review_cadence(
            actor=lead, episode=episode, weeks=40, reason="Too long"
        )
    stranger = UserFactory(roles=[Role.PRACTITIONER])
    with pytest.raises(PermissionDenied):
        services.episode_change_review_cadence(
            actor=stranger, episode=episode, weeks=4, reason="Why not"
        )

    services.episode_change_review_cadence(
        actor=lead, episode=episode, weeks=4, reason="Things are moving fast"
    )

    pending.refresh_from_db()
    assert pending.due_on == episode.started_on + timedelta(weeks=4)
    (row,) = [r for r in _changes(episode, EpisodeHistory.Change.PLAN) if "weeks" in r.to_value]
    assert (row.from_value, row.to_value, row.reason) == (
        "reviews every 6 weeks",
        "reviews every 4 weeks",
        "Things are moving fast",
    )


def test_after_a_handover_the_new_lead_professional_sends_the_closure_to_the_panel(allocated_case):
    from panel.models import PanelCase
    from panel.services import current_lead_professional

    case, worker = allocated_case
    episode = EpisodeFactory(
        family=case.referral.family,
        lead_professional=worker,
        panel_case=case,
        assessment=case.referral.assessment,
        worked=True,
    )
    successor = UserFactory(roles=[Role.LEAD_PROFESSIONAL], team=worker.team)

    services.episode_change_lead_professional(
        actor=worker,
        episode=episode,
        lead_professional=successor,
        reason="Worker moving to another team",
    )

    assert current_lead_professional(case) == successor
    episode.refresh_from_db()
    services.episode_send_closure(actor=successor, episode=episode, **CLOSURE)
    case.refresh_from_db()
    assert case.status == PanelCase.Status.CLOSURE_REQUESTED
