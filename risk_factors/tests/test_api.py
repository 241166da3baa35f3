"""The API: list, create, end and confirm, through the same services; errors in core's shape."""

from datetime import date

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, token_client
from risk_factors.models import RiskFactor
from risk_factors.tests.factories import RiskFactorFactory
from risk_factors.tests.helpers import make_world

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk-factors/"


@pytest.fixture
def world(team):
    return make_world(team=team)


@pytest.fixture
def api(client, world):
    return token_client(client, world.lead)


def test_list_for_a_family_and_audits(api, world, other_team):
    RiskFactorFactory(family=world.family, recorded_by=world.lead)
    elsewhere = make_world(team=other_team)
    RiskFactorFactory(family=elsewhere.family, recorded_by=elsewhere.lead)
    response = api.get(URL, {"family": str(world.family.pk)})
    assert response.status_code == 200
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [row["family"] for row in rows] == [str(world.family.pk)]
    assert rows[0]["history"][0]["change"] == "recorded"
    assert api.get(URL, {"family": str(elsewhere.family.pk)}).status_code == 404
    assert api.get(URL, {"family": "not-a-uuid"}).status_code == 400


def test_create_checks_the_rules_like_the_page(api, world):
    body = {
        "family": str(world.family.pk),
        "factor": "young_carer",
        "noted_on": "2026-10-01",
        "factor_source": "family",
    }
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"person": ["Select the child this is about"]}
    response = api.post(
        URL, {**body, "person": str(world.older.pk)}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["person"] == str(world.older.pk)
    again = api.post(URL, {**body, "person": str(world.older.pk)}, content_type="application/json")
    assert again.status_code == 409
    future = api.post(
        URL,
        {**body, "person": str(world.baby.pk), "noted_on": "2027-01-01"},
        content_type="application/json",
    )
    assert future.status_code == 400
    assert future.json() == {
        "noted_on": ["The date it was first known must be today or in the past"]
    }


def test_create_role_before_body(client, team, world):
    clerk = UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    api = token_client(client, clerk)
    assert api.post(URL, {}, content_type="application/json").status_code == 403


def test_end_with_a_stale_version_is_409_with_the_version(api, world):
    factor = RiskFactorFactory(family=world.family, recorded_by=world.lead)
    url = f"{URL}{factor.pk}/end/"
    body = {"ended_on": "2026-11-01", "reason": "Moved house", "version": 7}
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["version"] == 1
    response = api.post(url, {**body, "version": 1}, content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["factor_status"], response.json()["ended_on"]) == (
        "ended",
        "2026-11-01",
    )
    assert api.post(url, {**body, "version": 2}, content_type="application/json").status_code == 409
    factor.refresh_from_db()
    assert factor.ended_on == date(2026, 11, 1)


def test_confirm(api, world):
    factor = RiskFactorFactory(family=world.family, recorded_by=world.lead)
    response = api.post(
        f"{URL}{factor.pk}/confirm/",
        {"version": 1, "note": "Still"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["confirmed_on"] == "2026-11-02"


def test_out_of_scope_and_malformed_ids_are_404(api, other_team):
    elsewhere = make_world(team=other_team)
    factor = RiskFactorFactory(family=elsewhere.family, recorded_by=elsewhere.lead)
    assert api.get(f"{URL}{factor.pk}/").status_code == 404
    assert api.get(f"{URL}abc/").status_code == 404
    assert (
        api.post(
            f"{URL}{factor.pk}/end/", {"version": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert RiskFactor.objects.get().status == "present"
