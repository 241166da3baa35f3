"""One lifecycle for the case (ADR 0016), through the real services of both apps: the panel's
case and the family's chain of episodes move together, whatever happens to the episode.

The case is decided at the meeting of 6 January 2027, allocated (opening the episode), stepped up
to children's social care and stepped down again (the same case, the plan carried over), and its
closure is sent from the new episode and decided by a quorate panel on 20 January. At every step
the case's status and the newest episode's agree (``AGREE``), which is the state diagram's rule.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework import services
from casework.models import Episode, EpisodeHistory, FamilyPlan, PlanAction, PlanOutcome
from casework.tests.factories import ContactFactory, EpisodeFactory
from casework.tests.factories_plans import make_action, make_outcome, make_plan
from core.models import NeedLevel
from core.tests.factories import AgencyFactory, NeedLevelFactory
from panel import services as panel_services
from panel.models import ClosureRequest, MeetingAttendance, PanelCase, PanelMeeting, PanelSeat
from panel.tests.factories import demo_panel, panel_referral
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
S = PanelCase.Status
E = Episode.Status

# The newest episode's status -> the status its panel case must have (ADR 0016).
AGREE = {
    E.OPEN: S.ALLOCATED,
    E.CLOSURE_REQUESTED: S.CLOSURE_REQUESTED,
    E.CLOSED: S.CLOSED,
    E.STEPPED_UP: S.STEPPED_UP,
}


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=LONDON), tick=False) as traveller:
        yield traveller


@pytest.fixture
def levels():
    return {
        2: NeedLevelFactory(level=2, name="Early help"),
        3: NeedLevelFactory(level=3, name="Targeted early help"),
        4: NeedLevelFactory(level=4, name="Children’s social care", is_statutory=True),
    }


@pytest.fixture
def world(clock, levels):
    agencies = [
        AgencyFactory(name=name, panel_seat=True)
        for name in ("Police", "0-19 Health", "School", "Housing", "Youth Justice")
    ]
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    panel = demo_panel(agencies=agencies, chair=chair)
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    clock.move_to(datetime(2026, 12, 30, 11, tzinfo=LONDON))
    referral = panel_referral(panel)
    # The request for support the work started from, triaged to an assessment.
    request = SupportRequestFactory(status=SupportRequest.Status.ASSESSMENT_STARTED)
    type(referral.assessment).objects.filter(pk=referral.assessment_id).update(
        support_request=request
    )
    case = panel_services.panel_case_log(actor=staff, referral=referral)
    clock.move_to(datetime(2027, 1, 6, 10, tzinfo=LONDON))
    first = PanelMeeting.objects.get(panel=panel, date=date(2027, 1, 6))
    _quorate(panel, first, staff)
    panel_services.panel_decision_record(
        actor=staff, meeting=first, case=case, kind="lead_agency", lead_agency=agencies[2]
    )
    lead = UserFactory(agency=agencies[2], roles=[Role.LEAD_PROFESSIONAL])
    panel_services.lead_professional_allocate(actor=staff, case=case, lead_professional=lead)
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    return {
        "panel": panel,
        "case": case,
        "lead": lead,
        "staff": staff,
        "leader": leader,
        "agency": agencies[2],
        "clock": clock,
        "request": request,
    }


def _quorate(panel, meeting, actor):
    M = MeetingAttendance.Role
    panel_services.attendance_record_arrival(
        actor=actor, meeting=meeting, user=panel.chair, role=M.CHAIR
    )
    for seat in PanelSeat.objects.filter(panel=panel).order_by("pk")[:4]:
        panel_services.attendance_record_arrival(
            actor=actor,
            meeting=meeting,
            user=seat.members.get(is_substitute=False).user,
            role=M.MEMBER,
            seat=seat,
        )


def _newest(case) -> Episode:
    return Episode.objects.filter(panel_case=case).order_by("-created_at").first()


def _assert_agree(case) -> None:
    case.refresh_from_db()
    newest = _newest(case)
    assert (newest.status, case.status) == (newest.status, AGREE[newest.status])
    open_episodes = Episode.objects.filter(
        panel_case=case, status__in=(E.OPEN, E.CLOSURE_REQUESTED)
    )
    assert open_episodes.count() <= 1


def _step_down(world, from_episode, *, carry_plan=False, stage=Episode.Stage.ENGAGEMENT, lead=None):
    lead = lead or world["lead"]
    world["clock"].move_to(datetime(2027, 1, 8, 10, tzinfo=LONDON))
    return services.episode_step_down(
        actor=world["leader"],
        from_episode=from_episode,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=NeedLevel.objects.get(level=3),
        offer=Episode.Offer.TARGETED,
        started_on=date(2027, 1, 8),
        reason="Social care closed their assessment",
        carry_plan=carry_plan,
        stage=stage,
    )


CLOSURE = {
    "reason": Episode.EndReason.NEEDS_MET,
    "outcomes_achieved": "Routines in place",
    "exit_plan": "School nurse checks in",
}


def test_step_up_step_down_and_closure_keep_one_case(world):
    case, lead, leader = world["case"], world["lead"], world["leader"]
    first = _newest(case)
    _assert_agree(case)
    request = world["request"]
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.LEAD_PROFESSIONAL_ALLOCATED
    plan = make_plan(episode=first)
    still_to_do = make_outcome(
        plan=plan, need="School attendance", outcome_family_words="Get to school"
    )
    done = make_outcome(plan=plan, need="Sleep", outcome_family_words="Bedtimes")
    PlanOutcome.objects.filter(pk=done.pk).update(progress=PlanOutcome.Progress.ACHIEVED)
    open_action = make_action(
        outcome=still_to_do, what="Morning routine chart", by_when=date(2027, 2, 1)
    )
    finished = make_action(outcome=still_to_do, what="Meet the head", by_when=date(2027, 1, 7))
    PlanAction.objects.filter(pk=finished.pk).update(status=PlanAction.Status.DONE)

    # Step up: the episode ends, its level becomes statutory, the case waits.
    services.episode_step_up(actor=leader, episode=first, reason="Bruise seen at school")
    first.refresh_from_db()
    assert (first.status, first.need_level.level) == (E.STEPPED_UP, 4)
    assert first.history.filter(change=EpisodeHistory.Change.NEED_LEVEL).get().reason == (
        "Stepped up to children’s social care"
    )
    _assert_agree(case)
    assert case.status == S.STEPPED_UP

    # Step down: the same case, the same assessment, the plan carried over, stage chosen.
    second = _step_down(world, first, carry_plan=True, stage=Episode.Stage.ADDRESSING)
    assert (second.panel_case, second.assessment, second.previous) == (
        case,
        first.assessment,
        first,
    )
    assert second.stage == Episode.Stage.ADDRESSING
    _assert_agree(case)
    assert panel_services.current_lead_professional(case) == lead
    carried = FamilyPlan.objects.get(episode=second)
    assert [(o.need, o.outcome_family_words) for o in carried.outcomes.all()] == [
        ("School attendance", "Get to school")
    ]
    assert [a.what for a in PlanAction.objects.filter(outcome__plan=carried)] == [open_action.what]
    assert FamilyPlan.objects.get(episode=first).outcomes.count() == 2  # the old plan is kept

    # One closure route: the new episode's form goes to the same case on the next agenda.
    world["clock"].move_to(datetime(2027, 1, 11, 10, tzinfo=LONDON))
    ContactFactory(episode=second, happened_on=date(2027, 1, 11))
    services.episode_send_closure(actor=lead, episode=second, **CLOSURE)
    second.refresh_from_db()
    assert second.status == E.CLOSURE_REQUESTED
    _assert_agree(case)
    closure = ClosureRequest.objects.get(case=case)
    assert closure.meeting.date == date(2027, 1, 20)

    # The quorate panel confirms: the case and the open episode close; the stepped-up one stays.
    world["clock"].move_to(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    _quorate(world["panel"], closure.meeting, world["staff"])
    panel_services.closure_confirm(actor=world["panel"].chair, closure=closure)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.status, second.end_reason, first.status) == (
        E.CLOSED,
        Episode.EndReason.NEEDS_MET,
        E.STEPPED_UP,
    )
    _assert_agree(case)
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.SUPPORT_ENDED


def test_a_second_step_up_and_down_keeps_the_one_case_and_its_chain(world):
    """Up, down, up and down again: one panel case throughout, a chain of three episodes, each
    step down carrying the plan of the episode before, and the last closure decided by the
    panel; a stepped-up episode already followed cannot be stepped down a second time."""
    case, lead, leader = world["case"], world["lead"], world["leader"]
    first = _newest(case)
    make_outcome(plan=make_plan(episode=first), need="School attendance")

    services.episode_step_up(actor=leader, episode=first, reason="Bruise seen at school")
    second = _step_down(world, first, carry_plan=True)
    _assert_agree(case)

    world["clock"].move_to(datetime(2027, 1, 12, 10, tzinfo=LONDON))
    services.episode_step_up(actor=leader, episode=second, reason="Domestic abuse disclosed")
    second.refresh_from_db()
    assert (second.status, second.need_level.level) == (E.STEPPED_UP, 4)
    _assert_agree(case)
    assert case.status == S.STEPPED_UP

    world["clock"].move_to(datetime(2027, 1, 14, 10, tzinfo=LONDON))
    third = services.episode_step_down(
        actor=leader,
        from_episode=second,
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=NeedLevel.objects.get(level=3),
        offer=Episode.Offer.TARGETED,
        started_on=date(2027, 1, 14),
        reason="Social care closed again",
        carry_plan=True,
    )
    assert (third.panel_case, third.previous, third.assessment) == (case, second, first.assessment)
    _assert_agree(case)
    assert case.status == S.ALLOCATED
    assert panel_services.current_lead_professional(case) == lead
    assert [o.need for o in FamilyPlan.objects.get(episode=third).outcomes.all()] == [
        "School attendance"
    ]
    assert list(
        Episode.objects.filter(panel_case=case).order_by("started_on").values_list("pk", "status")
    ) == [(first.pk, E.STEPPED_UP), (second.pk, E.STEPPED_UP), (third.pk, E.OPEN)]
    # The chain does not fork: the first episode already has its next one.
    with pytest.raises(ValidationError) as refused:
        services.episode_step_down(
            actor=leader,
            from_episode=Episode.objects.get(pk=first.pk),
            lead_professional=lead,
            lead_agency=lead.agency,
            need_level=NeedLevel.objects.get(level=3),
            offer=Episode.Offer.TARGETED,
            started_on=date(2027, 1, 14),
            reason="Again",
        )
    assert "This family already has an open episode" in refused.value.messages
    assert Episode.objects.filter(family=first.family).count() == 3

    world["clock"].move_to(datetime(2027, 1, 15, 10, tzinfo=LONDON))
    ContactFactory(episode=third, happened_on=date(2027, 1, 15))
    services.episode_send_closure(actor=lead, episode=third, **CLOSURE)
    _assert_agree(case)
    closure = ClosureRequest.objects.get(case=case)
    world["clock"].move_to(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    _quorate(world["panel"], closure.meeting, world["staff"])
    panel_services.closure_confirm(actor=world["panel"].chair, closure=closure)
    _assert_agree(case)
    assert case.status == S.CLOSED
    assert list(
        Episode.objects.filter(panel_case=case)
        .order_by("started_on")
        .values_list("status", flat=True)
    ) == [E.STEPPED_UP, E.STEPPED_UP, E.CLOSED]
    # Even with nothing open, an episode already followed is not followed again.
    with pytest.raises(ValidationError) as refused:
        services.episode_step_down(
            actor=leader,
            from_episode=Episode.objects.get(pk=first.pk),
            lead_professional=lead,
            lead_agency=lead.agency,
            need_level=NeedLevel.objects.get(level=3),
            offer=Episode.Offer.TARGETED,
            started_on=date(2027, 1, 20),
            reason="Again",
        )
    assert refused.value.message_dict == {
        "previous": ["The previous episode already has a next episode"]
    }
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_a_returned_closure_reopens_the_stepped_down_episode(world):
    case, lead = world["case"], world["lead"]
    first = _newest(case)
    services.episode_step_up(actor=world["leader"], episode=first, reason="Concern")
    second = _step_down(world, first)
    world["clock"].move_to(datetime(2027, 1, 11, 10, tzinfo=LONDON))
    ContactFactory(episode=second, happened_on=date(2027, 1, 11))
    services.episode_send_closure(actor=lead, episode=second, **CLOSURE)
    closure = ClosureRequest.objects.get(case=case)
    world["clock"].move_to(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    _quorate(world["panel"], closure.meeting, world["staff"])

    panel_services.closure_return(
        actor=world["panel"].chair, closure=closure, reason="Attendance still low"
    )

    second.refresh_from_db()
    assert second.status == E.OPEN
    _assert_agree(case)
    assert case.status == S.ALLOCATED
    # The episode page tells the lead professional why, and links the records of the case.
    page = sign_in_verified(Client(), lead).get(
        reverse("casework:episode_detail", kwargs={"episode_id": second.pk})
    )
    body = page.content.decode()
    assert "The panel returned the closure form on 20 January 2027: Attendance still low" in body
    assert reverse("panel:case_overview", kwargs={"case_id": case.pk}) in body
    assert reverse("assessments:detail", kwargs={"assessment_id": second.assessment_id}) in body


def test_a_step_down_with_a_new_lead_professional_lets_them_send_the_closure(world):
    case = world["case"]
    first = _newest(case)
    services.episode_step_up(actor=world["leader"], episode=first, reason="Concern")
    successor = UserFactory(agency=world["agency"], roles=[Role.LEAD_PROFESSIONAL])

    second = _step_down(world, first, lead=successor)

    assert panel_services.current_lead_professional(case) == successor
    world["clock"].move_to(datetime(2027, 1, 11, 10, tzinfo=LONDON))
    ContactFactory(episode=second, happened_on=date(2027, 1, 11), recorded_by=successor)
    services.episode_send_closure(actor=successor, episode=second, **CLOSURE)
    _assert_agree(case)
    assert case.status == S.CLOSURE_REQUESTED


def test_a_step_down_after_a_closure_starts_without_the_panel(world, levels):
    """A closed case is not reopened: the family's next episode (say, Community Plus) is the
    lead professional's own, and its closure needs no panel."""
    case, lead = world["case"], world["lead"]
    first = _newest(case)
    world["clock"].move_to(datetime(2027, 1, 11, 10, tzinfo=LONDON))
    ContactFactory(episode=first, happened_on=date(2027, 1, 11))
    services.episode_send_closure(actor=lead, episode=first, **CLOSURE)
    closure = ClosureRequest.objects.get(case=case)
    world["clock"].move_to(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    _quorate(world["panel"], closure.meeting, world["staff"])
    panel_services.closure_confirm(actor=world["panel"].chair, closure=closure)

    second = services.episode_step_down(
        actor=world["leader"],
        from_episode=Episode.objects.get(pk=first.pk),
        lead_professional=lead,
        lead_agency=lead.agency,
        need_level=levels[2],
        offer=Episode.Offer.COMMUNITY_PLUS,
        started_on=date(2027, 1, 20),
        reason="Light-touch support",
    )

    assert (second.panel_case, second.previous) == (None, first)
    case.refresh_from_db()
    assert case.status == S.CLOSED


# ---------------------------------------------------------------- the step-down's own rules


@pytest.fixture
def stepped_up(levels):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=LONDON), tick=False):
        episode = EpisodeFactory(need_level=levels[3])
        leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
        services.episode_step_up(actor=leader, episode=episode, reason="Concern")
        episode.refresh_from_db()
        yield episode, leader


