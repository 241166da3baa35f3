"""A stale version is a 409 from the panel API, as everywhere else in the API (not a 400)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.tests.factories import AreaFactory
from panel import services
from panel.models import AgencyResponse
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, panel_referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 1))
    monkeypatch.setattr(services, "now", lambda: datetime(2027, 1, 4, 9, tzinfo=LONDON))


def test_a_stale_agency_response_is_409_and_changes_nothing():
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    panel = PanelFactory(area=AreaFactory())
    services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    case = services.panel_case_log(
        actor=staff, referral=panel_referral(panel, datetime(2026, 12, 30, 11, 0, tzinfo=LONDON))
    )
    services.meeting_publish_pack(actor=staff, meeting=case.meeting)
    first = PanelSeatMemberFactory(seat__panel=panel, user__roles=[Role.PANEL_MEMBER])
    second = PanelSeatMemberFactory(seat=first.seat, user__roles=[Role.PANEL_MEMBER])
    url = f"/api/v1/panel-cases/{case.pk}/responses/"
    api, colleague = (
        sign_in_verified(APIClient(), first.user),
        sign_in_verified(APIClient(), second.user),
    )

    assert (
        api.post(
            url, {"known": True, "information": "Two call-outs", "version": 0}, format="json"
        ).status_code
        == 201
    )
    # The colleague's form was opened before the first response was saved.
    stale = colleague.post(url, {"known": False, "version": 0}, format="json")
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": "Someone else has changed this response since you opened it: check it and try again"
    }
    stale_again = colleague.post(url, {"known": False, "version": 7}, format="json")
    assert stale_again.status_code == 409
    (response,) = AgencyResponse.objects.filter(case=case)
    assert (response.known, response.information, response.version) == (True, "Two call-outs", 1)

    fresh = colleague.post(url, {"known": False, "version": 1}, format="json")
    assert fresh.status_code == 200 and fresh.json()["version"] == 2
