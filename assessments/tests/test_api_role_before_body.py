"""Starting an assessment: the role is settled before the body is read (the error
contract: 404 out of scope, then 403, then 400), by the rule the service uses
(assessments.rules), so a role that may not write is 403 whatever it sent."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from assessments import services
from assessments.models import Assessment

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assessments/"
MAY_NOT_WRITE = [
    Role.BUSINESS_SUPPORT,
    Role.PANEL_CHAIR,
    Role.PANEL_MEMBER,
    Role.STRATEGIC_LEAD,
    Role.SYSTEM_ADMINISTRATOR,
]


@pytest.mark.parametrize("role", MAY_NOT_WRITE)
def test_a_role_that_may_not_write_gets_403_empty_or_valid(role, team, family, children):
    api = sign_in_verified(APIClient(), UserFactory(team=team, roles=[role]))
    assert api.post(BASE, {}, format="json").status_code == 403
    valid = {"family": str(family.pk), "children": [str(c.pk) for c in children]}
    assert api.post(BASE, valid, format="json").status_code == 403
    assert not Assessment.objects.exists()


def test_a_writer_with_an_empty_body_gets_400(practitioner):
    response = sign_in_verified(APIClient(), practitioner).post(BASE, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"family", "children"}
    assert not Assessment.objects.exists()


def test_the_service_asks_the_same_rule(team, family, children):
    business_support = UserFactory(team=team, roles=[Role.BUSINESS_SUPPORT])
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=business_support, family=family, children=children)
    assert not Assessment.objects.exists()
