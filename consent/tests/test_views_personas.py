"""Who may do what on a family's consent pages: each role against each page, one exact status.

404: the family is not in the role's scope (another team's family). 403: the role may not do
this at all (no case access, or not one who records consent or authorises going ahead without
it), whatever family it asks for. A refused POST records nothing.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consent.models import ConsentDecision, ConsentOverride
from consent.tests.conftest import client_for
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory
from people.tests.factories import family_with_members

pytestmark = pytest.mark.django_db

PAGES = ["family", "record", "override"]
_NOT_FOR_THIS_ROLE = dict.fromkeys(PAGES, 403)
EXPECTED = {
    "practitioner": {"family": 200, "record": 200, "override": 403},
    "lead_professional": {"family": 200, "record": 200, "override": 403},
    "team_manager": dict.fromkeys(PAGES, 200),
    "early_support_team_leader": dict.fromkeys(PAGES, 200),
    "business_support": {"family": 200, "record": 403, "override": 403},
    "panel_chair": _NOT_FOR_THIS_ROLE,
    "panel_member": _NOT_FOR_THIS_ROLE,
    "strategic_lead": _NOT_FOR_THIS_ROLE,
    "system_administrator": _NOT_FOR_THIS_ROLE,
}
# Another team's family: out of scope for those who see only their teams' families. The early
# support service sees every family; roles with no case access are refused before scope.
EXPECTED_FOR_ANOTHER_TEAMS_FAMILY = {
    "practitioner": dict.fromkeys(PAGES, 404),
    "lead_professional": dict.fromkeys(PAGES, 404),
    "team_manager": dict.fromkeys(PAGES, 404),
    "early_support_team_leader": dict.fromkeys(PAGES, 200),
    "business_support": {"family": 200, "record": 403, "override": 403},
    "panel_chair": _NOT_FOR_THIS_ROLE,
    "panel_member": _NOT_FOR_THIS_ROLE,
    "strategic_lead": _NOT_FOR_THIS_ROLE,
    "system_administrator": _NOT_FOR_THIS_ROLE,
}
EARLY_SUPPORT_SERVICE = {"early_support_team_leader", "business_support"}


def _user(persona: str, team):
    role = Role(persona)
    if persona in EARLY_SUPPORT_SERVICE:
        agency = EarlySupportAgencyFactory()
        return UserFactory(team=TeamFactory(agency=agency), agency=agency, roles=[role])
    user = UserFactory(team=team, roles=[role])
    if role == Role.TEAM_MANAGER:
        user.managed_teams.add(team)
    return user


def _urls(family) -> dict[str, str]:
    return {page: reverse(f"consent:{page}", kwargs={"family_id": family.pk}) for page in PAGES}


def _statuses(client, urls, method) -> dict[str, int]:
    send = client.get if method == "get" else client.post
    # POST only to the forms: the summary page answers GET alone.
    return {
        page: send(url).status_code
        for page, url in urls.items()
        if method == "get" or page != "family"
    }


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_role_on_its_teams_familys_consent_pages(persona, team):
    family = family_with_members(team=team, children=1, adults=1)
    client = client_for(_user(persona, team))

    assert _statuses(client, _urls(family), "get") == EXPECTED[persona]


@pytest.mark.parametrize("persona", list(EXPECTED_FOR_ANOTHER_TEAMS_FAMILY))
def test_each_role_on_another_teams_familys_consent_pages(persona, team, other_team):
    family = family_with_members(team=other_team, children=1, adults=0)
    client = client_for(_user(persona, team))

    assert _statuses(client, _urls(family), "get") == EXPECTED_FOR_ANOTHER_TEAMS_FAMILY[persona]


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_an_empty_post_is_the_form_again_or_refused_and_records_nothing(persona, team):
    family = family_with_members(team=team, children=1, adults=1)
    client = client_for(_user(persona, team))

    statuses = _statuses(client, _urls(family), "post")

    expected = {page: EXPECTED[persona][page] for page in ("record", "override")}
    assert statuses == expected
    assert not ConsentDecision.objects.exists() and not ConsentOverride.objects.exists()


def test_the_summary_offers_only_what_the_role_may_do(team):
    family = family_with_members(team=team, children=1, adults=1)
    url = reverse("consent:family", kwargs={"family_id": family.pk})
    record = reverse("consent:record", kwargs={"family_id": family.pk})
    override = reverse("consent:override", kwargs={"family_id": family.pk})

    offered = {}
    for persona in ("practitioner", "team_manager", "business_support"):
        html = client_for(_user(persona, team)).get(url).content.decode()
        offered[persona] = (record in html, override in html)

    assert offered == {
        "practitioner": (True, False),
        "team_manager": (True, True),
        "business_support": (False, False),
    }


def test_signed_out_visitors_are_sent_to_sign_in(client, team):
    family = family_with_members(team=team, children=1, adults=0)
    for page, url in _urls(family).items():
        response = client.get(url)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("accounts:login")), page
