"""The quorum is the council's rule, read from its pack, not a number in the code."""

import copy
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from django.conf import settings

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.council_pack import load_council_pack
from panel import selectors, services
from panel.models import MeetingAttendance, Panel, PanelMeeting

pytestmark = pytest.mark.django_db
TINY = Path(settings.BASE_DIR) / "core" / "tests" / "packs" / "tiny.yaml"
KIRKLEES = Path(settings.BASE_DIR) / "config_packs" / "kirklees.yaml"
M = MeetingAttendance.Role


def _tiny_with_quorum(quorum_members: int) -> dict:
    """The tiny test council, whose terms of reference say two members make its panel quorate."""
    data = copy.deepcopy(yaml.safe_load(TINY.read_text(encoding="utf-8")))
    data["panels"][0]["quorum_members"] = quorum_members
    return data


def _meeting_with_chair_and_members(pack, members: int) -> PanelMeeting:
    load_council_pack(pack)
    panel = Panel.objects.get()
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    services.panel_set_chair_and_deputy(actor=staff, panel=panel, chair=chair)
    meeting = PanelMeeting.objects.create(
        panel=panel,
        date=panel.first_meeting_date,
        starts_at=datetime(2026, 1, 1, 9, tzinfo=ZoneInfo("Europe/London")),
        ends_at=datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("Europe/London")),
        referral_cutoff=datetime(2025, 12, 1, 12, tzinfo=ZoneInfo("Europe/London")),
        publish_by=datetime(2025, 12, 20, 9, tzinfo=ZoneInfo("Europe/London")),
    )
    services.attendance_record_arrival(actor=staff, meeting=meeting, user=chair, role=M.CHAIR)
    for seat in panel.seats.order_by("pk")[:members]:
        member = UserFactory(agency=seat.agency, roles=[Role.PANEL_MEMBER])
        services.panel_seat_member_add(actor=staff, seat=seat, user=member, is_substitute=False)
        services.attendance_record_arrival(
            actor=staff, meeting=meeting, user=member, role=M.MEMBER, seat=seat
        )
    return meeting


@pytest.fixture(autouse=True)
def meeting_day():
    with time_machine.travel(
        datetime(2026, 1, 8, 12, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        yield


def test_the_tiny_councils_panel_is_quorate_with_the_chair_and_two_members():
    meeting = _meeting_with_chair_and_members(_tiny_with_quorum(2), members=2)

    quorum = selectors.meeting_quorum(meeting)

    assert (quorum.is_quorate, quorum.members_present, quorum.needed) == (True, 2, 2)
    assert quorum.explanation == "Quorate: the chair or deputy and 2 members are here."


def test_the_tiny_councils_panel_is_not_quorate_with_one_member():
    meeting = _meeting_with_chair_and_members(_tiny_with_quorum(2), members=1)

    quorum = selectors.meeting_quorum(meeting)

    assert (quorum.is_quorate, quorum.needed) == (False, 2)
    assert quorum.explanation == (
        "Not quorate: the chair or deputy and at least 2 members must be present. 1 member is here."
    )


def test_the_same_pack_without_a_quorum_needs_four():
    meeting = _meeting_with_chair_and_members(TINY, members=2)

    quorum = selectors.meeting_quorum(meeting)

    assert (quorum.is_quorate, quorum.needed) == (False, 4)


def test_kirklees_needs_four_so_two_members_are_not_enough():
    meeting = _meeting_with_chair_and_members(KIRKLEES, members=2)
    assert meeting.panel.first_meeting_date.weekday() == 2

    quorum = selectors.meeting_quorum(meeting)

    assert (quorum.is_quorate, quorum.needed) == (False, 4)
