"""Asking for early support through the API: the role is settled before the body is read
(the error contract: 403, then 400), by the rule the service uses
(support_requests.rules), so a role that may not make requests is 403 whatever it sent."""

import json

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from support_requests import services
from support_requests.models import SupportRequest
from support_requests.tests.conftest import client_for

pytestmark = pytest.mark.django_db

MINE_API = "/api/v1/my-support-requests/"
MAY_NOT_REQUEST = [
    Role.EARLY_SUPPORT_TEAM_LEADER,
    Role.BUSINESS_SUPPORT,
    Role.PANEL_CHAIR,
    Role.PANEL_MEMBER,
    Role.TEAM_MANAGER,
    Role.STRATEGIC_LEAD,
    Role.SYSTEM_ADMINISTRATOR,
]


def _post(client, body):
    return client.post(MINE_API, json.dumps(body), content_type="application/json")


def _valid(area):
    return {
        "children": [{"first_name": "Amy", "age_years": 7}],
        "area": area.pk,
        "what_is_happening": "Amy is missing school most Mondays.",
        "single_agency_support_tried": "Attendance meetings.",
        "family_knows_and_consents": True,
        "safeguarding_concern": False,
    }


@pytest.mark.parametrize("role", MAY_NOT_REQUEST)
def test_a_role_that_may_not_make_requests_gets_403_empty_or_valid(role, team, area_x):
    client = client_for(UserFactory(team=team, roles=[role]))
    assert _post(client, {}).status_code == 403
    assert _post(client, _valid(area_x)).status_code == 403
    assert not SupportRequest.objects.exists()


def test_a_practitioner_with_an_empty_body_gets_400(team):
    assert (
        _post(client_for(UserFactory(team=team, roles=[Role.PRACTITIONER])), {}).status_code == 400
    )
    assert not SupportRequest.objects.exists()


def test_the_service_asks_the_same_rule(team, area_x):
    manager = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    with pytest.raises(services.NotAllowedToRequest):
        services.support_request_submit_practitioner(
            actor=manager,
            family=None,
            children=[services.ChildDetails(first_name="Amy", age_years=7)],
            area=area_x,
            what_is_happening="Missing school",
            single_agency_support_tried="Meetings",
            family_knows_and_consents=True,
            safeguarding_concern=False,
        )
    assert not SupportRequest.objects.exists()
