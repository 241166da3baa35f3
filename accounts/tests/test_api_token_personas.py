"""Who may do what on the API token pages: each role against each page, one exact status.

Every member of staff makes and revokes their own tokens; only a system administrator lists
everyone's and revokes anyone's. Someone else's token is 404 to anyone else, as if it did not
exist (its id says nothing).
"""

import pytest
from django.urls import reverse

from accounts.models import ApiToken, Role
from accounts.tests.factories import UserFactory, issue_api_token, sign_in_verified

pytestmark = pytest.mark.django_db

PAGES = ["api_tokens", "api_token_create", "api_tokens_all", "revoke_own", "revoke_other"]
_STAFF = {
    "api_tokens": 200,
    "api_token_create": 200,
    "api_tokens_all": 403,
    "revoke_own": 200,
    "revoke_other": 404,
}
EXPECTED = dict.fromkeys(Role.values, _STAFF) | {
    Role.SYSTEM_ADMINISTRATOR: dict.fromkeys(PAGES, 200)
}


def _urls(own: ApiToken, other: ApiToken) -> dict[str, str]:
    return {
        "api_tokens": reverse("accounts:api_tokens"),
        "api_token_create": reverse("accounts:api_token_create"),
        "api_tokens_all": reverse("accounts:api_tokens_all"),
        "revoke_own": reverse("accounts:api_token_revoke", kwargs={"token_id": own.pk}),
        "revoke_other": reverse("accounts:api_token_revoke", kwargs={"token_id": other.pk}),
    }


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_on_each_api_token_page(client, team, role):
    user = UserFactory(team=team, roles=[role])
    someone = UserFactory(team=team, roles=[Role.PRACTITIONER])
    issue_api_token(user, name="Mine")
    issue_api_token(someone, name="Theirs")
    urls = _urls(ApiToken.objects.get(user=user), ApiToken.objects.get(user=someone))
    sign_in_verified(client, user)

    statuses = {page: client.get(url).status_code for page, url in urls.items()}

    assert statuses == EXPECTED[role]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMINISTRATOR])
def test_no_role_but_the_administrator_revokes_someone_elses_token(client, team, role):
    user = UserFactory(team=team, roles=[role])
    someone = UserFactory(team=team, roles=[Role.PRACTITIONER])
    issue_api_token(someone, name="Theirs")
    theirs = ApiToken.objects.get()
    sign_in_verified(client, user)

    response = client.post(reverse("accounts:api_token_revoke", kwargs={"token_id": theirs.pk}))

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
