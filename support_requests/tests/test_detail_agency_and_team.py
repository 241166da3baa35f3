"""The request page names the requester's agency and team, each once."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from core.tests.factories import AgencyFactory, TeamFactory
from support_requests.models import SupportRequest
from support_requests.tests.conftest import client_for
from support_requests.tests.factories import SupportRequestFactory

pytestmark = pytest.mark.django_db


def _agency_and_team(leader, area, *, agency_name, team_name) -> str:
    agency = AgencyFactory(name=agency_name)
    team = TeamFactory(agency=agency, area=area, name=team_name)
    support_request = SupportRequestFactory(
        area=area,
        source=SupportRequest.Source.PRACTITIONER,
        requester=UserFactory(agency=agency, team=team),
        requester_agency=agency,
        requester_team=team,
    )
    response = client_for(leader).get(
        reverse("support_requests:detail", kwargs={"request_id": support_request.pk})
    )
    assert response.status_code == 200
    body = response.content.decode()
    row = body.split("Agency and team</dt>", 1)[1].split("</dd>", 1)[0]
    return row.rsplit(">", 1)[1].strip()


def test_a_team_named_after_its_agency_shows_the_agency_once(leader_x, area_x):
    shown = _agency_and_team(
        leader_x, area_x, agency_name="Family Support", team_name="Family Support – Huddersfield"
    )
    assert shown == "Family Support – Huddersfield"


def test_a_team_with_its_own_name_shows_its_agency_first(leader_x, area_x):
    shown = _agency_and_team(leader_x, area_x, agency_name="NHS", team_name="Health Visiting")
    assert shown == "NHS – Health Visiting"
