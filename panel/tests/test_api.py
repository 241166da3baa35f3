import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from panel import services
from panel.tests.factories import PanelFactory, PanelSeatMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    panel = PanelFactory(name="Huddersfield panel")
    PanelSeatMemberFactory(seat__panel=panel, is_substitute=True)
    services.panel_schedule_year(
        actor=UserFactory(roles=[Role.BUSINESS_SUPPORT]), panel=panel, year=2027
    )
    services.panel_schedule_year(
        actor=UserFactory(roles=[Role.BUSINESS_SUPPORT]), panel=panel, year=2028
    )
    return panel


def test_panels(practitioner_client, panel):
    response = practitioner_client.get("/api/v1/panels/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["name"] == "Huddersfield panel"
    assert row["seats"][0]["members"][0]["is_substitute"] is True
    detail = practitioner_client.get(f"/api/v1/panels/{panel.pk}/").json()
    assert detail["weekday"] == 2


def test_meetings_filtered(practitioner_client, panel):
    other = PanelFactory()
    services.panel_schedule_year(
        actor=UserFactory(roles=[Role.BUSINESS_SUPPORT]), panel=other, year=2027
    )
    data = practitioner_client.get(f"/api/v1/panel-meetings/?panel={panel.pk}&year=2027").json()
    assert data["count"] == 26
    first = data["results"][0]
    assert first["date"] == "2027-01-06"
    assert first["starts_at"] == "2027-01-06T09:30:00Z"  # GMT: London time is UTC
    assert first["referral_cutoff"].startswith("2026-12-30T12:00:00")
    summer = next(m for m in data["results"] if m["date"] == "2027-07-07")
    assert summer["starts_at"] == "2027-07-07T09:30:00+01:00"
    assert practitioner_client.get("/api/v1/panel-meetings/?year=nope").status_code == 400
    assert (
        practitioner_client.get(f"/api/v1/panel-meetings/?panel={panel.pk}").json()["count"] == 52
    )


def test_needs_sign_in_and_a_role(client, panel):
    assert client.get("/api/v1/panels/").status_code == 401
    sign_in_verified(client, UserFactory())  # no role
    assert client.get("/api/v1/panels/").json()["results"] == []
    assert client.get(f"/api/v1/panels/{panel.pk}/").status_code == 404
