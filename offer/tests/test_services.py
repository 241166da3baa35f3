"""The offer's rules: places, the waiting list's order and flags, referrals (signposts and
programme places), enrolment refused when full, attendance, completion and impact measures.
Worked examples are computed by hand in each test's comments."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.concurrency import StaleVersionError
from core.errors import ConflictError
from core.models import AuditEvent
from directory.tests.factories import ServiceFactory
from offer import selectors, services
from offer.models import Attendance, Enrolment, ProgrammeGroup, Referral
from offer.tests.factories import (
    AttendanceFactory,
    EnrolmentFactory,
    GroupSessionFactory,
    OfferPolicyFactory,
    OneToOneServiceFactory,
    ProgrammeFactory,
    ProgrammeGroupFactory,
    ReferralFactory,
    member_of,
)
from people.models import ChronologyEntry, FamilyTeam
from people.tests.factories import FamilyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

Status = Referral.Status


@pytest.fixture
def leader():
    return UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])


@pytest.fixture
def programme():
    return ProgrammeFactory()


def _refer(actor, family, programme=None, *, service=None, people=None, **kw):
    values = {
        "actor": actor,
        "family": family,
        "service": service or programme.service,
        "people": people if people is not None else [member_of(family)],
        "reason": "Arguments at home about behaviour",
        "priority": "standard",
    }
    return services.referral_make(**{**values, **kw})


# ---------------------------------------------------------------- places


def test_a_groups_free_places_count_everyone_but_those_who_left(programme):
    group = ProgrammeGroupFactory(programme=programme, capacity=4)
    EnrolmentFactory.create_batch(2, group=group)
    EnrolmentFactory(group=group, completed=True)
    EnrolmentFactory(group=group, left=True)
    # 4 places; taken = 2 enrolled + 1 completed = 3 (the leaver's place is free) -> 1 free.
    assert selectors.group_places(group) == (3, 1)
    group.status = ProgrammeGroup.Status.FINISHED
    assert selectors.group_places(group) == (3, 0)  # a finished group has no places


def test_a_programmes_free_places_sum_its_open_groups_less_places_held(programme):
    a = ProgrammeGroupFactory(programme=programme, capacity=4)
    EnrolmentFactory.create_batch(3, group=a)  # 1 free
    ProgrammeGroupFactory(programme=programme, capacity=2, planned=True)  # 2 free
    ProgrammeGroupFactory(programme=programme, capacity=10, finished=True)  # none
    ProgrammeGroupFactory(programme=programme, capacity=10, cancelled=True)  # none
    ReferralFactory(programme=programme, referred=True)  # holds 1 place
    ReferralFactory(programme=programme)  # waiting: holds nothing
    places = selectors.programme_places(programme)
    # 1 + 2 - 1 held = 2 free; 1 waiting; capacity of the open groups = 4 + 2.
    assert (places.free, places.waiting, places.capacity) == (2, 1, 6)


def test_a_one_to_one_services_places_are_its_capacity_less_active_referrals():
    service = OneToOneServiceFactory(capacity=3)
    ReferralFactory(programme=service, enrolled=True)
    ReferralFactory(programme=service, referred=True)
    ReferralFactory(programme=service)  # waiting
    ReferralFactory(programme=service, status=Status.COMPLETED)
    ReferralFactory(programme=service, status=Status.WITHDRAWN)
    # 3 - (1 has a place + 1 referred) = 1 free; 1 waiting.
    places = selectors.programme_places(service)
    assert (places.free, places.waiting) == (1, 1)


def test_places_for_many_programmes_take_a_fixed_number_of_queries(django_assert_num_queries):
    programmes = [ProgrammeFactory() for _ in range(3)]
    for programme in programmes:
        ProgrammeGroupFactory(programme=programme)
    with django_assert_num_queries(3):
        selectors.places_for(programmes)


# ---------------------------------------------------------------- the waiting list


def test_the_waiting_list_is_in_priority_then_date_order_with_weeks_and_flags(leader, programme):
    OfferPolicyFactory()  # urgent, high, standard; flag beyond 6 weeks

    def add(priority, since):
        return ReferralFactory(programme=programme, priority=priority, waiting_since=since)

    a = add("standard", date(2026, 10, 1))
    b = add("urgent", date(2026, 10, 20))
    c = add("high", date(2026, 9, 1))
    d = add("urgent", date(2026, 10, 20))  # same day as b: b first by id
    e = add("standard", date(2026, 9, 10))
    f = add("standard", date(2026, 9, 21))
    gone = add("retired-code", date(2026, 8, 1))  # a priority the pack no longer lists: last
    ReferralFactory(programme=programme, enrolled=True)  # not waiting
    rows = selectors.waiting_list(leader, programme)
    assert [r.referral for r in rows] == [b, d, c, e, f, a, gone]
    assert [r.position for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    # Today is 2 November 2026. b: 13 days = 1 week; c: 62 days = 8 weeks; e: 53 days = 7;
    # f: exactly 42 days = 6 weeks, not beyond 6; a: 32 days = 4; gone: 93 days = 13.
    assert [r.weeks_waiting for r in rows] == [1, 1, 8, 7, 6, 4, 13]
    assert [r.flagged for r in rows] == [False, False, True, True, False, False, True]
    assert selectors.waiting_position(e) == 4


def test_the_flag_follows_the_packs_threshold(leader, programme):
    OfferPolicyFactory(waiting_flag_weeks=4)
    ReferralFactory(programme=programme, waiting_since=date(2026, 10, 1))  # 32 days
    assert [r.flagged for r in selectors.waiting_list(leader, programme)] == [True]


def test_a_waiting_row_outside_the_readers_scope_is_not_visible(programme):
    ReferralFactory(programme=programme)
    stranger = UserFactory(roles=[Role.PRACTITIONER])
    (row,) = selectors.waiting_list(stranger, programme)
    assert row.visible is False


# ---------------------------------------------------------------- making referrals


def test_a_referral_to_a_full_programme_joins_the_waiting_list(leader, programme):
    ProgrammeGroupFactory(programme=programme, capacity=0)
    family = FamilyFactory()
    referral = _refer(leader, family, programme, priority="urgent")
    assert referral.status == Status.WAITING
    assert referral.waiting_since == date(2026, 11, 2)
    assert referral.priority == "urgent"
    assert [h.to_status for h in referral.history.all()] == [Status.WAITING]
    # The programme's team now works with the family; each person's chronology says so.
    assert FamilyTeam.objects.filter(family=family, team=programme.team).exists()
    entry = ChronologyEntry.objects.get(record_type="offer_referral")
    assert entry.summary == f"Referred to {programme.service.name}"
    assert AuditEvent.objects.filter(record_type="offer.referral", action="create").count() == 1


def test_a_referral_with_a_place_free_holds_it_and_the_next_one_waits(leader, programme):
    ProgrammeGroupFactory(programme=programme, capacity=1)
    first = _refer(leader, FamilyFactory(), programme)
    second = _refer(leader, FamilyFactory(), programme)
    assert (first.status, second.status) == (Status.REFERRED, Status.WAITING)


def test_a_referral_needs_a_place_for_each_person(leader, programme):
    ProgrammeGroupFactory(programme=programme, capacity=1)
    family = FamilyFactory()
    referral = _refer(leader, family, programme, people=[member_of(family), member_of(family)])
    assert referral.status == Status.WAITING  # 2 people, 1 place


def test_a_signpost_to_another_service_is_handed_over(leader):
    family = FamilyFactory()
    service = ServiceFactory(name="Citizens Advice Kirklees")
    referral = _refer(
        leader,
        family,
        service=service,
        source=Referral.Source.TRIAGE,
        source_type="support_request",
        source_id="17",
        handover_to="Duty adviser",
        handover_on=date(2026, 11, 1),
        agreed_with_family=True,
    )
    assert (referral.status, referral.programme, referral.waiting_since) == (
        Status.HANDED_OVER,
        None,
        None,
    )
    assert list(selectors.referrals_for_source(leader, "support_request", 17)) == [referral]
    assert not FamilyTeam.objects.filter(family=family).exists()


def test_referral_make_checks_what_it_is_given(leader, programme):
    family = FamilyFactory()
    other = FamilyFactory()
    with pytest.raises(ValidationError) as caught:
        services.referral_make(
            actor=leader,
            family=family,
            service=ServiceFactory(status="inactive"),
            people=[member_of(other)],
            source="gossip",
            priority="whenever",
            reason=" ",
            handover_on=date(2026, 11, 3),
        )
    assert set(caught.value.message_dict) == {
        "service",
        "people",
        "source",
        "priority",
        "reason",
        "handover_on",
    }


def test_only_staff_who_refer_may_refer(programme):
    clerk = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    with pytest.raises(PermissionDenied):
        _refer(clerk, FamilyFactory(), programme)


# ---------------------------------------------------------------- uptake and withdrawal


def test_uptake_is_recorded_once_for_a_signpost():
    referral = ReferralFactory(signpost=True)
    done = services.referral_uptake_record(
        actor=referral.made_by, referral=referral, taken_up=False, note="Did not go"
    )
    assert (done.status, done.uptake_note) == (Status.NOT_TAKEN_UP, "Did not go")
    with pytest.raises(ConflictError):
        services.referral_uptake_record(actor=referral.made_by, referral=done, taken_up=True)


def test_uptake_refuses_a_programme_referral_and_a_stale_version():
    referral = ReferralFactory()
    with pytest.raises(ConflictError):
        services.referral_uptake_record(actor=referral.made_by, referral=referral, taken_up=True)
    signpost = ReferralFactory(signpost=True)
    with pytest.raises(StaleVersionError):
        services.referral_uptake_record(
            actor=signpost.made_by, referral=signpost, taken_up=True, expected_version=9
        )


def test_someone_else_may_not_record_the_uptake():
    referral = ReferralFactory(signpost=True)
    with pytest.raises(PermissionDenied):
        services.referral_uptake_record(
            actor=UserFactory(roles=[Role.PRACTITIONER]), referral=referral, taken_up=True
        )


def test_withdrawing_takes_a_referral_off_the_list(leader, programme):
    referral = ReferralFactory(programme=programme)
    services.referral_withdraw(actor=leader, referral=referral, reason="Moved away")
    assert selectors.waiting_list(leader, programme) == []


def test_every_referral_status_is_reachable():
    assert services.WORKFLOW.unreachable() == set()


# ---------------------------------------------------------------- enrolment


def test_enrolling_beyond_the_groups_capacity_is_refused(leader, programme):
    group = ProgrammeGroupFactory(programme=programme, capacity=1)
    EnrolmentFactory(group=group)
    waiting = ReferralFactory(programme=programme)
    with pytest.raises(ConflictError, match="The group is full"):
        services.referral_enrol(actor=leader, referral=waiting, group=group)


def test_a_place_freed_by_a_leaver_goes_to_the_first_on_the_list(leader, programme):
    group = ProgrammeGroupFactory(programme=programme, capacity=1)
    sitting = EnrolmentFactory(group=group)
    waiting = ReferralFactory(programme=programme)
    assert selectors.programme_places(programme).free == 0
    services.enrolment_leave(actor=leader, enrolment=sitting)
    assert selectors.programme_places(programme).free == 1
    (enrolment,) = services.referral_enrol(actor=leader, referral=waiting, group=group)
    waiting.refresh_from_db()
    assert waiting.status == Status.ENROLLED
    assert enrolment.person == waiting.people.get()
    assert selectors.waiting_list(leader, programme) == []
    assert selectors.group_places(group) == (1, 0)
    sitting.referral.refresh_from_db()
    assert sitting.referral.status == Status.LEFT  # its only participant left


def test_a_waiting_referral_may_not_take_a_place_held_for_another(leader, programme):
    group = ProgrammeGroupFactory(programme=programme, capacity=1)
    held = ReferralFactory(programme=programme, referred=True)
    waiting = ReferralFactory(programme=programme)
    with pytest.raises(ConflictError, match="held"):
        services.referral_enrol(actor=leader, referral=waiting, group=group)
    services.referral_enrol(actor=leader, referral=held, group=group)


def test_only_the_programmes_team_or_a_team_leader_enrols(programme):
    group = ProgrammeGroupFactory(programme=programme)
    waiting = ReferralFactory(programme=programme)
    outsider = UserFactory(roles=[Role.PRACTITIONER])
    with pytest.raises(PermissionDenied):
        services.referral_enrol(actor=outsider, referral=waiting, group=group)
    member = UserFactory(team=programme.team, roles=[Role.PRACTITIONER])
    services.referral_enrol(actor=member, referral=waiting, group=group)


def test_a_one_to_one_service_takes_the_family_on_and_frees_the_place_at_the_end(leader):
    service = OneToOneServiceFactory(capacity=1)
    holder = _refer(leader, FamilyFactory(), service)
    waiting = _refer(leader, FamilyFactory(), service)
    assert (holder.status, waiting.status) == (Status.REFERRED, Status.WAITING)
    with pytest.raises(ConflictError):
        services.referral_take_on(actor=leader, referral=waiting)
    services.referral_take_on(actor=leader, referral=holder)
    services.referral_finish(actor=leader, referral=holder, completed=True)
    services.referral_take_on(actor=leader, referral=waiting)
    waiting.refresh_from_db()
    assert waiting.status == Status.ENROLLED


def test_raising_a_services_capacity_frees_places(leader):
    service = OneToOneServiceFactory(capacity=0)
    ReferralFactory(programme=service)
    assert selectors.programme_places(service).free == 0
    service = services.programme_set_capacity(actor=leader, programme=service, capacity=1)
    assert selectors.programme_places(service).free == 1


def test_a_group_cannot_shrink_below_its_places_taken(leader, programme):
    group = ProgrammeGroupFactory(programme=programme, capacity=3)
    EnrolmentFactory.create_batch(2, group=group)
    with pytest.raises(ValidationError):
        services.group_update(actor=leader, group=group, capacity=1)
    services.group_update(actor=leader, group=group, capacity=2, status="finished")
    with pytest.raises(ConflictError):
        services.group_update(actor=leader, group=group, status="running")


# ---------------------------------------------------------------- attendance and completion


def test_attendance_is_one_row_per_participant_and_session(leader):
    attendance = AttendanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            enrolment=attendance.enrolment,
            session=attendance.session,
            status=Attendance.Status.ABSENT,
            recorded_by=leader,
        )


def test_recording_attendance_again_corrects_it(leader, programme):
    group = ProgrammeGroupFactory(programme=programme)
    session = GroupSessionFactory(group=group, held_on=date(2026, 10, 26))
    one, two = EnrolmentFactory.create_batch(2, group=group)
    services.attendance_record(
        actor=leader, session=session, marks={one.pk: "attended", two.pk: "was_not_brought"}
    )
    services.attendance_record(actor=leader, session=session, marks={two.pk: "absent"})
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        one.pk: "attended",
        two.pk: "absent",
    }


def test_attendance_refuses_strangers_and_future_sessions(leader, programme):
    group = ProgrammeGroupFactory(programme=programme)
    enrolment = EnrolmentFactory(group=group)
    later = GroupSessionFactory(group=group, held_on=date(2026, 11, 9))
    with pytest.raises(ValidationError):
        services.attendance_record(actor=leader, session=later, marks={enrolment.pk: "attended"})
    now = GroupSessionFactory(group=group, held_on=date(2026, 11, 2))
    with pytest.raises(ValidationError):
        services.attendance_record(actor=leader, session=now, marks={enrolment.pk: "asleep"})
    stranger = EnrolmentFactory()
    with pytest.raises(ValidationError):
        services.attendance_record(actor=leader, session=now, marks={stranger.pk: "attended"})


def test_a_facilitator_records_attendance_but_does_not_manage(programme):
    group = ProgrammeGroupFactory(programme=programme)
    facilitator = UserFactory(roles=[Role.PRACTITIONER])
    group.facilitators.add(facilitator)
    enrolment = EnrolmentFactory(group=group)
    session = GroupSessionFactory(group=group, held_on=date(2026, 10, 26))
    services.attendance_record(actor=facilitator, session=session, marks={enrolment.pk: "attended"})
    with pytest.raises(PermissionDenied):
        services.enrolment_complete(actor=facilitator, enrolment=enrolment)


def test_completion_finishes_the_referral_and_impact_measures_are_recorded(leader, programme):
    OfferPolicyFactory()
    enrolment = EnrolmentFactory(group=ProgrammeGroupFactory(programme=programme))
    services.enrolment_complete(actor=leader, enrolment=enrolment)
    enrolment.referral.refresh_from_db()
    assert enrolment.referral.status == Status.COMPLETED
    with pytest.raises(ConflictError):
        services.enrolment_leave(actor=leader, enrolment=enrolment)
    impact = services.impact_record(
        actor=leader, enrolment=enrolment, measure="employment", note="Part-time job"
    )
    assert (impact.measure, impact.recorded_on) == ("employment", date(2026, 11, 2))
    with pytest.raises(ConflictError):
        services.impact_record(actor=leader, enrolment=enrolment, measure="employment")
    with pytest.raises(ValidationError):
        services.impact_record(actor=leader, enrolment=enrolment, measure="won-the-lottery")
    assert Enrolment.objects.get().status == Enrolment.Status.COMPLETED


# ---------------------------------------------------------------- offering a place, pausing


def test_offering_a_place_holds_it_so_the_next_referral_waits(leader, programme):
    group = ProgrammeGroupFactory(programme=programme, capacity=2)
    EnrolmentFactory(group=group)  # 1 free
    first = ReferralFactory(programme=programme, waiting_since=date(2026, 9, 1))
    services.referral_offer_place(actor=leader, referral=first, expected_version=first.version)
    first.refresh_from_db()
    assert first.status == Status.REFERRED
    assert first.history.last().to_status == Status.REFERRED
    # The held place is not free: a new referral joins the waiting list.
    assert selectors.programme_places(programme).free == 0
    later = _refer(leader, FamilyFactory(), programme)
    assert later.status == Status.WAITING
    # The family declines: withdrawn, and the place frees again.
    services.referral_withdraw(actor=leader, referral=first, reason="Declined the place")
    assert selectors.programme_places(programme).free == 1


def test_a_place_is_offered_only_when_one_is_free_and_only_from_the_list(leader, programme):
    ProgrammeGroupFactory(programme=programme, capacity=1)
    held = ReferralFactory(programme=programme, referred=True)  # holds the one place
    waiting = ReferralFactory(programme=programme)
    with pytest.raises(ConflictError, match="No place to offer: 0 free, 1 needed"):
        services.referral_offer_place(actor=leader, referral=waiting)
    with pytest.raises(ConflictError):
        services.referral_offer_place(actor=leader, referral=held)  # already offered
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING


def test_only_the_programmes_team_offers_a_place(programme):
    ProgrammeGroupFactory(programme=programme, capacity=1)
    waiting = ReferralFactory(programme=programme)
    with pytest.raises(PermissionDenied):
        services.referral_offer_place(
            actor=UserFactory(roles=[Role.PRACTITIONER]), referral=waiting
        )


def test_stopping_a_programme_is_refused_while_families_wait(leader, programme):
    ReferralFactory(programme=programme)
    ReferralFactory(programme=programme, referred=True)
    with pytest.raises(ConflictError, match="2 families are waiting or offered a place"):
        services.programme_set_running(
            actor=leader, programme=programme, running=False, reason="Funding ended"
        )
    programme.refresh_from_db()
    assert programme.active is True


def test_a_stopped_programme_takes_no_referrals_until_started_again(leader, programme):
    ProgrammeGroupFactory(programme=programme, capacity=4)
    with pytest.raises(ValidationError) as error:
        services.programme_set_running(actor=leader, programme=programme, running=False)
    assert error.value.message_dict == {"reason": ["Enter why it is no longer taking referrals"]}
    services.programme_set_running(
        actor=leader, programme=programme, running=False, reason="Funding ended"
    )
    programme.refresh_from_db()
    assert (programme.active, programme.not_running_reason, programme.version) == (
        False,
        "Funding ended",
        2,
    )
    with pytest.raises(ValidationError) as error:
        _refer(leader, FamilyFactory(), programme)
    assert error.value.message_dict == {
        "service": ["This programme is not taking referrals at the moment"]
    }
    with pytest.raises(StaleVersionError):
        services.programme_set_running(
            actor=leader, programme=programme, running=True, expected_version=1
        )
    services.programme_set_running(actor=leader, programme=programme, running=True)
    assert _refer(leader, FamilyFactory(), programme).status == Status.REFERRED


def test_only_a_team_leader_stops_a_programme(programme):
    member = UserFactory(team=programme.team, roles=[Role.PRACTITIONER])
    with pytest.raises(PermissionDenied):
        services.programme_set_running(
            actor=member, programme=programme, running=False, reason="Busy"
        )


def test_a_referral_with_no_family_must_be_a_signpost_naming_no_one(leader, programme):
    # The request it names is not one the offer app can read: refused before anything else.
    with pytest.raises(ValidationError) as error:
        services.referral_make(
            actor=leader,
            family=None,
            service=programme.service,
            people=[],
            source=Referral.Source.DIRECT,
            reason="Signposted",
        )
    assert error.value.message_dict == {"family": ["Choose the family"]}
    assert not Referral.objects.exists()
