"""The panel's part of the work tray: each section lists the work for the people who must do it,
links to the page where it is done, and goes when the work is done (driven through the services)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core import worktray
from core.models import AuditEvent, OutboundMessage
from core.tests.factories import AgencyFactory, CouncilFactory, TeamFactory
from panel import services
from panel.models import (
    ClosureRequest,
    MeetingAttendance,
    PanelCase,
    PanelDecision,
    PanelMeeting,
    PanelSeat,
    PanelSeatMember,
)
from panel.tests.factories import demo_panel, panel_referral
from panel.tray import tray

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BEFORE_CUTOFF = datetime(2026, 12, 30, 11, 0, tzinfo=LONDON)
M = MeetingAttendance.Role
PACK_TITLE = "Early Support Multi-Agency Panel"


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2027, 1, 2, 9, tzinfo=LONDON), tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def agencies():
    names = ["Police", "0-19 Health", "School", "Housing", "Youth Justice"]
    return [AgencyFactory(name=name, panel_seat=True) for name in names]


def _panel(clock, agencies, council=None):
    clock.move_to(datetime(2026, 11, 1, 9, tzinfo=LONDON))
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    deputy = UserFactory(roles=[Role.PANEL_CHAIR])
    panel = demo_panel(council=council, agencies=agencies, chair=chair, deputy=deputy)
    clock.move_to(datetime(2027, 1, 2, 9, tzinfo=LONDON))
    return panel


@pytest.fixture
def panel(clock, agencies):
    return _panel(clock, agencies)


@pytest.fixture
def other_panel(clock):
    """Another council's panel, with its own chair and seats."""
    council = CouncilFactory(code="othershire", name="Othershire Council")
    return _panel(clock, [AgencyFactory(name="Other police", panel_seat=True)], council)


def meeting(panel, day):
    return PanelMeeting.objects.get(panel=panel, date=day)


@pytest.fixture
def m1(panel):
    return meeting(panel, date(2027, 1, 6))


def seat_member(panel, agency_name, substitute=False):
    return PanelSeatMember.objects.get(
        seat__panel=panel, seat__agency__name=agency_name, is_substitute=substitute
    ).user


def _log(staff, panel):
    return services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))


@pytest.fixture
def case(panel, staff):
    return _log(staff, panel)


def make_quorate(panel, meeting, actor):
    services.attendance_record_arrival(actor=actor, meeting=meeting, user=panel.chair, role=M.CHAIR)
    for seat in PanelSeat.objects.filter(panel=panel).order_by("pk")[:4]:
        user = seat.members.get(is_substitute=False).user
        services.attendance_record_arrival(
            actor=actor, meeting=meeting, user=user, role=M.MEMBER, seat=seat
        )


def shown(user) -> dict:
    """The panel's sections with work in them, by key (an empty one is never shown)."""
    return {section.key: section for section in tray(user) if section.count}


def home_page(user):
    page = sign_in_verified(Client(), user).get(reverse("core:home"))
    assert page.status_code == 200
    return page.content.decode()


def kw(meeting):
    return {"panel_id": meeting.panel_id, "meeting_id": meeting.pk}


# ---------------------------------------------------------------- referrals to log


def test_a_referral_waits_in_intake_staffs_tray_until_it_is_logged(panel, staff):
    referral = panel_referral(panel, BEFORE_CUTOFF)
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])

    for user in (staff, leader):
        section = shown(user)["referrals_to_log"]
        assert (section.title, section.count, section.more_url) == (
            "Referrals to log",
            1,
            reverse("panel:inbox"),
        )
        (item,) = section.items
        assert (item.text, item.url, item.hint) == (
            referral.family.reference,
            reverse("panel:inbox"),
            "Received 30 December 2026",
        )
    page = home_page(staff)
    assert 'id="tray-referrals_to_log"' in page and f'href="{reverse("panel:inbox")}"' in page

    services.panel_case_log(actor=staff, referral=referral)

    assert "referrals_to_log" not in shown(staff)
    assert "referrals_to_log" not in shown(leader)


def test_referrals_to_log_are_not_in_anyone_elses_tray(panel):
    panel_referral(panel, BEFORE_CUTOFF)

    for user in (
        UserFactory(roles=[Role.PRACTITIONER]),
        UserFactory(roles=[Role.TEAM_MANAGER]),
        panel.chair,
        seat_member(panel, "Police"),
        UserFactory(roles=[Role.BUSINESS_SUPPORT], is_active=False),
    ):
        assert "referrals_to_log" not in shown(user)


def test_the_tray_writes_no_audit_row(panel, staff):
    panel_referral(panel, BEFORE_CUTOFF)
    before = AuditEvent.objects.count()

    assert shown(staff)["referrals_to_log"].count == 1
    assert AuditEvent.objects.count() == before


