"""Parts 6 and 7: the meeting (attendance, quorum, decisions, extraordinary decisions) and
after it (notifications, allocation, closure, minutes), through the services and the pages."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments.models import Assessment
from casework import handoff
from casework.models import Episode
from core import clock as core_clock
from core.models import AuditEvent
from core.notify import LoggingBackend
from core.tests.factories import AgencyFactory, TeamFactory
from panel import handoffs, selectors, services
from panel.models import (
    ClosureRequest,
    LeadProfessionalAllocation,
    MeetingAttendance,
    PanelCase,
    PanelCaseHistory,
    PanelDecision,
    PanelMeeting,
    PanelSeat,
)
from panel.tests.factories import demo_panel, panel_referral
from people.models import ChronologyEntry, FamilyMember
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BEFORE_CUTOFF = datetime(2026, 12, 30, 11, 0, tzinfo=LONDON)
M = MeetingAttendance.Role


class Clock:
    """The moment every module sees (time-machine), frozen until ``set`` moves it."""

    def __init__(self, traveller):
        self.traveller = traveller

    def set(self, moment):
        self.traveller.move_to(moment)


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2027, 1, 6, 10, 0, tzinfo=LONDON), tick=False) as traveller:
        yield Clock(traveller)


@pytest.fixture(autouse=True)
def outbox():
    LoggingBackend.outbox.clear()
    yield LoggingBackend.outbox
    LoggingBackend.outbox.clear()


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def chair():
    return UserFactory(roles=[Role.PANEL_CHAIR], first_name="Carol", last_name="Chair")


@pytest.fixture
def deputy():
    return UserFactory(roles=[Role.PANEL_CHAIR], first_name="Dev", last_name="Deputy")


@pytest.fixture
def agencies():
    names = ["Police", "0-19 Health", "School", "Housing", "Youth Justice"]
    return [AgencyFactory(name=name, panel_seat=True) for name in names]


@pytest.fixture
def panel(clock, chair, deputy, agencies):
    clock.set(datetime(2026, 11, 1, 9, tzinfo=LONDON))
    panel = demo_panel(agencies=agencies, chair=chair, deputy=deputy)
    clock.set(datetime(2027, 1, 6, 10, 0, tzinfo=LONDON))
    return panel


def meeting(panel, day):
    return PanelMeeting.objects.get(panel=panel, date=day)


@pytest.fixture
def m1(panel):
    return meeting(panel, date(2027, 1, 6))


@pytest.fixture
def case(panel, staff, clock):
    clock.set(datetime(2027, 1, 2, 9, tzinfo=LONDON))
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    clock.set(datetime(2027, 1, 6, 10, 0, tzinfo=LONDON))
    return case


def seat_members(panel, substitute=False):
    seats = PanelSeat.objects.filter(panel=panel).order_by("pk")
    return [(seat, seat.members.get(is_substitute=substitute).user) for seat in seats]


def make_quorate(panel, meeting, actor, members=4, who="chair"):
    if who:
        user = panel.chair if who == "chair" else panel.deputy
        services.attendance_record_arrival(
            actor=actor, meeting=meeting, user=user, role=M.CHAIR if who == "chair" else M.DEPUTY
        )
    for seat, user in seat_members(panel)[:members]:
        services.attendance_record_arrival(
            actor=actor, meeting=meeting, user=user, role=M.MEMBER, seat=seat
        )


def children_names(case):
    from assessments.presenters import child_name

    return [child_name(c.person) for c in case.referral.assessment.children.all()]


# ---------------------------------------------------------------- quorum


def test_quorum_needs_chair_or_deputy_and_four_distinct_seats(panel, m1, staff):
    q = selectors.meeting_quorum(m1)
    assert not q.is_quorate and q.members_present == 0 and q.needed == 4
    make_quorate(panel, m1, staff, members=3)
    q = selectors.meeting_quorum(m1)
    assert not q.is_quorate and q.chair_present
    assert q.explanation == (
        "Not quorate: the chair or deputy and at least 4 members must be present. 3 members are here."
    )
    # A substitute for a seat already here does not count twice; business support never counts.
    seat, substitute = seat_members(panel, substitute=True)[0]
    services.attendance_record_arrival(
        actor=staff, meeting=m1, user=substitute, role=M.SUBSTITUTE, seat=seat
    )
    services.attendance_record_arrival(actor=staff, meeting=m1, user=staff, role=M.OBSERVER)
    assert selectors.meeting_quorum(m1).members_present == 3
    # A substitute for another seat counts for it: the fourth member arrives.
    seat, substitute = seat_members(panel, substitute=True)[3]
    services.attendance_record_arrival(
        actor=staff, meeting=m1, user=substitute, role=M.SUBSTITUTE, seat=seat
    )
    q = selectors.meeting_quorum(m1)
    assert q.is_quorate and q.members_present == 4
    # The chair leaves: not quorate until the deputy comes.
    services.attendance_record_departure(actor=staff, meeting=m1, user=panel.chair)
    q = selectors.meeting_quorum(m1)
    assert not q.is_quorate and "The chair or deputy is not here" in q.explanation
    services.attendance_record_arrival(actor=staff, meeting=m1, user=panel.deputy, role=M.DEPUTY)
    assert selectors.meeting_quorum(m1).is_quorate
    # Leaving drops a member.
    services.attendance_record_departure(actor=staff, meeting=m1, user=substitute)
    assert not selectors.meeting_quorum(m1).is_quorate


def test_attendance_guards(panel, m1, staff, clock):
    seat, member = seat_members(panel)[0]
    other_seat, _ = seat_members(panel)[1]
    with pytest.raises(ValidationError, match="not a member or substitute"):
        services.attendance_record_arrival(
            actor=staff, meeting=m1, user=member, role=M.MEMBER, seat=other_seat
        )
    with pytest.raises(ValidationError, match="Only the panel's chair"):
        services.attendance_record_arrival(actor=staff, meeting=m1, user=member, role=M.CHAIR)
    with pytest.raises(PermissionDenied):
        services.attendance_record_arrival(
            actor=member, meeting=m1, user=member, role=M.MEMBER, seat=seat
        )
    services.attendance_record_arrival(
        actor=staff, meeting=m1, user=member, role=M.MEMBER, seat=seat
    )
    with pytest.raises(ValidationError, match="already recorded"):
        services.attendance_record_arrival(
            actor=staff, meeting=m1, user=member, role=M.MEMBER, seat=seat
        )
    with pytest.raises(ValidationError, match="not started"):
        services.attendance_record_arrival(
            actor=staff,
            meeting=meeting(panel, date(2027, 1, 20)),
            user=member,
            role=M.MEMBER,
            seat=seat,
        )
    assert AuditEvent.objects.filter(record_type="panel.meetingattendance").count() == 1


# ---------------------------------------------------------------- decisions


def test_decision_refused_while_inquorate_with_the_message(panel, m1, staff, case):
    make_quorate(panel, m1, staff, members=3)
    with pytest.raises(services.Inquorate) as error:
        services.panel_decision_record(
            actor=staff, meeting=m1, case=case, kind="decline", reason="Below threshold"
        )
    assert "3 members are here" in error.value.messages[0]
    case.refresh_from_db()
    assert case.status == PanelCase.Status.LOGGED and not PanelDecision.objects.exists()


@pytest.mark.parametrize("kind", ["decline", "lead_agency"])
def test_a_decision_that_closes_the_case_ends_the_request_behind_it(
    panel, m1, staff, case, agencies, kind
):
    request = SupportRequestFactory(status=SupportRequest.Status.PANEL_REFERRAL)
    Assessment.objects.filter(pk=case.referral.assessment_id).update(support_request=request)
    case.refresh_from_db()
    make_quorate(panel, m1, staff)
    extra = {"lead_agency": agencies[0]} if kind == "lead_agency" else {"reason": "Below threshold"}

    services.panel_decision_record(actor=staff, meeting=m1, case=case, kind=kind, **extra)

    request.refresh_from_db()
    # A lead agency's case goes on (the request follows its allocation); any other decision ends it.
    assert request.status == (
        SupportRequest.Status.PANEL_REFERRAL
        if kind == "lead_agency"
        else SupportRequest.Status.SUPPORT_ENDED
    )


@pytest.mark.parametrize(
    "kind,extra,status",
    [
        (
            "signpost",
            {"signpost_to": "Parenting course at the family hub"},
            PanelCase.Status.CLOSED,
        ),
        ("step_up", {"reason": "Significant harm concerns"}, PanelCase.Status.CLOSED),
        ("decline", {"reason": "Needs are met by school"}, PanelCase.Status.CLOSED),
        ("single_agency", {"handover": "School nurse to take on"}, PanelCase.Status.CLOSED),
        ("lead_agency", {}, PanelCase.Status.DECIDED),
    ],
)
def test_each_decision_kind(
    panel, m1, staff, case, agencies, kind, extra, status, django_capture_on_commit_callbacks
):
    make_quorate(panel, m1, staff)
    if kind in ("lead_agency", "single_agency"):
        extra = {**extra, "lead_agency": agencies[1]}
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.panel_decision_record(
            actor=panel.chair,
            meeting=m1,
            case=case,
            kind=kind,
            discussion="Talked",
            actions="Do",
            **extra,
        )
    case.refresh_from_db()
    assert case.status == status
    history = case.history.filter(change=PanelCaseHistory.Change.STATUS).get()
    assert (history.from_status, history.to_status) == ("logged", status)
    assert AuditEvent.objects.filter(
        record_type="panel.paneldecision", record_id=str(decision.pk)
    ).exists()
    outcome = [m for m in LoggingBackend.outbox if m.template == "panel_outcome"]
    (message,) = outcome
    assert message.to == case.referral.submitted_by.email
    assert message.reference == case.esmap_number
    assert message.personalisation["reference"] == case.esmap_number
    assert message.personalisation["meeting_date"] == "6 January 2027"
    assert message.personalisation["sign_in_url"].endswith(
        reverse("assessments:detail", kwargs={"assessment_id": case.referral.assessment_id})
    )
    text = " ".join(message.personalisation.values())
    for name in children_names(case):
        assert name not in text
        for part in name.split():
            # As a whole word: a Faker name such as "Jan" is inside "January".
            assert not re.search(rf"\b{re.escape(part)}\b", text), (part, text)


def test_missing_details_are_refused(panel, m1, staff, case):
    make_quorate(panel, m1, staff)
    for kind, field in [
        ("decline", "reason"),
        ("step_up", "reason"),
        ("signpost", "signpost_to"),
        ("lead_agency", "lead_agency"),
        ("single_agency", "handover"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.panel_decision_record(actor=staff, meeting=m1, case=case, kind=kind)
        assert field in error.value.message_dict


def test_decision_only_for_runners_and_cases_on_the_agenda(panel, m1, staff, case):
    make_quorate(panel, m1, staff)
    _seat, member = seat_members(panel)[0]
    with pytest.raises(PermissionDenied):
        services.panel_decision_record(
            actor=member, meeting=m1, case=case, kind="decline", reason="x"
        )
    with pytest.raises(ValidationError, match="not started"):
        services.panel_decision_record(
            actor=staff,
            meeting=meeting(panel, date(2027, 1, 20)),
            case=case,
            kind="decline",
            reason="x",
        )
    PanelCase.objects.filter(pk=case.pk).update(status=PanelCase.Status.CLOSED)
    with pytest.raises(ValidationError, match="not waiting"):
        services.panel_decision_record(
            actor=staff, meeting=m1, case=case, kind="decline", reason="x"
        )


def test_lead_agency_notifications_and_team_access(
    panel, m1, staff, case, agencies, django_capture_on_commit_callbacks
):
    from people.models import FamilyTeam

    lead, support, silent = agencies[0], agencies[1], agencies[2]
    family = case.referral.family
    team = TeamFactory(agency=lead, area=family.area)
    manager = UserFactory(team=team, agency=lead, roles=[Role.TEAM_MANAGER])
    support_manager = UserFactory(
        team=TeamFactory(agency=support), agency=support, roles=[Role.TEAM_MANAGER]
    )
    make_quorate(panel, m1, staff)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.panel_decision_record(
            actor=staff,
            meeting=m1,
            case=case,
            kind="lead_agency",
            lead_agency=lead,
            supporting_agencies=[support, silent],
        )
    agency_messages = {
        m.to: m for m in LoggingBackend.outbox if m.template == "referral_for_agency"
    }
    assert set(agency_messages) == {manager.email, support_manager.email}
    assert (
        agency_messages[manager.email]
        .personalisation["sign_in_url"]
        .endswith(reverse("panel:case_allocate", kwargs={"case_id": case.pk}))
    )
    assert set(agency_messages[manager.email].personalisation) == {"reference", "sign_in_url"}
    outcome = next(m for m in LoggingBackend.outbox if m.template == "panel_outcome")
    assert (
        outcome.personalisation["outcome"]
        == f"Lead agency for the Team Around the Family: {lead.name}"
    )
    decision.refresh_from_db()
    assert "School has no team manager" in decision.notification_note
    assert FamilyTeam.objects.filter(family=family, team=team, ended_on__isnull=True).exists()


def test_nothing_sent_if_the_decision_rolls_back(
    panel, m1, staff, case, django_capture_on_commit_callbacks
):
    make_quorate(panel, m1, staff, members=3)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(services.Inquorate):
            services.panel_decision_record(
                actor=staff, meeting=m1, case=case, kind="decline", reason="x"
            )
    assert LoggingBackend.outbox == []


# ---------------------------------------------------------------- extraordinary decisions


def test_extraordinary_decision_listed_at_the_next_meeting(panel, staff, case, clock, agencies):
    clock.set(datetime(2027, 1, 5, 15, tzinfo=LONDON))  # the day before the meeting
    _seat, member = seat_members(panel)[0]
    with pytest.raises(PermissionDenied):
        services.panel_extraordinary_decision_record(
            actor=staff, case=case, kind="step_up", reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.panel_extraordinary_decision_record(
            actor=member, case=case, kind="step_up", reason="x"
        )
    decision = services.panel_extraordinary_decision_record(
        actor=panel.deputy, case=case, kind="step_up", reason="Immediate safeguarding concern"
    )
    assert decision.is_extraordinary and decision.meeting is None
    assert decision.reported_at_meeting.date == date(2027, 1, 6)
    agenda = selectors.agenda_for(meeting(panel, date(2027, 1, 6)))
    assert [s.number for s in agenda] == [1, 2, 3, 4, 5, 6]
    assert agenda[1].cases == []  # no longer a new case
    (row,) = agenda[4].cases
    assert row.esmap_number == case.esmap_number
    assert row.note == "Extraordinary decision by the chair: Step up to children's social care"
    assert agenda[4].text == "Extraordinary decisions since the last meeting"
    assert selectors.agenda_for(meeting(panel, date(2027, 1, 20)))[4].cases is None
    case.refresh_from_db()
    assert case.status == PanelCase.Status.CLOSED


# ---------------------------------------------------------------- the whole story


def test_minutes_count_the_chair_as_their_agencys_attendance(panel, m1, staff, agencies):
    """The chair sits without a seat; the minutes must not list their agency's seat under
    apologies while also saying the chair came."""
    youth_justice = agencies[4]
    panel.chair.agency = youth_justice
    panel.chair.save(update_fields=["agency"])
    make_quorate(panel, m1, staff, members=4)

    minutes = selectors.minutes_for(m1)

    assert {"name": "Carol Chair", "role": "Chair", "agency": "Youth Justice"} in minutes.present
    assert minutes.apologies == []


def test_meeting_to_closure(
    panel, m1, staff, case, agencies, clock, django_capture_on_commit_callbacks
):
    """Inquorate until the fourth member arrives; decision; referrer told; allocation takes the
    case off the agenda once reported; closure at the next panel."""
    lead = agencies[0]
    team = TeamFactory(agency=lead, area=case.referral.family.area)
    manager = UserFactory(team=team, agency=lead, roles=[Role.TEAM_MANAGER])
    worker = UserFactory(team=TeamFactory(agency=lead), agency=lead, roles=[Role.PRACTITIONER])
    make_quorate(panel, m1, staff, members=3)
    with pytest.raises(services.Inquorate, match="3 members are here"):
        services.panel_decision_record(
            actor=staff, meeting=m1, case=case, kind="lead_agency", lead_agency=lead
        )
    seat, fourth = seat_members(panel)[3]
    services.attendance_record_arrival(
        actor=staff, meeting=m1, user=fourth, role=M.MEMBER, seat=seat
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.panel_decision_record(
            actor=staff,
            meeting=m1,
            case=case,
            kind="lead_agency",
            lead_agency=lead,
            discussion="Known to police",
            actions="Police to allocate",
        )
    assert [m.template for m in LoggingBackend.outbox] == ["panel_outcome", "referral_for_agency"]
    m2, m3 = meeting(panel, date(2027, 1, 20)), meeting(panel, date(2027, 2, 3))
    (row,) = selectors.agenda_for(m2)[2].cases
    assert row.case.pk == case.pk and "waiting for a lead professional" in row.note

    # Minutes of the first meeting.
    minutes = selectors.minutes_for(m1)
    assert [d.case_id for d in minutes.decisions] == [case.pk]
    assert minutes.apologies == ["Youth Justice"]
    assert {p["name"] for p in minutes.present} >= {
        panel.chair.get_full_name(),
        fourth.get_full_name(),
    }

    # The lead agency allocates (a member of another agency cannot).
    clock.set(datetime(2027, 1, 12, 11, tzinfo=LONDON))
    with pytest.raises(PermissionDenied):
        services.lead_professional_allocate(
            actor=UserFactory(agency=agencies[1]), case=case, lead_professional=worker
        )
    with pytest.raises(ValidationError):
        services.lead_professional_allocate(
            actor=manager, case=case, lead_professional=UserFactory(agency=agencies[1])
        )
    services.lead_professional_allocate(actor=manager, case=case, lead_professional=worker)
    case.refresh_from_db()
    assert case.status == PanelCase.Status.ALLOCATED
    from people.models import FamilyTeam

    assert FamilyTeam.objects.filter(family=case.referral.family, team=worker.team).exists()
    (row,) = selectors.agenda_for(m2)[2].cases
    assert "lead professional allocated" in row.note
    assert selectors.agenda_for(m3)[2].cases == []  # reported at m2: it has left the agenda

    # Closure: only the lead professional; on the next agenda under "Cases closed".
    clock.set(datetime(2027, 1, 25, 11, tzinfo=LONDON))
    with pytest.raises(PermissionDenied):
        services.closure_request_submit(actor=manager, case=case, summary="Done")
    closure = services.closure_request_submit(
        actor=worker, case=case, summary="TAF agreed the work is done"
    )
    assert closure.meeting == m3
    (row,) = selectors.agenda_for(m3)[3].cases
    assert row.case.pk == case.pk

    # At m3: returned with a reason, then sent again and confirmed.
    clock.set(datetime(2027, 2, 3, 10, tzinfo=LONDON))
    with pytest.raises(services.Inquorate):
        services.closure_confirm(actor=panel.chair, closure=closure)
    make_quorate(panel, m3, staff)
    with pytest.raises(PermissionDenied):
        services.closure_confirm(actor=staff, closure=closure)
    with django_capture_on_commit_callbacks(execute=True):
        services.closure_return(
            actor=panel.chair, closure=closure, reason="School attendance still low"
        )
    returned = LoggingBackend.outbox[-1]
    assert returned.template == "closure_returned" and returned.to == worker.email
    assert set(returned.personalisation) == {"reference", "sign_in_url"}
    case.refresh_from_db()
    assert case.status == PanelCase.Status.ALLOCATED
    assert case.history.last().reason == "Closure returned: School attendance still low"
    again = services.closure_request_submit(actor=worker, case=case, summary="Attendance now 96%")
    assert again.meeting.date == date(2027, 2, 17)
    clock.set(datetime(2027, 2, 17, 10, tzinfo=LONDON))
    m4 = again.meeting
    make_quorate(panel, m4, staff, who="deputy")
    services.closure_confirm(actor=panel.deputy, closure=again)
    case.refresh_from_db()
    assert case.status == PanelCase.Status.CLOSED
    assert ClosureRequest.objects.get(pk=again.pk).status == ClosureRequest.Status.CONFIRMED
    statuses = [(h.from_status, h.to_status) for h in case.history.filter(change="status")]
    assert statuses == [
        ("logged", "decided"),
        ("decided", "allocated"),
        ("allocated", "closure_requested"),
        ("closure_requested", "allocated"),
        ("allocated", "closure_requested"),
        ("closure_requested", "closed"),
    ]
    minutes = selectors.minutes_for(m3)
    assert [(c.case_id, c.status) for c in minutes.closures] == [(case.pk, "returned")]


# ---------------------------------------------------------------- pages and permissions


def _client(user):
    from django.test import Client

    return sign_in_verified(Client(), user)


def _kw(m):
    return {"panel_id": m.panel_id, "meeting_id": m.pk}


def test_pages_run_the_meeting(panel, m1, staff, case, agencies):
    PanelMeeting.objects.filter(pk=m1.pk).update(pack_published_at=core_clock.now())
    client = _client(staff)
    page = client.get(reverse("panel:meeting_detail", kwargs=_kw(m1)))
    assert page.status_code == 200
    assert b"Run the meeting" in page.content and b'data-quorum="inquorate"' in page.content
    url = reverse("panel:meeting_attendance", kwargs=_kw(m1))
    assert (
        client.post(
            url, {"user_id": panel.chair.pk, "role": "chair", "change": "arrived"}
        ).status_code
        == 302
    )
    for seat, user in seat_members(panel)[:3]:
        client.post(
            url, {"user_id": user.pk, "role": "member", "seat_id": seat.pk, "change": "arrived"}
        )
    decide = reverse("panel:case_decision", kwargs={**_kw(m1), "case_id": case.pk})
    response = client.post(
        decide, {"kind": "decline", "reason": "Below threshold", "discussion": "Kept text"}
    )
    assert response.status_code == 200
    assert b"3 members are here" in response.content
    assert b"Kept text" in response.content  # typed values kept
    seat, user = seat_members(panel)[3]
    client.post(
        url, {"user_id": user.pk, "role": "member", "seat_id": seat.pk, "change": "arrived"}
    )
    response = client.post(decide, {"kind": "lead_agency"})
    assert b"Select the lead agency" in response.content
    response = client.post(
        decide,
        {
            "kind": "lead_agency",
            "lead_agency": agencies[0].pk,
            "supporting_agencies": [agencies[1].pk],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == PanelCase.Status.DECIDED
    minutes = client.get(reverse("panel:meeting_minutes", kwargs=_kw(m1)))
    assert minutes.status_code == 200 and case.esmap_number.encode() in minutes.content
    assert AuditEvent.objects.filter(detail__page="minutes").exists()


def test_members_403_other_panels_404(panel, m1, staff, case, agencies, chair):
    PanelMeeting.objects.filter(pk=m1.pk).update(pack_published_at=core_clock.now())
    _seat, member = seat_members(panel)[0]
    outsider = UserFactory(roles=[Role.PANEL_MEMBER])
    urls = [
        (
            "post",
            reverse("panel:meeting_attendance", kwargs=_kw(m1)),
            {"user_id": member.pk, "change": "arrived", "role": "member"},
        ),
        (
            "post",
            reverse("panel:case_decision", kwargs={**_kw(m1), "case_id": case.pk}),
            {"kind": "decline", "reason": "x"},
        ),
        (
            "post",
            reverse("panel:case_extraordinary", kwargs={"case_id": case.pk}),
            {"kind": "decline", "reason": "x"},
        ),
        ("get", reverse("panel:case_allocate", kwargs={"case_id": case.pk}), {}),
        ("get", reverse("panel:case_closure", kwargs={"case_id": case.pk}), {}),
    ]
    for method, url, data in urls:
        assert getattr(_client(member), method)(url, data).status_code == 403, url
        assert getattr(_client(outsider), method)(url, data).status_code == 404, url
    assert not MeetingAttendance.objects.exists() and not PanelDecision.objects.exists()
    # A member sees the minutes on the meeting's day, like the pack.
    assert _client(member).get(reverse("panel:meeting_minutes", kwargs=_kw(m1))).status_code == 200
    assert (
        _client(outsider).get(reverse("panel:meeting_minutes", kwargs=_kw(m1))).status_code == 404
    )
    # The chair may make an extraordinary decision through the page.
    response = _client(chair).post(
        reverse("panel:case_extraordinary", kwargs={"case_id": case.pk}), {"kind": "decline"}
    )
    assert b"Enter why the referral is declined" in response.content


# ---------------------------------------------------------------- the API


def test_api_meeting_through_the_services(
    panel, m1, staff, case, agencies, django_capture_on_commit_callbacks
):
    PanelMeeting.objects.filter(pk=m1.pk).update(pack_published_at=core_clock.now())
    client = _client(staff)
    base = f"/api/v1/panel-meetings/{m1.pk}"
    response = client.post(
        f"{base}/attendance/",
        {"user": panel.chair.pk, "change": "arrived", "role": "chair"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["chair_present"] is True
    for seat, user in seat_members(panel)[:3]:
        client.post(
            f"{base}/attendance/",
            {"user": user.pk, "change": "arrived", "role": "member", "seat": seat.pk},
            content_type="application/json",
        )
    body = {"case": case.pk, "kind": "lead_agency", "lead_agency": agencies[0].pk}
    response = client.post(f"{base}/decisions/", body, content_type="application/json")
    # Inquorate is a state of the meeting, not a fault in the body: 409, saying why.
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Not quorate: the chair or deputy and at least 4 members must be present. "
        "3 members are here."
    }
    seat, user = seat_members(panel)[3]
    client.post(
        f"{base}/attendance/",
        {"user": user.pk, "change": "arrived", "role": "member", "seat": seat.pk},
        content_type="application/json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/decisions/", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["case_status"] == "decided"
    assert [m.template for m in LoggingBackend.outbox] == ["panel_outcome"]
    minutes = client.get(f"{base}/minutes/").json()
    assert minutes["decisions"][0]["esmap_number"] == case.esmap_number
    _seat, member = seat_members(panel)[0]
    assert (
        _client(member)
        .post(f"{base}/decisions/", body, content_type="application/json")
        .status_code
        == 403
    )
    outsider = UserFactory(roles=[Role.PANEL_MEMBER])
    assert (
        _client(outsider)
        .post(f"{base}/decisions/", body, content_type="application/json")
        .status_code
        == 404
    )
    worker = UserFactory(agency=agencies[0], roles=[Role.PRACTITIONER])
    response = _client(staff).post(
        f"/api/v1/panel-cases/{case.pk}/allocation/",
        {"lead_professional": worker.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    # The closure form is the episode's (one closure route, ADR 0016): the panel's API has none.
    assert (
        _client(worker)
        .post(f"/api/v1/panel-cases/{case.pk}/closure/", {}, content_type="application/json")
        .status_code
        == 404
    )
    episode = case.episodes.get()
    contact = {"happened_on": str(episode.started_on), "contact_kind": "home_visit"}
    assert (
        _client(worker)
        .post(f"/api/v1/episodes/{episode.pk}/contacts/", contact, content_type="application/json")
        .status_code
        == 201
    )
    closure = {"reason": "needs_met", "outcomes_achieved": "Done", "exit_plan": "School"}
    response = _client(worker).post(
        f"/api/v1/episodes/{episode.pk}/closure/", closure, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["episode_status"] == "closure_requested"
    assert ClosureRequest.objects.get(case=case).meeting == meeting(panel, date(2027, 1, 20))


def test_allocation_and_closure_pages(panel, m1, staff, case, agencies):
    make_quorate(panel, m1, staff)
    services.panel_decision_record(
        actor=staff, meeting=m1, case=case, kind="lead_agency", lead_agency=agencies[0]
    )
    manager = UserFactory(agency=agencies[0], roles=[Role.TEAM_MANAGER])
    worker = UserFactory(
        agency=agencies[0], roles=[Role.LEAD_PROFESSIONAL], first_name="Lena", last_name="Lead"
    )
    url = reverse("panel:case_allocate", kwargs={"case_id": case.pk})
    client = _client(manager)
    page = client.get(url)
    assert page.status_code == 200 and b"Lena Lead" in page.content
    assert b"Select the lead professional" in client.post(url, {}).content
    assert client.post(url, {"lead_professional": worker.pk}).status_code == 302
    overview = client.get(reverse("panel:case_overview", kwargs={"case_id": case.pk}))
    assert overview.status_code == 200 and b"Lead professional allocated" in overview.content
    # The panel's closure link (in its messages) leads the lead professional to the episode,
    # where the one closure form is (ADR 0016); it has no form of its own.
    closure_url = reverse("panel:case_closure", kwargs={"case_id": case.pk})
    assert client.get(closure_url).status_code == 403
    lead_client = _client(worker)
    episode = case.episodes.get()
    episode_url = reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})
    response = lead_client.get(closure_url)
    assert (response.status_code, response["Location"]) == (302, episode_url)
    assert lead_client.post(closure_url, {"summary": "TAF agreed"}).status_code == 405
    assert (
        episode_url.encode()
        in lead_client.get(reverse("panel:case_overview", kwargs={"case_id": case.pk})).content
    )
    services.closure_request_submit(actor=worker, case=case, summary="TAF agreed")
    closure = ClosureRequest.objects.get(case=case)
    m2 = closure.meeting
    page = _client(panel.chair).get(
        reverse("panel:closure_decide", kwargs={**_kw(m2), "closure_id": closure.pk})
    )
    assert page.status_code == 200 and b"TAF agreed" in page.content


# ---------------------------------------------------------------- members do not run the meeting

RUNNER_ONLY = "Only the chair, the deputy or business support can run the meeting"
CHAIR_ONLY = "Only the panel's chair or deputy can do this"


@pytest.fixture
def closing(panel, m1, staff, case, agencies, clock):
    """A case decided at the first meeting, allocated, and its closure waiting at the second,
    which is under way and quorate, with the seat's member present."""
    make_quorate(panel, m1, staff)
    services.panel_decision_record(
        actor=staff, meeting=m1, case=case, kind="lead_agency", lead_agency=agencies[0]
    )
    worker = UserFactory(agency=agencies[0], roles=[Role.LEAD_PROFESSIONAL])
    services.lead_professional_allocate(actor=staff, case=case, lead_professional=worker)
    clock.set(datetime(2027, 1, 12, 11, tzinfo=LONDON))
    closure = services.closure_request_submit(
        actor=worker, case=case, summary="TAF agreed the work is done"
    )
    m2 = closure.meeting
    clock.set(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    PanelMeeting.objects.filter(pk=m2.pk).update(pack_published_at=core_clock.now())
    make_quorate(panel, m2, staff)
    return closure


def _written(case):
    return (
        MeetingAttendance.objects.count(),
        PanelDecision.objects.count(),
        PanelCaseHistory.objects.filter(case=case).count(),
        list(ClosureRequest.objects.values_list("pk", "status")),
        PanelCase.objects.get(pk=case.pk).status,
        AuditEvent.objects.filter(record_type__startswith="panel.").exclude(action="view").count(),
    )


def test_a_seat_member_is_refused_every_meeting_running_service(
    panel, m1, staff, case, agencies, closing
):
    seat, member = seat_members(panel)[0]
    assert member.has_role(Role.PANEL_MEMBER)
    m2 = closing.meeting
    before = _written(case)
    calls = [
        (
            RUNNER_ONLY,
            lambda: services.attendance_record_arrival(
                actor=member,
                meeting=m2,
                user=seat_members(panel)[4][1],
                role=M.MEMBER,
                seat=seat_members(panel)[4][0],
            ),
        ),
        (
            RUNNER_ONLY,
            lambda: services.attendance_record_departure(
                actor=member, meeting=m2, user=panel.chair
            ),
        ),
        (
            RUNNER_ONLY,
            lambda: services.panel_decision_record(
                actor=member, meeting=m2, case=case, kind="lead_agency", lead_agency=agencies[1]
            ),
        ),
        (
            CHAIR_ONLY,
            lambda: services.panel_extraordinary_decision_record(
                actor=member, case=case, kind="lead_agency", lead_agency=agencies[1]
            ),
        ),
        (CHAIR_ONLY, lambda: services.closure_confirm(actor=member, closure=closing)),
        (
            CHAIR_ONLY,
            lambda: services.closure_return(actor=member, closure=closing, reason="Not yet"),
        ),
    ]
    for message, call in calls:
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert str(refused.value) == message
    assert _written(case) == before


def test_a_seat_member_gets_403_on_every_meeting_running_page(
    panel, m1, staff, case, agencies, closing
):
    seat, member = seat_members(panel)[0]
    m2 = closing.meeting
    before = _written(case)
    client = _client(member)
    page = client.get(reverse("panel:meeting_detail", kwargs=_kw(m2)))
    assert page.status_code == 200 and b"Run the meeting" not in page.content
    attendance = reverse("panel:meeting_attendance", kwargs=_kw(m2))
    closure = reverse("panel:closure_decide", kwargs={**_kw(m2), "closure_id": closing.pk})
    requests = [
        ("post", attendance, {"user_id": panel.chair.pk, "change": "left"}),
        ("post", attendance, {"user_id": member.pk, "change": "arrived", "role": "chair"}),
        ("get", closure, {}),
        ("post", closure, {"change": "confirm"}),
        ("post", closure, {"change": "return", "reason": "Not yet"}),
        (
            "post",
            reverse("panel:case_extraordinary", kwargs={"case_id": case.pk}),
            {"kind": "decline", "reason": "x"},
        ),
    ]
    for method, url, data in requests:
        assert getattr(client, method)(url, data).status_code == 403, (method, url, data)
    assert _written(case) == before


def test_a_seat_member_gets_403_on_the_decision_page(panel, m1, staff, case):
    _seat, member = seat_members(panel)[0]
    make_quorate(panel, m1, staff)
    before = _written(case)
    client = _client(member)
    url = reverse("panel:case_decision", kwargs={**_kw(m1), "case_id": case.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "decline", "reason": "Below threshold"}).status_code == 403
    assert _written(case) == before


def test_a_seat_member_gets_403_on_every_meeting_running_api_call(
    panel, m1, staff, case, agencies, closing
):
    seat, member = seat_members(panel)[0]
    m2 = closing.meeting
    before = _written(case)
    client = _client(member)
    base = f"/api/v1/panel-meetings/{m2.pk}"
    requests = [
        ("post", f"{base}/attendance/", {"user": panel.chair.pk, "change": "left"}, RUNNER_ONLY),
        ("get", f"{base}/quorum/", None, RUNNER_ONLY),
        (
            "post",
            f"{base}/decisions/",
            {"case": case.pk, "kind": "decline", "reason": "x"},
            RUNNER_ONLY,
        ),
        (
            "post",
            f"/api/v1/panel-cases/{case.pk}/extraordinary-decision/",
            {"kind": "decline", "reason": "x"},
            CHAIR_ONLY,
        ),
        (
            "post",
            f"/api/v1/panel-cases/{case.pk}/closure-decision/",
            {"change": "confirm"},
            CHAIR_ONLY,
        ),
        (
            "post",
            f"/api/v1/panel-cases/{case.pk}/closure-decision/",
            {"change": "return", "reason": "x"},
            CHAIR_ONLY,
        ),
    ]
    for method, url, body, message in requests:
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, body, content_type="application/json")
        assert response.status_code == 403, (url, response.content)
        assert response.json()["detail"] == message
    assert _written(case) == before


