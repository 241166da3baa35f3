"""Moving a meeting keeps its pack, its cases and the chair's decisions to report; a new date whose
referral cut-off or publication deadline has passed is moved to only once the person has read what
that means; the meeting page offers Move and Cancel to those who may."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.models import AuditEvent
from core.tests.factories import AgencyFactory
from panel import selectors, services
from panel.models import AgencyResponse, PanelCase, PanelMeeting, PanelSeatMember
from panel.tests.factories import demo_panel, panel_referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# The panel meets every other Wednesday from 6 January 2027: 20 January, 3 February...
JAN_20 = date(2027, 1, 20)
JAN_21 = date(2027, 1, 21)  # a Thursday: cut-off 14 January 12:00, pack due 18 January 12:00


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(_at(date(2026, 11, 1), 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.BUSINESS_SUPPORT])


@pytest.fixture
def panel(clock):
    agencies = [AgencyFactory(name=name, panel_seat=True) for name in ("Police", "School")]
    return demo_panel(agencies=agencies, chair=UserFactory(roles=[Role.PANEL_CHAIR]))


def _member(panel, agency_name="Police"):
    return PanelSeatMember.objects.get(
        seat__panel=panel, seat__agency__name=agency_name, is_substitute=False
    )


@pytest.fixture
def published(panel, staff, clock):
    """The 20 January meeting with a case on it, its pack published, the police's response in, and
    the chair's extraordinary decision on another case to report there."""
    clock.move_to(_at(date(2027, 1, 12), 10))
    case = services.panel_case_log(actor=staff, referral=panel_referral(panel))
    other = services.panel_case_log(actor=staff, referral=panel_referral(panel))
    meeting = PanelMeeting.objects.get(panel=panel, date=JAN_20)
    assert case.meeting == meeting
    clock.move_to(_at(date(2027, 1, 14), 9))
    services.meeting_publish_pack(actor=staff, meeting=meeting)
    seat_member = _member(panel)
    services.agency_response_record(
        actor=seat_member.user, case=case, seat=seat_member.seat, known=True, information="Known"
    )
    decision = services.panel_extraordinary_decision_record(
        actor=panel.chair, case=other, kind="step_up", reason="Significant harm concerns"
    )
    assert decision.reported_at_meeting == meeting
    meeting.refresh_from_db()
    return {"meeting": meeting, "case": case, "other": other, "decision": decision}


def test_a_published_meeting_moves_with_its_pack_cases_and_reports(panel, staff, clock, published):
    meeting, case = published["meeting"], published["case"]
    clock.move_to(_at(date(2027, 1, 15), 9))
    new = services.meeting_move(
        actor=staff, meeting=meeting, new_date=date(2027, 1, 27), reason="Room booked"
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.moved_to) == (PanelMeeting.Status.MOVED, new)
    # The pack is still published, as it was: members are not asked to wait for it again.
    assert (new.pack_published_at, new.pack_published_by) == (
        meeting.pack_published_at,
        meeting.pack_published_by,
    )
    assert PanelCase.objects.get(pk=case.pk).meeting == new
    response = AgencyResponse.objects.get(case=case)
    assert (response.seat, response.known) == (_member(panel).seat, True)
    published["decision"].refresh_from_db()
    assert published["decision"].reported_at_meeting == new

    pack = selectors.pack_access(_member(panel, "School").user, new)
    assert pack.as_member and pack.visible
    assert [row.case for row in pack.agenda()[1].cases] == [case]
    assert [row.case for row in pack.agenda()[4].cases] == [published["other"]]

    event = AuditEvent.objects.get(record_type="panel.panelmeeting", record_id=str(new.pk))
    assert event.detail == {"moved_from": meeting.pk, "pack_published": True, "deadlines_passed": 0}
    carried = AuditEvent.objects.get(detail__change="report_carried_forward")
    assert carried.detail == {
        "change": "report_carried_forward",
        "from_meeting": meeting.pk,
        "to_meeting": new.pk,
        "count": 1,
    }