# ---------------------------------------------------------------- packs and responses


def test_a_published_pack_waits_for_its_members_and_chair_until_the_meeting(
    panel, other_panel, staff, m1, case, clock
):
    member = seat_member(panel, "Police")
    assert "packs_to_read" not in shown(member)  # not published yet

    clock.move_to(datetime(2027, 1, 4, 9, tzinfo=LONDON))
    services.meeting_publish_pack(actor=staff, meeting=m1)

    pack_url = reverse("panel:meeting_pack", kwargs=kw(m1))
    section = shown(member)["packs_to_read"]
    assert (section.key, section.title, section.count) == (
        "packs_to_read",
        "Panel packs to read",
        1,
    )
    (item,) = section.items
    assert (item.text, item.url, item.hint, item.due) == (
        f"{PACK_TITLE}, 6 January 2027",
        pack_url,
        "1 response still owed from Police",
        date(2027, 1, 6),
    )
    for chair in (panel.chair, panel.deputy):
        (item,) = shown(chair)["packs_to_read"].items
        assert (item.url, item.hint) == (pack_url, "Published 4 January 2027")
    page = home_page(member)
    assert 'id="tray-packs_to_read"' in page and f'href="{pack_url}"' in page

    services.agency_response_record(
        actor=member,
        case=case,
        seat=PanelSeat.objects.get(panel=panel, agency__name="Police"),
        known=False,
    )
    (item,) = shown(member)["packs_to_read"].items
    assert item.hint == "Every response from Police is in"

    # Business support publish the pack but do not read it as a member; another panel's
    # member and chair have no part in it.
    for user in (staff, seat_member(other_panel, "Other police"), other_panel.chair):
        assert "packs_to_read" not in shown(user)

    clock.move_to(datetime(2027, 1, 7, 9, tzinfo=LONDON))
    assert "packs_to_read" not in shown(member)
    assert "packs_to_read" not in shown(panel.chair)


def test_a_pack_leaves_its_readers_tray_once_the_meeting_is_held(panel, staff, m1, case, clock):
    from panel.services import scheduled

    clock.move_to(datetime(2027, 1, 4, 9, tzinfo=LONDON))
    services.meeting_publish_pack(actor=staff, meeting=m1)
    member = seat_member(panel, "Police")
    readers = (member, seat_member(panel, "Police", True), panel.chair, panel.deputy)

    # On the day the pack is still read, at the meeting itself.
    clock.move_to(datetime(2027, 1, 6, 9, 30, tzinfo=LONDON))
    for reader in readers:
        assert "packs_to_read" in shown(reader)
    make_quorate(panel, m1, staff)

    # The night after, the schedule marks the meeting held (attendance was recorded): the pack
    # has left every reader's tray and home page.
    clock.move_to(datetime(2027, 1, 7, 1, tzinfo=LONDON))
    scheduled.meetings_settle_past(today=date(2027, 1, 7))
    m1.refresh_from_db()
    assert m1.status == PanelMeeting.Status.HELD
    for reader in readers:
        assert "packs_to_read" not in shown(reader)
    assert 'id="tray-packs_to_read"' not in home_page(member)


def test_a_response_is_owed_by_the_seat_until_it_is_recorded(
    panel, other_panel, staff, m1, case, clock
):
    clock.move_to(datetime(2027, 1, 4, 9, tzinfo=LONDON))
    member, substitute = seat_member(panel, "Police"), seat_member(panel, "Police", True)
    school = seat_member(panel, "School")
    assert "responses_owed" not in shown(member)  # the pack is not published yet
    services.meeting_publish_pack(actor=staff, meeting=m1)

    url = reverse("panel:case_response", kwargs={**kw(m1), "case_id": case.pk})
    for user in (member, substitute, school):
        section = shown(user)["responses_owed"]
        assert (section.title, section.count) == ("Agency responses still owed", 1)
        (item,) = section.items
        assert (item.text, item.url, item.hint) == (
            case.esmap_number,
            url,
            f"Due 6 January 2027, {PACK_TITLE}",
        )
    page = home_page(substitute)
    assert 'id="tray-responses_owed"' in page and f'href="{url}"' in page

    services.agency_response_record(
        actor=substitute,
        case=case,
        seat=PanelSeat.objects.get(panel=panel, agency__name="Police"),
        known=True,
        information="Known to the neighbourhood team",
    )

    # One answer for the seat: its member and substitute owe nothing; the school still does.
    assert "responses_owed" not in shown(member)
    assert "responses_owed" not in shown(substitute)
    assert shown(school)["responses_owed"].count == 1
    for user in (staff, panel.chair, seat_member(other_panel, "Other police")):
        assert "responses_owed" not in shown(user)