# ---------------------------------------------------------------- the hand-off to casework
# (panel.handoffs; casework.handoff is the receiver registered when casework is ready)


class Recorder:
    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    def _record(self, name, **kwargs):
        self.calls.append((name, kwargs))
        if self.fail:
            raise RuntimeError("casework could not react")

    def case_allocated(self, **kwargs):
        self._record("case_allocated", **kwargs)

    def closure_confirmed(self, **kwargs):
        self._record("closure_confirmed", **kwargs)

    def closure_returned(self, **kwargs):
        self._record("closure_returned", **kwargs)


@pytest.fixture
def decided_case(panel, m1, staff, case, agencies):
    make_quorate(panel, m1, staff)
    services.panel_decision_record(
        actor=staff, meeting=m1, case=case, kind="lead_agency", lead_agency=agencies[0]
    )
    return case


@pytest.fixture
def worker(agencies):
    return UserFactory(agency=agencies[0], roles=[Role.LEAD_PROFESSIONAL])


def test_allocation_hands_the_case_to_the_receiver_once(
    monkeypatch, decided_case, staff, worker, agencies
):
    recorder = Recorder()
    monkeypatch.setattr(handoffs, "_receiver", recorder)

    services.lead_professional_allocate(actor=staff, case=decided_case, lead_professional=worker)

    ((name, kwargs),) = recorder.calls
    assert name == "case_allocated"
    assert kwargs == {
        "actor": staff,
        "case": kwargs["case"],
        "lead_professional": worker,
        "lead_agency": agencies[0],
    }
    assert (
        kwargs["case"].pk == decided_case.pk and kwargs["case"].status == PanelCase.Status.ALLOCATED
    )


