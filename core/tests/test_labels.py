"""One way to name an agency's team: the agency's name is never read twice."""

import pytest

from core.models import agency_and_team
from core.tests.factories import AgencyFactory, TeamFactory


@pytest.mark.parametrize(
    ("agency", "team", "shown"),
    [
        ("Family Support", "Family Support", "Family Support"),
        ("Family Support", "Family Support – Batley & Spen", "Family Support – Batley & Spen"),
        ("Family Support", "family support north", "family support north"),
        ("NHS", "Health Visiting", "NHS – Health Visiting"),
        ("NHS", None, "NHS"),
        ("NHS", "", "NHS"),
    ],
)
def test_agency_and_team(agency, team, shown):
    assert agency_and_team(agency, team) == shown


@pytest.mark.django_db
def test_a_team_names_itself_with_its_agency_once():
    same = TeamFactory(agency=AgencyFactory(name="Family Support"), name="Family Support")
    other = TeamFactory(agency=AgencyFactory(name="NHS"), name="Health Visiting")
    assert same.name_with_agency == "Family Support"
    assert other.name_with_agency == "NHS – Health Visiting"