# ---------------------------------------------------------------- after the decision


@pytest.fixture
def decided(panel, staff, m1, case, agencies, clock):
    clock.move_to(datetime(2027, 1, 6, 10, tzinfo=LONDON))
    make_quorate(panel, m1, staff)
    services.panel_decision_record(
        actor=staff, meeting=m1, case=case, kind="lead_agency", lead_agency=agencies[0]
    )
    return case


def test_a_decided_case_waits_for_the_lead_agencys_team_manager_until_allocated(
    decided, staff, agencies
):
    police = agencies[0]
    manager = UserFactory(team=TeamFactory(agency=police), roles=[Role.TEAM_MANAGER])
    worker = UserFactory(team=TeamFactory(agency=police), roles=[Role.LEAD_PROFESSIONAL])

    section = shown(manager)["cases_to_allocate"]
    url = reverse("panel:case_allocate", kwargs={"case_id": decided.pk})
    assert (section.key, section.title, section.count) == (
        "cases_to_allocate",
        "Cases to allocate",
        1,
    )
    (item,) = section.items
    assert (item.text, item.url, item.hint) == (
        decided.esmap_number,
        url,
        "Lead agency decided 6 January 2027",
    )
    page = home_page(manager)
    assert 'id="tray-cases_to_allocate"' in page and f'href="{url}"' in page

    other_manager = UserFactory(team=TeamFactory(agency=agencies[1]), roles=[Role.TEAM_MANAGER])
    for user in (worker, other_manager, staff):
        assert "cases_to_allocate" not in shown(user)

    services.lead_professional_allocate(actor=manager, case=decided, lead_professional=worker)

    assert "cases_to_allocate" not in shown(manager)


@pytest.fixture
def closure(decided, staff, agencies, clock):
    worker = UserFactory(team=TeamFactory(agency=agencies[0]), roles=[Role.LEAD_PROFESSIONAL])
    services.lead_professional_allocate(actor=staff, case=decided, lead_professional=worker)
    clock.move_to(datetime(2027, 1, 12, 11, tzinfo=LONDON))
    return services.closure_request_submit(
        actor=worker, case=decided, summary="TAF agreed the work is done"
    )