def test_if_casework_cannot_react_the_allocation_rolls_back(
    monkeypatch, decided_case, staff, worker
):
    monkeypatch.setattr(handoffs, "_receiver", Recorder(fail=True))

    with pytest.raises(RuntimeError, match="casework could not react"):
        services.lead_professional_allocate(
            actor=staff, case=decided_case, lead_professional=worker
        )

    assert PanelCase.objects.get(pk=decided_case.pk).status == PanelCase.Status.DECIDED
    assert not LeadProfessionalAllocation.objects.exists()


def test_casework_opens_the_familys_episode_on_allocation(decided_case, staff, worker, agencies):
    services.lead_professional_allocate(actor=staff, case=decided_case, lead_professional=worker)

    episode = Episode.objects.get(panel_case=decided_case)
    assert (episode.family_id, episode.lead_professional, episode.lead_agency, episode.status) == (
        decided_case.referral.family_id,
        worker,
        agencies[0],
        Episode.Status.OPEN,
    )


def test_a_closure_on_a_case_without_an_episode_changes_nothing_in_casework(decided_case, staff):
    handoff.closure_confirmed(actor=staff, case=decided_case)
    handoff.closure_returned(actor=staff, case=decided_case, reason="Not yet")
    assert not Episode.objects.exists()


# ---------------------------------------------------------------- the children's chronology


