"""Intake (ESMAP numbers, placement), the agenda, publishing, responses and carrying cases forward."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.errors import ConflictError
from core.models import AuditEvent
from core.tests.factories import AgencyFactory, AreaFactory
from panel import selectors, services
from panel.models import (
    AgencyResponse,
    PanelCase,
    PanelCaseHistory,
    PanelDecision,
    PanelMeeting,
)
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, panel_referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(y, m, d, h=10, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def panel(staff):
    panel = PanelFactory(name="Dewsbury panel", area=AreaFactory())
    services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    return panel


def meeting(panel, day):
    return PanelMeeting.objects.get(panel=panel, date=day)


# The 6 January 2027 meeting's cut-off is 12 noon on Wednesday 30 December 2026.
BEFORE_CUTOFF = at(2026, 12, 30, 11, 59)
AFTER_CUTOFF = at(2026, 12, 30, 12, 1)


def test_esmap_numbers_are_sequential_per_year_and_unique(panel, staff):
    cases = [
        services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
        for _ in range(3)
    ]
    assert [c.esmap_number for c in cases] == [
        "ESMAP-2027-0001",
        "ESMAP-2027-0002",
        "ESMAP-2027-0003",
    ]
    with time_machine.travel(at(2028, 1, 3), tick=False):
        services.panel_schedule_year(actor=staff, panel=panel, year=2028)
        next_year = services.panel_case_log(
            actor=staff, referral=panel_referral(panel, at(2028, 1, 2))
        )
    assert next_year.esmap_number == "ESMAP-2028-0001"
    assert (next_year.year, next_year.sequence) == (2028, 1)
    assert len({c.esmap_number for c in [*cases, next_year]}) == 4


def test_a_referral_is_logged_once_and_only_by_intake_staff(panel, staff):
    referral = panel_referral(panel, BEFORE_CUTOFF)
    for roles in ([Role.PRACTITIONER], [Role.PANEL_MEMBER], [Role.PANEL_CHAIR]):
        with pytest.raises(PermissionDenied):
            services.panel_case_log(actor=UserFactory(roles=roles), referral=referral)
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    case = services.panel_case_log(actor=leader, referral=referral)
    with pytest.raises(ValidationError, match="already been logged"):
        services.panel_case_log(actor=staff, referral=referral)
    assert case.logged_by == leader
    (history,) = case.history.all()
    assert history.change == PanelCaseHistory.Change.LOGGED
    event = AuditEvent.objects.get(record_type="panel.panelcase", record_id=str(case.pk))
    assert event.detail == {"panel": panel.pk, "meeting": case.meeting_id, "placed": True}


def test_three_referrals_one_after_the_cutoff_goes_to_the_next_meeting(panel, staff):
    on_time = [panel_referral(panel, BEFORE_CUTOFF) for _ in range(2)]
    late = panel_referral(panel, AFTER_CUTOFF)
    cases = [services.panel_case_log(actor=staff, referral=r) for r in [*on_time, late]]
    assert [c.meeting.date for c in cases] == [
        date(2027, 1, 6),
        date(2027, 1, 6),
        date(2027, 1, 20),
    ]
    assert all(c.placement_reason == "" for c in cases)


def test_placement_judged_on_submission_even_if_logged_after_the_cutoff(panel, staff):
    with time_machine.travel(at(2027, 1, 4), tick=False):  # after the 30 Dec cut-off
        case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    assert case.meeting.date == date(2027, 1, 6)


def test_no_meeting_gives_the_reason(staff):
    panel = PanelFactory(area=AreaFactory())  # nothing scheduled
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    assert case.meeting is None
    assert case.placement_reason == selectors.NO_MEETING


def test_which_panel_area_then_council_wide_then_none(staff):
    area_panel = PanelFactory(area=AreaFactory())
    council_panel = PanelFactory(area=None)
    referral = panel_referral(area_panel)
    assert selectors.panel_for_family(referral.family) == area_panel
    other = panel_referral(council_panel)
    assert selectors.panel_for_family(other.family) == council_panel
    council_panel.active = False
    council_panel.save()
    with pytest.raises(ValidationError, match="No panel is set up for this area"):
        services.panel_case_log(actor=staff, referral=other)
    (row,) = [r for r in selectors.inbox(staff) if r.pk == other.pk]
    assert row.panel is None and row.no_panel_reason == "No panel is set up for this area"


def test_inbox_lists_only_unlogged_referrals_for_intake_staff(panel, staff):
    waiting = panel_referral(panel, BEFORE_CUTOFF)
    logged = panel_referral(panel, BEFORE_CUTOFF)
    services.panel_case_log(actor=staff, referral=logged)
    assert [r.pk for r in selectors.inbox(staff)] == [waiting.pk]
    assert selectors.inbox(UserFactory(roles=[Role.PANEL_MEMBER])) == []


def test_agenda_order_and_contents(panel, staff):
    from people.tests.factories import PersonFactory

    child = PersonFactory(first_name="Amira", last_name="Khan")
    case = services.panel_case_log(
        actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF, children=[child])
    )
    agenda = selectors.agenda_for(case.meeting)
    assert [(s.number, s.title) for s in agenda] == [
        (1, "Welcome and introductions"),
        (2, "New cases"),
        (3, "Cases allocated from the previous meeting"),
        (4, "Cases closed"),
        (5, "Any other business"),
        (6, "Date, time and place of the next meeting"),
    ]
    (row,) = agenda[1].cases
    assert row.esmap_number == case.esmap_number and row.children == ["Amira Khan"]
    assert agenda[2].cases == [] and agenda[3].cases == []
    assert agenda[5].text.startswith("Wednesday 20 January 2027, 9:30am")


def test_agenda_allocated_from_previous_and_closed(panel, staff):
    first = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    closing = services.panel_case_log(actor=staff, referral=panel_referral(panel, AFTER_CUTOFF))
    # Given a lead agency at the first meeting; still waiting for a lead professional.
    PanelDecision.objects.create(
        case=first,
        meeting=first.meeting,
        kind=PanelDecision.Kind.LEAD_AGENCY,
        lead_agency=AgencyFactory(),
        decided_by=staff,
        decided_at=at(2027, 1, 6, 10),
    )
    PanelCase.objects.filter(pk=first.pk).update(status=PanelCase.Status.DECIDED)
    PanelCase.objects.filter(pk=closing.pk).update(status=PanelCase.Status.CLOSURE_REQUESTED)
    agenda = selectors.agenda_for(meeting(panel, date(2027, 1, 20)))
    assert [r.case.pk for r in agenda[2].cases] == [first.pk]
    assert [r.case.pk for r in agenda[3].cases] == [closing.pk]
    assert agenda[1].cases == []


def test_publish_permissions_and_once(panel, staff):
    m = meeting(panel, date(2027, 1, 6))
    member = PanelSeatMemberFactory(seat__panel=panel).user
    for actor in (member, UserFactory(roles=[Role.PRACTITIONER])):
        with pytest.raises(PermissionDenied):
            services.meeting_publish_pack(actor=actor, meeting=m)
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    panel.chair = chair
    panel.save()
    published = services.meeting_publish_pack(actor=chair, meeting=m)
    assert published.pack_published_at == at(2027, 1, 4, 9)
    assert published.pack_published_by == chair
    with pytest.raises(ValidationError, match="already been published"):
        services.meeting_publish_pack(actor=staff, meeting=m)
    cancelled = meeting(panel, date(2027, 2, 3))
    services.meeting_cancel(actor=staff, meeting=cancelled, reason="Room flooded")
    with pytest.raises(ValidationError, match="only a scheduled"):
        services.meeting_publish_pack(actor=staff, meeting=cancelled)


def _case_with_seats(panel, staff):
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    police = PanelSeatMemberFactory(seat__panel=panel, seat__agency=AgencyFactory(name="Police"))
    health = PanelSeatMemberFactory(seat__panel=panel, seat__agency=AgencyFactory(name="0-19"))
    return case, police, health


def test_agency_responses_after_publication_only_and_by_seat_members(panel, staff):
    case, police, health = _case_with_seats(panel, staff)
    with pytest.raises(ValidationError, match="not been published"):
        services.agency_response_record(actor=police.user, case=case, seat=police.seat, known=False)
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    with pytest.raises(PermissionDenied):
        services.agency_response_record(actor=police.user, case=case, seat=health.seat, known=False)
    other_panel_member = PanelSeatMemberFactory()
    with pytest.raises(PermissionDenied):
        services.agency_response_record(
            actor=other_panel_member.user, case=case, seat=other_panel_member.seat, known=False
        )
    with pytest.raises(ValidationError) as error:
        services.agency_response_record(actor=police.user, case=case, seat=police.seat, known=True)
    assert "information" in error.value.message_dict
    response = services.agency_response_record(
        actor=police.user, case=case, seat=police.seat, known=True, information="Two call-outs"
    )
    assert response.version == 1
    # One current response per seat: a change updates it, with a version check.
    changed = services.agency_response_record(
        actor=police.user, case=case, seat=police.seat, known=False, expected_version=1
    )
    assert changed.pk == response.pk and changed.version == 2 and changed.information == ""
    with pytest.raises(ValidationError, match="changed this response"):
        services.agency_response_record(
            actor=police.user, case=case, seat=police.seat, known=False, expected_version=1
        )
    assert AgencyResponse.objects.count() == 1
    audit = AuditEvent.objects.filter(record_type="panel.agencyresponse").order_by("id")
    assert [e.action for e in audit] == ["create", "update"]
    assert "Two call-outs" not in str([e.detail for e in audit])


def test_responses_close_after_the_meeting_day(panel, staff):
    case, police, _health = _case_with_seats(panel, staff)
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    with (
        time_machine.travel(at(2027, 1, 7, 9), tick=False),
        pytest.raises(ConflictError, match="closed"),
    ):
        services.agency_response_record(actor=police.user, case=case, seat=police.seat, known=False)


def test_tracker_shows_who_has_not_responded(panel, staff):
    case, police, health = _case_with_seats(panel, staff)
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    services.agency_response_record(
        actor=police.user, case=case, seat=police.seat, known=True, information="Known"
    )
    services.agency_response_record(actor=health.user, case=case, seat=health.seat, known=False)
    other = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    rows = {row.case.pk: row for row in selectors.response_tracker(case.meeting)}
    assert rows[case.pk].waiting == []
    assert {s.pk for s in rows[other.pk].waiting} == {police.seat_id, health.seat_id}


def test_cases_carried_forward_on_cancel_and_move(panel, staff):
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    first = case.meeting
    services.meeting_cancel(actor=staff, meeting=first, reason="Chair ill")
    case.refresh_from_db()
    assert case.meeting.date == date(2027, 1, 20)
    moved_to = services.meeting_move(
        actor=staff, meeting=case.meeting, new_date=date(2027, 1, 21), reason="Room"
    )
    case.refresh_from_db()
    assert case.meeting == moved_to
    history = list(case.history.all())
    assert [h.change for h in history] == ["logged", "carried_forward", "carried_forward"]
    assert history[1].from_meeting == first and history[1].to_meeting.date == date(2027, 1, 20)
    assert history[2].to_meeting == moved_to
    with pytest.raises(PermissionError):
        history[0].save()
    with pytest.raises(PermissionError):
        PanelCaseHistory.objects.all().delete()


def test_cancelling_the_last_meeting_leaves_cases_unplaced_with_the_reason(staff):
    panel = PanelFactory(area=AreaFactory())
    from panel.tests.factories import PanelMeetingFactory

    only = PanelMeetingFactory(panel=panel, date=date(2027, 1, 6))
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    assert case.meeting == only
    services.meeting_cancel(actor=staff, meeting=only, reason="No quorum")
    case.refresh_from_db()
    assert case.meeting is None and case.placement_reason == services.NO_LATER_MEETING


def test_pack_for_rules(panel, staff):
    m = meeting(panel, date(2027, 1, 6))
    member = PanelSeatMemberFactory(seat__panel=panel, is_substitute=True).user
    outsider = PanelSeatMemberFactory().user
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.pack_for(outsider, m)
    with pytest.raises(Http404):
        selectors.pack_for(UserFactory(roles=[Role.PRACTITIONER]), m)
    assert selectors.pack_for(member, m).visible is False
    assert selectors.pack_for(staff, m).visible is True
    services.meeting_publish_pack(actor=staff, meeting=m)
    m.refresh_from_db()
    pack = selectors.pack_for(member, m)
    assert pack.visible and pack.as_member


def test_esmap_sequence_row_is_locked(panel, staff):
    """The number comes from one locked row per year (SELECT ... FOR UPDATE on PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    referral = panel_referral(panel, BEFORE_CUTOFF)
    with CaptureQueriesContext(connection) as queries:
        services.panel_case_log(actor=staff, referral=referral)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "panel_esmapsequence" in sql
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in sql


def test_logged_at_is_timezone_aware(panel, staff):
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel, BEFORE_CUTOFF))
    assert case.logged_at.utcoffset() is not None
    assert case.logged_at - at(2027, 1, 4, 9) == timedelta(0)