def _down(episode, leader, **overrides):
    values = {
        "actor": leader,
        "from_episode": episode,
        "lead_professional": episode.lead_professional,
        "lead_agency": episode.lead_agency,
        "need_level": NeedLevel.objects.get(level=3),
        "offer": Episode.Offer.TARGETED,
        "started_on": date(2026, 11, 2),
        "reason": "Back to early help",
    }
    return services.episode_step_down(**{**values, **overrides})


def test_a_plan_cannot_be_carried_when_there_is_none(stepped_up):
    episode, leader = stepped_up
    with pytest.raises(ValidationError) as refused:
        _down(episode, leader, carry_plan=True)
    assert refused.value.message_dict == {
        "carry_plan": ["The previous episode has no plan to carry over"]
    }
    assert not Episode.objects.filter(previous=episode).exists()


def test_the_starting_stage_must_be_one_of_the_four(stepped_up):
    episode, leader = stepped_up
    with pytest.raises(ValidationError) as refused:
        _down(episode, leader, stage=7)
    assert refused.value.message_dict == {"stage": ["Choose the stage the work starts at"]}


def test_a_step_up_without_a_statutory_level_keeps_the_level():
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=LONDON), tick=False):
        episode = EpisodeFactory()
        level = episode.need_level
        services.episode_step_up(
            actor=UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER]), episode=episode, reason="X"
        )
    episode.refresh_from_db()
    assert episode.need_level == level
    assert not episode.history.filter(change=EpisodeHistory.Change.NEED_LEVEL).exists()


