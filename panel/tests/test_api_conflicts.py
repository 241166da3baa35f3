"""Refusals for the state of a record are 409 from the panel API, as everywhere else in the API
(not a 400): a stale version, and a move the workflow does not allow."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.tests.factories import AreaFactory
from panel import services
from panel.models import AgencyResponse, PanelCase, PanelDecision
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory, panel_referral

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=LONDON), tick=False):
        yield


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


def test_a_move_the_case_workflow_refuses_is_409_through_the_api_and_changes_nothing():
    """A withdrawn referral cannot be decided: the API answers 409 (a wrong state), not 400."""
    staff = UserFactory(roles=[Role.BUSINESS_SUPPORT])
    chair = UserFactory(roles=[Role.PANEL_CHAIR])
    panel = PanelFactory(area=AreaFactory(), chair=chair)
    services.panel_schedule_year(actor=staff, panel=panel, year=2027)
    case = services.panel_case_log(
        actor=staff, referral=panel_referral(panel, datetime(2026, 12, 30, 11, 0, tzinfo=LONDON))
    )
    services.panel_case_withdraw(actor=staff, case=case, reason="The family moved away")

    response = sign_in_verified(APIClient(), chair).post(
        f"/api/v1/panel-cases/{case.pk}/extraordinary-decision/",
        {"kind": "decline", "reason": "Not for the panel"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json() == {"detail": "This case already has a decision"}
    case.refresh_from_db()
    assert case.status == PanelCase.Status.WITHDRAWN
    assert not PanelDecision.objects.filter(case=case).exists()