def test_a_cancelled_meetings_reports_go_to_the_next_meeting(panel, staff, clock, published):
    services.meeting_cancel(actor=staff, meeting=published["meeting"], reason="Snow")
    published["decision"].refresh_from_db()
    assert published["decision"].reported_at_meeting.date == date(2027, 2, 3)


def test_an_unpublished_meeting_stays_unpublished(panel, staff, clock):
    meeting = PanelMeeting.objects.get(panel=panel, date=JAN_20)
    new = services.meeting_move(actor=staff, meeting=meeting, new_date=JAN_21, reason="Room")
    assert new.pack_published_at is None and new.pack_published_by is None
    assert not selectors.pack_access(_member(panel).user, new).visible


def test_a_late_move_is_refused_until_confirmed(panel, staff, clock, published):
    meeting = published["meeting"]
    clock.move_to(_at(date(2027, 1, 18), 13))
    with pytest.raises(services.LateMoveNotConfirmed) as refused:
        services.meeting_move(actor=staff, meeting=meeting, new_date=JAN_21, reason="Room")
    assert refused.value.warnings == [
        "The referral cut-off for a meeting on 21 January 2027 was 12:00pm on Thursday 14 January "
        "2027, which has passed. The referrals already on this meeting's agenda go with it, but "
        "no new referral will be added: referrals logged from now go to the next meeting.",
        "The pack for a meeting on 21 January 2027 was due by 12:00pm on Monday 18 January 2027, "
        "which has passed. This meeting's pack is published already and stays published: members "
        "keep it, and their agencies' responses go with the cases.",
    ]
    meeting.refresh_from_db()
    assert meeting.status == PanelMeeting.Status.SCHEDULED
    assert not PanelMeeting.objects.filter(panel=panel, date=JAN_21).exists()

    new = services.meeting_move(
        actor=staff, meeting=meeting, new_date=JAN_21, reason="Room", late_confirmed=True
    )
    assert new.date == JAN_21 and new.pack_published_at == meeting.pack_published_at
    event = AuditEvent.objects.get(record_type="panel.panelmeeting", record_id=str(new.pk))
    assert event.detail["deadlines_passed"] == 2


def test_warnings_say_what_a_passed_deadline_means(panel, clock):
    meeting = PanelMeeting.objects.get(panel=panel, date=JAN_20)
    clock.move_to(_at(date(2027, 1, 14), 11, 59))
    assert selectors.move_warnings(meeting, JAN_21) == []
    clock.move_to(_at(date(2027, 1, 14), 12))
    (cutoff,) = selectors.move_warnings(meeting, JAN_21)
    assert cutoff.startswith("The referral cut-off for a meeting on 21 January 2027 was 12:00pm")
    clock.move_to(_at(date(2027, 1, 18), 12))
    cutoff, pack = selectors.move_warnings(meeting, JAN_21)
    assert pack == (
        "The pack for a meeting on 21 January 2027 should have been published by 12:00pm on "
        "Monday 18 January 2027, which has passed. Publish it as soon as the meeting has moved: "
        "members will have less than the 3 working days the panel's terms of reference give "
        "them to read it."
    )


def test_invalid_dates_are_refused_before_any_warning(panel, staff, clock):
    meeting = PanelMeeting.objects.get(panel=panel, date=JAN_20)
    clock.move_to(_at(date(2027, 1, 18), 13))
    with pytest.raises(services.LateMoveNotConfirmed):
        services.meeting_move(actor=staff, meeting=meeting, new_date=JAN_21, reason="Room")
    with pytest.raises(ValidationError) as refused:
        services.meeting_move(
            actor=staff, meeting=meeting, new_date=date(2027, 1, 16), reason="Room"
        )
    assert not isinstance(refused.value, services.LateMoveNotConfirmed)
    assert refused.value.message_dict == {
        "new_date": ["The new date must be today or in the future"]
    }


# ---------------------------------------------------------------- pages