def test_a_closure_waits_for_the_chair_and_intake_until_confirmed(
    panel, other_panel, staff, closure, clock
):
    m2 = closure.meeting
    url = reverse("panel:closure_decide", kwargs={**kw(m2), "closure_id": closure.pk})
    for user in (panel.chair, panel.deputy, staff):
        section = shown(user)["closures_to_decide"]
        assert (section.key, section.title, section.count) == (
            "closures_to_decide",
            "Closures waiting for the panel",
            1,
        )
        (item,) = section.items
        assert (item.text, item.url, item.hint, item.overdue) == (
            closure.case.esmap_number,
            url,
            "Sent 12 January 2027, for the meeting on 20 January 2027",
            False,
        )
    page = home_page(panel.chair)
    assert 'id="tray-closures_to_decide"' in page and f'href="{url}"' in page
    for user in (seat_member(panel, "Police"), closure.requested_by, other_panel.chair):
        assert "closures_to_decide" not in shown(user)

    clock.move_to(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    make_quorate(panel, m2, staff)
    services.closure_confirm(actor=panel.chair, closure=closure)

    assert "closures_to_decide" not in shown(panel.chair)
    assert "closures_to_decide" not in shown(staff)


def test_a_closure_still_waiting_after_its_meeting_is_overdue_and_goes_when_returned(
    panel, staff, closure, clock
):
    clock.move_to(datetime(2027, 1, 21, 9, tzinfo=LONDON))
    (item,) = shown(panel.chair)["closures_to_decide"].items
    assert item.overdue is True

    clock.move_to(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    make_quorate(panel, closure.meeting, staff)
    services.closure_return(actor=panel.deputy, closure=closure, reason="Attendance still low")

    assert "closures_to_decide" not in shown(panel.chair)


# ---------------------------------------------------------------- a fixed number of queries


def _more_work(panel, staff, m1, m2, lead, how_many):
    """``how_many`` more of each kind of work: referrals to log, responses owed on ``m1``'s pack,
    cases to allocate and closures waiting for ``m2``. The decided and closing cases are set up
    directly: this test counts the page's queries, the services' rules are tested above."""
    for _ in range(how_many):
        panel_referral(panel, BEFORE_CUTOFF)
        _log(staff, panel)
        decided = _log(staff, panel)
        PanelCase.objects.filter(pk=decided.pk).update(status=PanelCase.Status.DECIDED)
        PanelDecision.objects.create(
            case=decided,
            meeting=m1,
            kind=PanelDecision.Kind.LEAD_AGENCY,
            lead_agency=lead,
            decided_by=staff,
            decided_at=datetime(2027, 1, 6, 10, tzinfo=LONDON),
        )
        closing = _log(staff, panel)
        PanelCase.objects.filter(pk=closing.pk).update(
            status=PanelCase.Status.CLOSURE_REQUESTED, meeting=m2
        )
        ClosureRequest.objects.create(
            case=closing,
            requested_by=staff,
            requested_at=datetime(2027, 1, 2, 9, tzinfo=LONDON),
            summary="Done",
            meeting=m2,
        )
    # Packs to read: one more published meeting each.
    published = PanelMeeting.objects.filter(panel=panel, pack_published_at__isnull=True)
    for later in published.order_by("date")[:how_many]:
        PanelMeeting.objects.filter(pk=later.pk).update(
            pack_published_at=datetime(2027, 1, 2, 9, tzinfo=LONDON)
        )


def test_the_home_page_costs_the_same_queries_for_2_items_as_for_12(panel, staff, m1, agencies):
    police = agencies[0]
    # Someone with every kind of panel work: intake staff, a team manager of the lead agency,
    # the panel's chair and a member of its police seat.
    busy = UserFactory(
        team=TeamFactory(agency=police),
        roles=[Role.BUSINESS_SUPPORT, Role.TEAM_MANAGER],
    )
    services.panel_set_chair_and_deputy(actor=staff, panel=panel, chair=busy, deputy=panel.deputy)
    PanelSeatMember.objects.create(
        seat=PanelSeat.objects.get(panel=panel, agency=police), user=busy
    )
    m2 = meeting(panel, date(2027, 1, 20))
    client = sign_in_verified(Client(), busy)
    client.get(reverse("core:home"))  # the session and caches warmed

    def measured():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("core:home"))
        assert page.status_code == 200
        return len(queries), {s.key: s.count for s in tray(busy) if s.count}

    _more_work(panel, staff, m1, m2, police, 2)
    few, counts = measured()
    assert counts == {
        "referrals_to_log": 2,
        "packs_to_read": 2,
        "responses_owed": 2,
        "cases_to_allocate": 2,
        "closures_to_decide": 2,
    }

    _more_work(panel, staff, m1, m2, police, 10)
    many, counts = measured()
    assert counts["referrals_to_log"] == counts["cases_to_allocate"] == 12
    assert counts["closures_to_decide"] == counts["packs_to_read"] == counts["responses_owed"] == 12

    assert many == few


# ---------------------------------------------------------------- messages the panel sent
#
# Core's part of the tray lists the messages sent to a person ("Messages sent to you"); each the
# panel sent links to its record: the referrer's to the assessment decided on, the others' to the
# case.


def _messages(user) -> list[tuple[str, str]]:
    found = [s for s in worktray.tray_for(user) if s.key == "messages_to_me"]
    return [(item.text, item.url) for item in found[0].items] if found else []


@pytest.fixture
def police_manager(agencies):
    """The police's team manager, who is sent the referrals the panel gives the police."""
    return UserFactory(team=TeamFactory(agency=agencies[0]), roles=[Role.TEAM_MANAGER])


def test_decision_messages_link_to_the_assessment_and_the_case(police_manager, decided):
    referrer = decided.referral.submitted_by
    assert referrer.email
    assert _messages(referrer) == [
        (
            f"Early support panel outcome for referral {decided.esmap_number}",
            reverse("assessments:detail", kwargs={"assessment_id": decided.referral.assessment_id}),
        )
    ]
    assert _messages(police_manager) == [
        (
            "A family has been referred to your agency by the early support panel "
            f"{decided.esmap_number}",
            reverse("panel:case_overview", kwargs={"case_id": decided.pk}),
        )
    ]


def test_a_returned_closure_links_to_the_case(panel, closure, staff, clock):
    clock.move_to(datetime(2027, 1, 20, 10, tzinfo=LONDON))
    make_quorate(panel, closure.meeting, staff)
    services.closure_return(actor=panel.chair, closure=closure, reason="Attendance still low")
    assert _messages(closure.requested_by) == [
        (
            f"The early support panel has returned a case closure {closure.case.esmap_number}",
            reverse("panel:case_overview", kwargs={"case_id": closure.case_id}),
        )
    ]


def test_a_message_whose_record_is_gone_has_no_link(police_manager, decided):
    referrer = decided.referral.submitted_by
    OutboundMessage.objects.filter(to=referrer.email).update(record_id="999999")
    assert _messages(referrer) == [
        (f"Early support panel outcome for referral {decided.esmap_number}", "")
    ]
