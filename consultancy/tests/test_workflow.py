"""Casework consultancy's services: the workflow (every state reachable, illegal moves refused
as conflicts), who may do what, family scoping, the history and audit rows, consultants'
designations, the tray and the counts (worked out by hand)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultancy import selectors, services
from consultancy.models import CaseworkConsultant, ConsultancyRequest, ConsultancyRequestHistory
from consultancy.tests.factories import (
    CaseworkConsultantFactory,
    ConsultancyRequestFactory,
    consultant_user,
)
from core.audit import Action
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, TeamFactory
from core.workflow import TransitionNotAllowed
from core.worktray import tray_for
from people.tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = ConsultancyRequest.Status
Kind = ConsultancyRequest.Kind
NextStep = ConsultancyRequest.NextStep


@pytest.fixture
def team():
    return TeamFactory(name="Hilltop School pastoral team")


@pytest.fixture
def asker(team):
    return UserFactory(team=team, roles=[Role.PRACTITIONER])


@pytest.fixture
def consultant():
    return consultant_user()


@pytest.fixture
def leader():
    return UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


def _ask(asker, **kw):
    values = {"actor": asker, "kind": Kind.CONSULTATION, "help_wanted": "Advice on attendance"}
    return services.consultancy_request_ask(**{**values, **kw})


def _events(request):
    return list(
        ConsultancyRequestHistory.objects.filter(request=request)
        .order_by("at", "id")
        .values_list("event", "from_status", "to_status")
    )


def test_every_state_is_reachable():
    assert services.WORKFLOW.unreachable() == set()
    assert services.WORKFLOW.terminal == {Status.DECLINED, Status.COMPLETED, Status.WITHDRAWN}


def test_ask_pick_up_accept_and_complete_with_history_dates_and_audit(asker, consultant, team):
    family = FamilyFactory(team=team)
    made = _ask(asker, kind=Kind.COACHING, family=family, preferred_dates="Mondays")
    assert (made.status, made.requested_on, made.requester_agency, made.requester_team) == (
        Status.REQUESTED,
        date(2026, 11, 2),
        asker.agency,
        team,
    )
    assert made.family == family
    made = services.consultancy_request_pick_up(actor=consultant, request=made, expected_version=1)
    assert (made.consultant, made.version) == (consultant, 2)
    made = services.consultancy_request_accept(
        actor=consultant, request=made, expected_version=2, note="See you Tuesday"
    )
    assert (made.status, made.first_response_on) == (Status.ACCEPTED, date(2026, 11, 2))
    made = services.consultancy_request_complete(
        actor=consultant,
        request=made,
        expected_version=3,
        what_was_done="Two sessions on chairing a TAF",
        coaching_sessions=2,
        next_step=NextStep.TAF,
    )
    made.refresh_from_db()
    assert (made.status, made.coaching_sessions, made.completed_on, made.next_step) == (
        Status.COMPLETED,
        2,
        date(2026, 11, 2),
        NextStep.TAF,
    )
    assert _events(made) == [
        ("asked", "", "requested"),
        ("picked_up", "requested", "requested"),
        ("accepted", "requested", "accepted"),
        ("completed", "accepted", "completed"),
    ]
    audits = AuditEvent.objects.filter(
        record_type="consultancy.consultancyrequest", record_id=str(made.pk)
    ).order_by("id")
    assert [(a.action, a.detail.get("status")) for a in audits] == [
        (Action.CREATE, None),
        (Action.UPDATE, None),
        (Action.UPDATE, Status.ACCEPTED),
        (Action.UPDATE, Status.COMPLETED),
    ]
    assert audits[0].detail == {
        "fields": ["kind", "help_wanted", "preferred_dates", "family"],
        "kind": "coaching",
        "family": True,
    }
    # The history cannot be changed.
    with pytest.raises(PermissionError):
        ConsultancyRequestHistory.objects.filter(request=made).update(note="x")


def test_decline_needs_a_reason_and_is_final(asker, consultant):
    made = ConsultancyRequestFactory(requested_by=asker, consultant=consultant)
    with pytest.raises(ValidationError) as error:
        services.consultancy_request_decline(
            actor=consultant, request=made, expected_version=1, reason=" "
        )
    assert error.value.message_dict == {"reason": ["Enter why it is declined"]}
    made = services.consultancy_request_decline(
        actor=consultant, request=made, expected_version=1, reason="Ask the school nurse"
    )
    assert (made.status, made.decline_reason, made.first_response_on) == (
        Status.DECLINED,
        "Ask the school nurse",
        date(2026, 11, 2),
    )
    with pytest.raises(TransitionNotAllowed):
        services.consultancy_request_accept(actor=consultant, request=made, expected_version=2)
    with pytest.raises(TransitionNotAllowed):
        services.consultancy_request_withdraw(actor=asker, request=made, expected_version=2)


@pytest.mark.parametrize(
    ("state", "move"),
    [
        ("requested", "complete"),
        ("accepted", "accept"),
        ("accepted", "decline"),
        ("completed", "withdraw"),
        ("withdrawn", "accept"),
        ("declined", "complete"),
    ],
)
def test_illegal_moves_are_conflicts(state, move, asker, consultant):
    made = ConsultancyRequestFactory(
        requested_by=asker,
        consultant=consultant,
        status=state,
        what_was_done="x" if state == "completed" else "",
    )
    actor = asker if move == "withdraw" else consultant
    kwargs = {
        "accept": {},
        "decline": {"reason": "No"},
        "withdraw": {},
        "complete": {"what_was_done": "Advice", "next_step": NextStep.CARRIES_ON},
    }[move]
    with pytest.raises(TransitionNotAllowed):
        getattr(services, f"consultancy_request_{move}")(
            actor=actor, request=made, expected_version=1, **kwargs
        )
    made.refresh_from_db()
    assert made.status == state and made.version == 1


def test_withdraw_by_the_requester_only_while_open(asker, consultant):
    made = ConsultancyRequestFactory(requested_by=asker, accepted=True)
    with pytest.raises(PermissionDenied):
        services.consultancy_request_withdraw(
            actor=made.consultant, request=made, expected_version=1
        )
    made = services.consultancy_request_withdraw(
        actor=asker, request=made, expected_version=1, reason="No longer needed"
    )
    assert made.status == Status.WITHDRAWN
    assert _events(made)[-1] == ("withdrawn", "accepted", "withdrawn")


def test_a_stale_version_is_a_conflict_and_changes_nothing(asker, consultant):
    made = ConsultancyRequestFactory(requested_by=asker, consultant=consultant)
    with pytest.raises(StaleVersionError):
        services.consultancy_request_accept(actor=consultant, request=made, expected_version=7)
    made.refresh_from_db()
    assert (made.status, made.version) == (Status.REQUESTED, 1)


def test_accepting_needs_a_consultant_assigned(asker, leader):
    made = ConsultancyRequestFactory(requested_by=asker)
    with pytest.raises(services.ConflictError, match="Assign a consultant"):
        services.consultancy_request_accept(actor=leader, request=made, expected_version=1)


def test_picking_up_a_request_someone_picked_up_first_is_a_conflict(asker, consultant):
    made = ConsultancyRequestFactory(requested_by=asker)
    services.consultancy_request_pick_up(actor=consultant, request=made, expected_version=1)
    with pytest.raises(services.ConflictError):
        services.consultancy_request_pick_up(
            actor=consultant_user(), request=made, expected_version=2
        )


def test_who_may_do_what(asker, consultant, leader):
    made = ConsultancyRequestFactory(requested_by=asker)
    other_consultant = consultant_user()
    # Not a consultant: may not pick up; a team leader assigns.
    with pytest.raises(PermissionDenied):
        services.consultancy_request_pick_up(actor=asker, request=made, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.consultancy_request_assign(
            actor=consultant, request=made, expected_version=1, consultant=consultant
        )
    made = services.consultancy_request_assign(
        actor=leader, request=made, expected_version=1, consultant=consultant
    )
    # Another consultant may not answer it; the requester may not either.
    for actor in (other_consultant, asker):
        with pytest.raises(PermissionDenied):
            services.consultancy_request_accept(actor=actor, request=made, expected_version=2)
    # A team leader may answer any request.
    made = services.consultancy_request_accept(actor=leader, request=made, expected_version=2)
    assert made.status == Status.ACCEPTED
    # Only practitioners and lead professionals ask.
    for role in (Role.TEAM_MANAGER, Role.EARLY_SUPPORT_TEAM_LEADER, Role.BUSINESS_SUPPORT):
        with pytest.raises(PermissionDenied):
            _ask(UserFactory(roles=[role]))
    assert _ask(UserFactory(roles=[Role.LEAD_PROFESSIONAL])).status == Status.REQUESTED


def test_assigning_needs_a_current_consultant(asker, leader):
    made = ConsultancyRequestFactory(requested_by=asker)
    past = CaseworkConsultantFactory(ended=True).user
    for who in (past, asker):
        with pytest.raises(ValidationError) as error:
            services.consultancy_request_assign(
                actor=leader, request=made, expected_version=1, consultant=who
            )
        assert error.value.message_dict == {"consultant": ["Choose a casework consultant"]}


def test_a_family_out_of_the_askers_scope_is_refused(asker):
    elsewhere = FamilyFactory(team=TeamFactory())
    with pytest.raises(ValidationError) as error:
        _ask(asker, family=elsewhere)
    assert error.value.message_dict == {"family": ["Choose a family you work with"]}
    assert not ConsultancyRequest.objects.exists()


def test_the_outcome_asks_for_what_each_kind_did(asker, consultant):
    coaching = ConsultancyRequestFactory(
        requested_by=asker, consultant=consultant, kind=Kind.COACHING, accepted=True
    )
    coaching.consultant = consultant
    coaching.save()
    with pytest.raises(ValidationError) as error:
        services.consultancy_request_complete(
            actor=consultant,
            request=coaching,
            expected_version=1,
            what_was_done="",
            next_step=NextStep.OTHER,
        )
    assert error.value.message_dict == {
        "what_was_done": ["Enter what was done"],
        "outcome_note": ["Enter what happened next"],
        "coaching_sessions": ["Enter how many coaching sessions were held, from 1 to 100"],
    }
    co_working = ConsultancyRequestFactory(
        requested_by=asker, kind=Kind.CO_WORKING, accepted=True, consultant=consultant
    )
    with pytest.raises(ValidationError) as error:
        services.consultancy_request_complete(
            actor=consultant,
            request=co_working,
            expected_version=1,
            what_was_done="Joint visits",
            next_step=NextStep.CARRIES_ON,
            co_working_from=date(2026, 10, 28),
            co_working_to=date(2026, 10, 21),
        )
    assert error.value.message_dict == {
        "co_working_to": ["The date co-working ended must be after it started"]
    }
    done = services.consultancy_request_complete(
        actor=consultant,
        request=co_working,
        expected_version=1,
        what_was_done="Joint visits",
        next_step=NextStep.REFERRED_ON,
        outcome_note="To the young carers’ service",
        co_working_from=date(2026, 10, 21),
        co_working_to=date(2026, 10, 28),
        coaching_sessions=4,  # not coaching: not kept
    )
    assert (done.co_working_from, done.co_working_to, done.coaching_sessions) == (
        date(2026, 10, 21),
        date(2026, 10, 28),
        None,
    )


def test_consultants_are_designated_for_a_period_by_team_leaders(leader, asker):
    worker = UserFactory(roles=[Role.LEAD_PROFESSIONAL])
    with pytest.raises(PermissionDenied):
        services.consultant_add(actor=asker, user=worker)
    period = services.consultant_add(actor=leader, user=worker, starts_on=date(2026, 11, 1))
    assert selectors.is_consultant_today(worker)
    with pytest.raises(ValidationError) as error:
        services.consultant_add(actor=leader, user=worker, starts_on=date(2026, 12, 1))
    assert error.value.message_dict == {
        "starts_on": ["They are already a consultant for some of these dates"]
    }
    with pytest.raises(ValidationError):
        services.consultant_add(actor=leader, user=UserFactory(roles=[Role.PANEL_MEMBER]))
    period = services.consultant_end(actor=leader, period=period, expected_version=1)
    assert period.ends_on == date(2026, 11, 2) and selectors.is_consultant_today(worker)
    assert not selectors.is_consultant_today(worker, date(2026, 11, 3))
    with pytest.raises(StaleVersionError):
        services.consultant_end(actor=leader, period=period, expected_version=1)
    assert (
        AuditEvent.objects.filter(
            record_type="consultancy.caseworkconsultant", record_id=str(period.pk)
        ).count()
        == 2
    )
    assert CaseworkConsultant.objects.count() == 1


def test_what_each_sees(asker, consultant, leader):
    waiting = ConsultancyRequestFactory(requested_by=asker)
    mine = ConsultancyRequestFactory(consultant=consultant)
    someone_elses = ConsultancyRequestFactory(assigned=True)
    past = CaseworkConsultantFactory(ended=True).user
    seen = {
        "asker": set(selectors.requests_for(asker)),
        "consultant": set(selectors.requests_for(consultant)),
        "leader": set(selectors.requests_for(leader)),
        "past consultant": set(selectors.requests_for(past)),
        "manager": set(selectors.requests_for(UserFactory(roles=[Role.TEAM_MANAGER]))),
    }
    assert seen == {
        "asker": {waiting},
        "consultant": {waiting, mine},
        "leader": {waiting, mine, someone_elses},
        "past consultant": set(),
        "manager": set(),
    }


def test_the_work_tray(asker, consultant, leader):
    waiting = ConsultancyRequestFactory(requested_by=asker)
    to_answer = ConsultancyRequestFactory(requested_by=asker, consultant=consultant)
    accepted = ConsultancyRequestFactory(requested_by=asker, accepted=True)
    ConsultancyRequestFactory(requested_by=asker, declined=True, first_response_on=date(2026, 9, 1))

    def sections(user):
        return {
            s.key: ([i.url.rstrip("/").rsplit("/", 1)[1] for i in s.items], s.informational)
            for s in tray_for(user)
            if s.key.startswith("consultancy_")
        }

    assert sections(consultant) == {
        "consultancy_waiting": ([str(waiting.pk)], False),
        "consultancy_to_answer": ([str(to_answer.pk)], False),
    }
    assert sections(leader) == {
        "consultancy_waiting": ([str(waiting.pk)], False),
        "consultancy_to_answer": ([str(to_answer.pk)], False),
    }
    # The old decline (more than four weeks ago) is no longer shown.
    assert sections(asker) == {"consultancy_answered": ([str(accepted.pk)], True)}
    assert sections(UserFactory(roles=[Role.TEAM_MANAGER])) == {}


def test_a_role_with_no_consultancy_costs_no_query_in_the_tray(django_assert_max_num_queries):
    from consultancy import tray

    member = UserFactory(roles=[Role.PANEL_MEMBER])
    member = type(member).objects.get(pk=member.pk)
    assert member.roles  # the role lookup, before counting
    with django_assert_max_num_queries(0):
        assert tray.tray(member) == []
    practitioner = type(member).objects.get(pk=UserFactory(roles=[Role.PRACTITIONER]).pk)
    assert practitioner.roles
    with django_assert_max_num_queries(1):
        assert tray.tray(practitioner) == []


def test_counts_by_kind_agency_and_outcome_worked_by_hand():
    school = AgencyFactory(name="Hilltop Primary School")
    health = AgencyFactory(name="Health visiting")

    def made(kind, agency, on, **kw):
        asker = UserFactory(team=TeamFactory(agency=agency), roles=[Role.PRACTITIONER])
        return ConsultancyRequestFactory(requested_by=asker, kind=kind, requested_on=on, **kw)

    # In the period (1 April to 31 October 2026): 5 requests.
    made(Kind.CONSULTATION, school, date(2026, 4, 1))  # waiting
    made(
        Kind.CONSULTATION,
        school,
        date(2026, 5, 10),
        completed=True,
        first_response_on=date(2026, 5, 12),
        completed_on=date(2026, 5, 20),
    )  # answered in 2 days, done in 10, carries on
    made(
        Kind.COACHING,
        health,
        date(2026, 6, 1),
        completed=True,
        next_step=NextStep.TAF,
        first_response_on=date(2026, 6, 7),
        completed_on=date(2026, 7, 1),
    )  # answered in 6 days, done in 30, a TAF
    made(
        Kind.CO_WORKING,
        school,
        date(2026, 10, 31),
        declined=True,
        first_response_on=date(2026, 11, 1),
    )  # answered in 1 day
    made(Kind.COACHING, health, date(2026, 9, 9), withdrawn=True)
    # Outside it: not counted.
    made(Kind.COACHING, health, date(2026, 3, 31))
    made(Kind.CONSULTATION, school, date(2026, 11, 1))

    found = selectors.counts(date(2026, 4, 1), date(2026, 10, 31))
    assert found.total == 5
    assert found.by_kind == [("Consultation", 2), ("Coaching", 2), ("Co-working", 1)]
    assert found.by_agency == [("Hilltop Primary School", 3), ("Health visiting", 2)]
    assert found.by_outcome == [
        ("The partner carries on as lead professional", 1),
        ("Stepped up to a Team Around the Family", 1),
        ("Referred on", 0),
        ("Other", 0),
        ("Declined", 1),
        ("Withdrawn", 1),
        ("Not finished yet", 1),
    ]
    # First answers after 2, 6 and 1 days: the middle is 2. Completed after 10 and 30: 20.
    assert (found.days_to_first_response, found.days_to_complete) == (2, 20)
    assert selectors.period_start(date(2026, 3, 31)) == date(2025, 4, 1)
    assert selectors.period_start(date(2026, 4, 1)) == date(2026, 4, 1)