def _meeting_url(meeting) -> str:
    return reverse(
        "panel:meeting_detail", kwargs={"panel_id": meeting.panel_id, "meeting_id": meeting.pk}
    )


def _move_url(meeting) -> str:
    return reverse(
        "panel:meeting_move", kwargs={"panel_id": meeting.panel_id, "meeting_id": meeting.pk}
    )


def test_move_and_cancel_links_for_those_who_may(client, panel, staff, clock):
    meeting = PanelMeeting.objects.get(panel=panel, date=JAN_20)
    cancel_url = reverse(
        "panel:meeting_cancel", kwargs={"panel_id": panel.pk, "meeting_id": meeting.pk}
    )
    for user in (staff, panel.chair):
        sign_in_verified(client, user)
        html = client.get(_meeting_url(meeting)).content.decode()
        assert f'href="{_move_url(meeting)}"' in html
        assert f'href="{cancel_url}"' in html
    sign_in_verified(client, _member(panel).user)
    response = client.get(_meeting_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    assert _move_url(meeting) not in html and cancel_url not in html


def test_a_moved_meeting_links_to_its_new_date_and_offers_no_change(client, panel, staff, clock):
    meeting = PanelMeeting.objects.get(panel=panel, date=JAN_20)
    new = services.meeting_move(actor=staff, meeting=meeting, new_date=JAN_21, reason="Room")
    sign_in_verified(client, staff)
    html = client.get(_meeting_url(meeting)).content.decode()
    assert (
        f'now on <a class="govuk-link" href="{_meeting_url(new)}">Thursday 21 January 2027</a>'
        in html
    )
    assert _move_url(meeting) not in html
    assert _move_url(new) in client.get(_meeting_url(new)).content.decode()


def _move_form(day: date, **extra) -> dict:
    return {
        "new_date_0": str(day.day),
        "new_date_1": str(day.month),
        "new_date_2": str(day.year),
        "reason": "Room booked",
        **extra,
    }


def test_the_move_page_warns_and_moves_once_confirmed(client, panel, staff, clock, published):
    meeting = published["meeting"]
    clock.move_to(_at(date(2027, 1, 18), 13))
    sign_in_verified(client, staff)
    page = client.get(_move_url(meeting)).content.decode()
    assert "The pack is published already: it stays published and moves with the meeting." in page

    response = client.post(_move_url(meeting), _move_form(JAN_21))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-move-warnings" in html
    assert "The referral cut-off for a meeting on 21 January 2027 was 12:00pm" in html
    assert "This meeting&#x27;s pack is published already and stays published" in html
    assert 'name="confirmed_date" value="2027-01-21"' in html
    assert "Room booked" in html  # what was typed is kept
    assert PanelMeeting.objects.get(pk=meeting.pk).status == PanelMeeting.Status.SCHEDULED

    # A different date than the one confirmed is warned of again.
    response = client.post(
        _move_url(meeting), _move_form(date(2027, 1, 22), confirmed_date="2027-01-21")
    )
    assert response.status_code == 200
    assert 'name="confirmed_date" value="2027-01-22"' in response.content.decode()
    assert PanelMeeting.objects.get(pk=meeting.pk).status == PanelMeeting.Status.SCHEDULED

    response = client.post(_move_url(meeting), _move_form(JAN_21, confirmed_date="2027-01-21"))
    new = PanelMeeting.objects.get(panel=panel, date=JAN_21)
    assert response.status_code == 302
    assert response["Location"] == _meeting_url(new)
    assert PanelMeeting.objects.get(pk=meeting.pk).moved_to == new
    assert new.pack_published_at == meeting.pack_published_at


def test_the_move_page_moves_at_once_when_no_deadline_has_passed(client, panel, staff, clock):
    meeting = PanelMeeting.objects.get(panel=panel, date=JAN_20)
    sign_in_verified(client, staff)
    response = client.post(_move_url(meeting), _move_form(JAN_21))
    assert response.status_code == 302
    assert PanelMeeting.objects.get(pk=meeting.pk).status == PanelMeeting.Status.MOVED
