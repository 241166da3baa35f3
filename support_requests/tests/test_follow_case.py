"""After triage the request follows the family's case: an assessment started, the referral logged
by the panel, a lead professional allocated (and handed over), support ended. Each move is made
by the app where the event happens, in its own transaction; a request where following makes no
sense is left alone and never stops the higher app's action."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from assessments import services as assessment_services
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, NeedLevelFactory, TeamFactory
from panel import services as panel_services
from panel.models import MeetingAttendance, PanelMeeting, PanelSeat
from panel.tests.factories import demo_panel, panel_referral
from people.tests.factories import family_with_members
from support_requests import services
from support_requests.models import SupportRequest, SupportRequestHistory
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db

Status = SupportRequest.Status
LONDON = ZoneInfo("Europe/London")


def follow(actor, support_request, to_status, **kwargs):
    return services.support_request_follow_case(
        actor=actor,
        support_request=support_request,
        to_status=to_status,
        reason=kwargs.pop("reason", "Case moved on"),
        **kwargs,
    )


def history_of(support_request):
    return list(
        SupportRequestHistory.objects.filter(support_request=support_request).values_list(
            "from_status", "to_status", "reason"
        )
    )


@pytest.fixture
def lead(db):
    agency = AgencyFactory(name="Police")
    return UserFactory(
        agency=agency,
        team=TeamFactory(agency=agency),
        roles=[Role.LEAD_PROFESSIONAL],
        first_name="Lara",
        last_name="Lead",
        email="lara.lead@police.example",
        phone="01484 111222",
    )


# ---------------------------------------------------------------- the service


def test_each_step_moves_the_request_with_history_and_audit(practitioner, lead):
    support_request = SupportRequestFactory(status=Status.ASSESSMENT)

    follow(practitioner, support_request, Status.ASSESSMENT_STARTED, reason="Assessment started")
    follow(practitioner, support_request, Status.PANEL_REFERRAL, reason="Logged")
    follow(
        practitioner,
        support_request,
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        reason="Allocated",
        lead_professional=lead,
        lead_agency=lead.agency,
    )
    follow(practitioner, support_request, Status.SUPPORT_ENDED, reason="Closed")

    support_request.refresh_from_db()
    assert support_request.status == Status.SUPPORT_ENDED
    assert (support_request.lead_professional, support_request.lead_agency) == (lead, lead.agency)
    assert history_of(support_request) == [
        (Status.ASSESSMENT, Status.ASSESSMENT_STARTED, "Assessment started"),
        (Status.ASSESSMENT_STARTED, Status.PANEL_REFERRAL, "Logged"),
        (Status.PANEL_REFERRAL, Status.LEAD_PROFESSIONAL_ALLOCATED, "Allocated"),
        (Status.LEAD_PROFESSIONAL_ALLOCATED, Status.SUPPORT_ENDED, "Closed"),
    ]
    allocated = AuditEvent.objects.get(
        record_id=str(support_request.pk), detail__status=Status.LEAD_PROFESSIONAL_ALLOCATED
    )
    assert allocated.detail == {
        "fields": ["lead_agency", "lead_professional", "status"],
        "from_status": Status.PANEL_REFERRAL,
        "status": Status.LEAD_PROFESSIONAL_ALLOCATED,
    }


def test_a_later_step_may_come_without_the_earlier_ones(practitioner):
    agreed = SupportRequestFactory(status=Status.ASSESSMENT)

    assert follow(practitioner, agreed, Status.SUPPORT_ENDED) is not None

    agreed.refresh_from_db()
    assert agreed.status == Status.SUPPORT_ENDED


@pytest.mark.parametrize(
    ("status", "to_status"),
    [
        # Already there or past it: a new assessment version, a referral logged again.
        (Status.ASSESSMENT_STARTED, Status.ASSESSMENT_STARTED),
        (Status.PANEL_REFERRAL, Status.ASSESSMENT_STARTED),
        (Status.SUPPORT_ENDED, Status.PANEL_REFERRAL),
        # Triage ended elsewhere, or has not happened.
        (Status.CLOSED, Status.ASSESSMENT_STARTED),
        (Status.SIGNPOSTED, Status.PANEL_REFERRAL),
        (Status.REFERRED_TO_DUTY_TEAM, Status.SUPPORT_ENDED),
        (Status.IN_TRIAGE, Status.ASSESSMENT_STARTED),
    ],
)
def test_where_following_makes_no_sense_the_request_is_left_alone(practitioner, status, to_status):
    support_request = SupportRequestFactory(status=status)

    assert follow(practitioner, support_request, to_status) is None

    support_request.refresh_from_db()
    assert support_request.status == status
    assert history_of(support_request) == []
    assert not AuditEvent.objects.filter(record_id=str(support_request.pk)).exists()


def test_no_request_nothing_to_follow(practitioner):
    assert follow(practitioner, None, Status.ASSESSMENT_STARTED) is None


def test_only_the_steps_after_triage_can_be_followed(practitioner):
    support_request = SupportRequestFactory(status=Status.IN_TRIAGE)
    with pytest.raises(ValueError):
        follow(practitioner, support_request, Status.CLOSED)


def test_allocation_needs_the_lead_professional(practitioner):
    support_request = SupportRequestFactory(status=Status.PANEL_REFERRAL)
    with pytest.raises(ValidationError) as refused:
        follow(practitioner, support_request, Status.LEAD_PROFESSIONAL_ALLOCATED)
    assert refused.value.message_dict == {
        "lead_professional": ["Name the lead professional and their agency"]
    }
    support_request.refresh_from_db()
    assert support_request.status == Status.PANEL_REFERRAL


def test_someone_without_a_role_may_not_move_a_request(db):
    support_request = SupportRequestFactory(status=Status.ASSESSMENT)
    with pytest.raises(PermissionDenied):
        follow(UserFactory(roles=[]), support_request, Status.ASSESSMENT_STARTED)


def test_a_handover_changes_who_the_requester_sees(practitioner, lead):
    support_request = SupportRequestFactory(status=Status.PANEL_REFERRAL)
    follow(
        practitioner,
        support_request,
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        lead_professional=lead,
        lead_agency=lead.agency,
    )
    second = UserFactory(agency=lead.agency, roles=[Role.LEAD_PROFESSIONAL])

    follow(
        practitioner,
        support_request,
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        reason="Handed over",
        lead_professional=second,
        lead_agency=lead.agency,
    )
    # The same lead again changes nothing.
    assert (
        follow(
            practitioner,
            support_request,
            Status.LEAD_PROFESSIONAL_ALLOCATED,
            lead_professional=second,
            lead_agency=lead.agency,
        )
        is None
    )

    support_request.refresh_from_db()
    assert support_request.status == Status.LEAD_PROFESSIONAL_ALLOCATED
    assert support_request.lead_professional == second
    assert history_of(support_request)[-1] == (
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        Status.LEAD_PROFESSIONAL_ALLOCATED,
        "Handed over",
    )


# ---------------------------------------------------------------- called where the event happens


def test_starting_the_assessment_triage_agreed_moves_the_request(practitioner, team):
    family = family_with_members(team=team, children=1, adults=1)
    child = family.members.get(role="child").person
    support_request = SupportRequestFactory(
        status=Status.ASSESSMENT, family=family, area=family.area
    )

    assessment = assessment_services.assessment_start(
        actor=practitioner, family=family, children=[child]
    )

    support_request.refresh_from_db()
    assert assessment.support_request == support_request
    assert support_request.status == Status.ASSESSMENT_STARTED
    assert history_of(support_request) == [
        (Status.ASSESSMENT, Status.ASSESSMENT_STARTED, "Assessment started")
    ]


def test_an_assessment_without_a_request_still_starts(practitioner, team):
    family = family_with_members(team=team, children=1, adults=0)
    child = family.members.get(role="child").person

    assessment = assessment_services.assessment_start(
        actor=practitioner, family=family, children=[child]
    )

    assert assessment.support_request is None


class _Clock:
    def __init__(self, traveller):
        self.traveller = traveller

    def set(self, moment):
        self.traveller.move_to(moment)


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=LONDON), tick=False) as traveller:
        yield _Clock(traveller)


@pytest.fixture
def agencies(db):
    NeedLevelFactory(level=2, name="Early help")
    names = ["Police", "0-19 Health", "School", "Housing", "Youth Justice"]
    return [AgencyFactory(name=name, panel_seat=True) for name in names]


@pytest.fixture
def panel(clock, agencies):
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    return demo_panel(agencies=agencies, chair=chair)


def test_logging_deciding_and_allocating_move_the_request(clock, panel, agencies):
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    clock.set(datetime(2027, 1, 2, 9, tzinfo=LONDON))
    referral = panel_referral(panel, datetime(2026, 12, 30, 11, tzinfo=LONDON))
    support_request = SupportRequestFactory(
        status=Status.ASSESSMENT_STARTED, family=referral.family, area=referral.family.area
    )
    assessment = referral.assessment
    assessment.support_request = support_request
    assessment.save(update_fields=["support_request"])

    case = panel_services.panel_case_log(actor=staff, referral=referral)

    support_request.refresh_from_db()
    assert support_request.status == Status.PANEL_REFERRAL
    assert history_of(support_request)[-1] == (
        Status.ASSESSMENT_STARTED,
        Status.PANEL_REFERRAL,
        f"Referral logged by the panel ({case.esmap_number})",
    )

    meeting = PanelMeeting.objects.get(panel=panel, date=date(2027, 1, 6))
    clock.set(datetime(2027, 1, 6, 10, tzinfo=LONDON))
    M = MeetingAttendance.Role
    panel_services.attendance_record_arrival(
        actor=staff, meeting=meeting, user=panel.chair, role=M.CHAIR
    )
    for seat in PanelSeat.objects.filter(panel=panel).order_by("pk")[:4]:
        panel_services.attendance_record_arrival(
            actor=staff,
            meeting=meeting,
            user=seat.members.get(is_substitute=False).user,
            role=M.MEMBER,
            seat=seat,
        )
    lead_agency = agencies[0]
    panel_services.panel_decision_record(
        actor=staff, meeting=meeting, case=case, kind="lead_agency", lead_agency=lead_agency
    )
    manager = UserFactory(
        team=TeamFactory(agency=lead_agency, area=referral.family.area),
        agency=lead_agency,
        roles=[Role.TEAM_MANAGER],
    )
    worker = UserFactory(
        team=TeamFactory(agency=lead_agency), agency=lead_agency, roles=[Role.PRACTITIONER]
    )
    clock.set(datetime(2027, 1, 12, 11, tzinfo=LONDON))

    panel_services.lead_professional_allocate(actor=manager, case=case, lead_professional=worker)

    support_request.refresh_from_db()
    assert support_request.status == Status.LEAD_PROFESSIONAL_ALLOCATED
    assert (support_request.lead_professional, support_request.lead_agency) == (
        worker,
        lead_agency,
    )


def test_a_referral_logged_for_a_request_already_past_it_is_still_logged(clock, panel):
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    clock.set(datetime(2027, 1, 2, 9, tzinfo=LONDON))
    referral = panel_referral(panel, datetime(2026, 12, 30, 11, tzinfo=LONDON))
    closed = SupportRequestFactory(status=Status.CLOSED, family=referral.family)
    assessment = referral.assessment
    assessment.support_request = closed
    assessment.save(update_fields=["support_request"])

    case = panel_services.panel_case_log(actor=staff, referral=referral)

    assert case.pk is not None
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED
