"""Who may do what on the risk factor pages: each role against each page, one exact status.

404: the family is not in the role's scope (roles with no case access have no family in scope).
403: the role may not do this (business support keep records but do not judge risk; reviewing the
factors is for whoever may change the episode). A refused POST records nothing.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.tests.factories import EarlySupportAgencyFactory, TeamFactory
from risk_factors.models import FactorReview, RiskFactor
from risk_factors.tests.factories import RiskFactorFactory
from risk_factors.tests.helpers import make_world

pytestmark = pytest.mark.django_db

PAGES = ["family", "add", "end", "review"]
NONE_OF_IT = dict.fromkeys(PAGES, 404)
EXPECTED = {
    "practitioner": {"family": 200, "add": 200, "end": 200, "review": 403},
    # Another lead professional in the team: not this episode's lead.
    "lead_professional": {"family": 200, "add": 200, "end": 200, "review": 403},
    "team_manager": dict.fromkeys(PAGES, 200),
    "early_support_team_leader": dict.fromkeys(PAGES, 200),
    "business_support": {"family": 200, "add": 403, "end": 403, "review": 403},
    "panel_chair": NONE_OF_IT,
    "panel_member": NONE_OF_IT,
    "strategic_lead": NONE_OF_IT,
    "system_administrator": NONE_OF_IT,
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


@pytest.fixture
def setting(team):
    world = make_world(team=team)
    factor = RiskFactorFactory(family=world.family, recorded_by=world.lead)
    urls = {
        "family": reverse("risk_factors:family", kwargs={"family_id": world.family.pk}),
        "add": reverse("risk_factors:add", kwargs={"family_id": world.family.pk}),
        "end": reverse("risk_factors:end", kwargs={"factor_id": factor.pk}),
        "review": reverse("risk_factors:review", kwargs={"review_id": world.review.pk}),
    }
    return world, factor, urls


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_gets_exactly(persona, client, team, setting):
    _world, _factor, urls = setting
    sign_in_verified(client, _user(persona, team))
    got = {page: client.get(url).status_code for page, url in urls.items()}
    assert got == EXPECTED[persona]


@pytest.mark.parametrize("persona", ["business_support", "practitioner"])
def test_a_refused_post_records_nothing(persona, client, team, setting):
    world, factor, urls = setting
    sign_in_verified(client, _user(persona, team))
    body = {f"factor_{factor.pk}": "ended", f"changed_{factor.pk}": "x", "version": 1}
    assert client.post(urls["review"], body).status_code == 403
    if persona == "business_support":
        assert client.post(urls["add"], {"factor": "poverty"}).status_code == 403
        assert client.post(urls["end"], {"reason": "x"}).status_code == 403
    assert RiskFactor.objects.count() == 1
    assert not FactorReview.objects.exists()
    factor.refresh_from_db()
    assert factor.status == "present"
