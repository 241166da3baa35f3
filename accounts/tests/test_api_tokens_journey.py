"""Browser journey: a member of staff signs in with a security code, makes an API token from their
home page, uses it, and revokes it. axe-core checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken, Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.tests.factories import CouncilFactory, TeamFactory
from tests.browser import assert_no_axe_violations, totp_code, visit


def _code(device) -> str:
    return totp_code(device)


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_make_use_and_revoke_an_api_token_journey(live_server, page):
    CouncilFactory()
    user = UserFactory(
        username="pat.panel", team=TeamFactory(), roles=[Role.PANEL_MEMBER], is_demo=False
    )
    device = TOTPDeviceFactory(user=user)

    visit(page, f"{live_server.url}/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(_code(device))
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens")).to_be_visible()
    assert_no_axe_violations(page, "API tokens page (none yet)")
    page.get_by_role("link", name="Create an API token").click()
    assert_no_axe_violations(page, "create an API token")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("link", name="Enter what the token is for")).to_be_visible()
    assert_no_axe_violations(page, "create an API token, with an error")
    page.get_by_label("What is the token for?").fill("Panel pack export")
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    assert_no_axe_violations(page, "new API token")
    raw = page.locator("#api-token").inner_text().strip()
    assert re.fullmatch(r"eh_[0-9a-f]{64}", raw)
    api = f"{live_server.url}/api/v1/panels/"
    assert page.request.get(api, headers={"Authorization": f"Token {raw}"}).status == 200

    page.get_by_role("link", name="I have copied the token").click()
    row = page.get_by_role("row", name=re.compile("Panel pack export"))
    expect(row).to_be_visible()
    expect(page.get_by_text(raw)).to_have_count(0)
    assert_no_axe_violations(page, "API tokens page")
    row.get_by_role("link", name=re.compile("Revoke")).click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to revoke this API token?")
    ).to_be_visible()
    assert_no_axe_violations(page, "revoke an API token")
    page.get_by_role("button", name="Revoke token").click()

    expect(page.get_by_text("has been revoked")).to_be_visible()
    expect(page.get_by_text("You have no API tokens that are still valid.")).to_be_visible()
    assert not ApiToken.objects.exists()
    assert page.request.get(api, headers={"Authorization": f"Token {raw}"}).status == 401