def _children_of_case(case):
    return {m.person_id for m in case.referral.family.members.filter(role=FamilyMember.Role.CHILD)}


def _chronology_entries(event):
    return list(ChronologyEntry.objects.filter(event=event).order_by("person_id"))


def test_decision_allocation_episode_and_closure_are_on_each_childs_chronology(
    panel, m1, staff, case, agencies, clock
):
    lead = agencies[0]
    manager = UserFactory(
        team=TeamFactory(agency=lead, area=case.referral.family.area),
        agency=lead,
        roles=[Role.TEAM_MANAGER],
    )
    worker = UserFactory(team=TeamFactory(agency=lead), agency=lead, roles=[Role.PRACTITIONER])
    children = _children_of_case(case)
    assert children

    make_quorate(panel, m1, staff)
    services.panel_decision_record(
        actor=staff, meeting=m1, case=case, kind="lead_agency", lead_agency=lead
    )
    decided = _chronology_entries("panel_decision")
    assert {e.person_id for e in decided} == children
    assert {e.summary for e in decided} == {
        "Panel decided: Lead agency for the Team Around the Family: Police"
    }
    case_url = reverse("panel:case_overview", kwargs={"case_id": case.pk})
    assert {(e.record_type, e.record_id, e.link.url) for e in decided} == {
        ("panel_case", str(case.pk), case_url)
    }
    assert decided[0].link.text == "View the panel case" and decided[0].is_system

    clock.set(datetime(2027, 1, 12, 11, tzinfo=LONDON))
    services.lead_professional_allocate(actor=manager, case=case, lead_professional=worker)
    allocated = _chronology_entries("lead_professional_allocated")
    assert {e.person_id for e in allocated} == children
    assert {e.summary for e in allocated} == {"Lead professional allocated: Police"}
    episode = Episode.objects.get(panel_case=case)
    opened = _chronology_entries("episode_opened")
    assert {e.person_id for e in opened} == children
    assert {(e.summary, e.record_type, e.record_id) for e in opened} == {
        ("Early help episode opened, led by Police", "episode", str(episode.pk))
    }

    clock.set(datetime(2027, 1, 25, 11, tzinfo=LONDON))
    closure = services.closure_request_submit(actor=worker, case=case, summary="Work done")
    clock.set(datetime(2027, 2, 3, 10, tzinfo=LONDON))
    m3 = meeting(panel, closure.meeting.date)
    make_quorate(panel, m3, staff)
    services.closure_confirm(actor=panel.chair, closure=closure)
    closed = _chronology_entries("episode_closed")
    assert {e.person_id for e in closed} == children
    assert {(e.record_type, e.record_id) for e in closed} == {("episode", str(episode.pk))}
    assert closed[0].summary.startswith("Early help episode closed")