# ---------------------------------------------------------------- a closure describes work


@pytest.mark.parametrize(
    ("reason", "refused"),
    [
        (Episode.EndReason.NEEDS_MET, True),
        (Episode.EndReason.STEP_DOWN, True),
        (Episode.EndReason.DISENGAGED, True),
        (Episode.EndReason.MOVED_AWAY, False),
        (Episode.EndReason.OTHER, False),
    ],
)
def test_a_closure_with_no_work_recorded_is_refused_unless_none_could_be(reason, refused):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=LONDON), tick=False):
        episode = EpisodeFactory()
        fields = {**CLOSURE, "reason": reason}
        if refused:
            with pytest.raises(ValidationError) as error:
                services.episode_send_closure(
                    actor=episode.lead_professional, episode=episode, **fields
                )
            assert error.value.message_dict == {"reason": [services.NO_WORK_RECORDED]}
            episode.refresh_from_db()
            assert episode.status == E.OPEN
        else:
            services.episode_send_closure(
                actor=episode.lead_professional, episode=episode, **fields
            )
            episode.refresh_from_db()
            assert episode.status == E.CLOSED


# ---------------------------------------------------------------- the page and the API agree


def test_the_closure_page_and_api_refuse_a_closure_with_no_work_alike():
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=LONDON), tick=False):
        episode = EpisodeFactory()
        lead = episode.lead_professional
        page = sign_in_verified(Client(), lead).post(
            reverse("casework:episode_closure", kwargs={"episode_id": episode.pk}), CLOSURE
        )
        api = sign_in_verified(APIClient(), lead).post(
            f"/api/v1/episodes/{episode.pk}/closure/", CLOSURE, format="json"
        )
        assert page.status_code == 200
        assert "No contact or Team Around the Family meeting is recorded" in page.content.decode()
        assert (api.status_code, api.json()) == (400, {"reason": [services.NO_WORK_RECORDED]})
        episode.refresh_from_db()
        assert episode.status == E.OPEN

        ContactFactory(episode=episode, happened_on=episode.started_on)
        api = sign_in_verified(APIClient(), lead).post(
            f"/api/v1/episodes/{episode.pk}/closure/", CLOSURE, format="json"
        )
        assert (api.status_code, api.json()["episode_status"]) == (200, "closed")


def test_the_step_down_page_offers_to_carry_the_plan_over(stepped_up):
    episode, leader = stepped_up
    plan = make_plan(episode=episode)
    make_action(outcome=make_outcome(plan=plan), by_when=date(2026, 11, 30))
    url = reverse("casework:episode_step_down", kwargs={"episode_id": episode.pk})
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=LONDON), tick=False):
        client = sign_in_verified(Client(), leader)
        body = client.get(url).content.decode()
        assert "Carry the family’s plan over to the new episode?" in body
        assert "1 outcome not yet achieved and 1 action still to do" in body
        response = client.post(
            url,
            {
                "lead_agency": episode.lead_agency_id,
                "lead_professional": episode.lead_professional_id,
                "need_level": NeedLevel.objects.get(level=3).pk,
                "offer": "targeted",
                "started_on_0": "2",
                "started_on_1": "11",
                "started_on_2": "2026",
                "carry_plan": "yes",
                "stage": "2",
                "reason": "Social care closed",
            },
        )
    assert response.status_code == 302
    new = Episode.objects.get(previous=episode)
    assert (new.stage, FamilyPlan.objects.get(episode=new).outcomes.count()) == (2, 1)
