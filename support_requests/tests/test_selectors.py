import pytest
import rules
from django.http import Http404

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.tests.factories import TeamFactory
from support_requests import selectors
from support_requests.models import SupportRequest
from support_requests.tests.factories import SupportRequestChildFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests(area_x, area_y):
    return {
        "x": SupportRequestFactory(area=area_x),
        "y": SupportRequestFactory(area=area_y),
        "unknown": SupportRequestFactory(area=None, location_given="Somewhere"),
    }


def visible(user) -> set[str]:
    return set(selectors.requests_for(user).values_list("reference", flat=True))


def refs(requests, *keys) -> set[str]:
    return {requests[k].reference for k in keys}


def test_team_leader_sees_their_area_and_requests_with_no_area(leader_x, leader_y, requests):
    assert visible(leader_x) == refs(requests, "x", "unknown")
    assert visible(leader_y) == refs(requests, "y", "unknown")


def test_business_support_in_the_early_support_service_sees_their_area(
    business_support_x, requests
):
    assert visible(business_support_x) == refs(requests, "x", "unknown")


def test_team_leader_in_a_team_without_an_area_sees_every_area(central_leader, requests):
    assert visible(central_leader) == refs(requests, "x", "y", "unknown")


def test_team_leader_with_no_team_sees_every_area(early_support_agency, requests):
    user = UserFactory(
        team=None, agency=early_support_agency, roles=[Role.EARLY_SUPPORT_TEAM_LEADER]
    )
    assert visible(user) == refs(requests, "x", "y", "unknown")


@pytest.mark.parametrize(
    "persona",
    [
        "school_practitioner",
        "school_business_support",
        "early_support_practitioner",
        "team_manager",
        "system_admin",
    ],
)
def test_nobody_else_sees_any_request(request, persona, requests):
    user = request.getfixturevalue(persona)
    assert visible(user) == set()
    assert not rules.has_perm("support_requests.see_requests", user)
    with pytest.raises(Http404):
        selectors.request_detail(user, requests["x"].pk)


def test_a_team_leader_outside_the_early_support_service_sees_none(area_x, requests):
    user = UserFactory(team=TeamFactory(area=area_x), roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    assert visible(user) == set()


def test_inactive_or_anonymous_users_see_none(leader_x, requests):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    leader_x.is_active = False
    assert visible(leader_x) == set()


def test_request_in_another_area_is_not_found(leader_y, requests):
    with pytest.raises(Http404):
        selectors.request_detail(leader_y, requests["x"].pk)
    with pytest.raises(Http404):
        selectors.get_request(leader_y, requests["x"].pk)
    assert selectors.request_detail(leader_y, requests["y"].pk) == requests["y"]


def test_queue_has_open_requests_oldest_first_with_children_counted(leader_x, area_x):
    first = SupportRequestFactory(area=area_x)
    SupportRequestChildFactory.create_batch(2, support_request=first)
    second = SupportRequestFactory(area=area_x, status=SupportRequest.Status.IN_TRIAGE)
    SupportRequestFactory(area=area_x, status=SupportRequest.Status.CLOSED)
    queue = list(selectors.queue_for(leader_x))
    assert queue == [first, second]
    assert [r.children_count for r in queue] == [2, 0]
