"""Browser journeys for the security headers (ADR 0010): the API documentation works under the
Content-Security-Policy, the pages' own scripts run under it, and a violation really does fail a
journey (the ``page`` fixture's watch)."""

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory
from core.tests.factories import CouncilFactory, TeamFactory
from tests.browser import csp_violations, visit


def _sign_in(page: Page, live_server_url: str) -> None:
    user = UserFactory(
        username="api.reader", team=TeamFactory(), roles=[Role.PRACTITIONER], is_demo=False
    )
    device = TOTPDeviceFactory(user=user)
    visit(page, f"{live_server_url}/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Security code").fill(f"{code:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_under_the_csp_journey(live_server, page):
    CouncilFactory()
    _sign_in(page, live_server.url)
    requests_elsewhere = []
    page.on(
        "request",
        lambda request: (
            requests_elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )

    response = page.goto(f"{live_server.url}/api/docs/")

    assert response is not None and response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    # Swagger UI has fetched the schema and drawn the operations, styled by its own stylesheet.
    # The first group's operations (Swagger UI draws the groups nearest the top first).
    operation = page.locator(".opblock-get").filter(has_text="/api/v1/assessments/{id}/").first
    expect(operation).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Early Help API")
    operation.locator(".opblock-summary").click()
    expect(operation.get_by_role("button", name="Try it out")).to_be_visible()
    # Everything came from the product itself: no CDN, so the page also works on a closed network.
    assert requests_elsewhere == []
    # No CSP violations: the page fixture fails the journey at teardown if there were any.


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_page_scripts_run_under_the_csp_journey(live_server, page):
    CouncilFactory()

    visit(page, f"{live_server.url}/ask-for-help/")

    body_classes = page.evaluate("document.body.className").split()
    assert "js-enabled" in body_classes
    assert "govuk-frontend-supported" in body_classes
    # GOV.UK Frontend's initAll ran (from static/app.js): it marks each component it starts.
    skip_link = page.locator("[data-module='govuk-skip-link']")
    expect(skip_link).to_have_attribute("data-govuk-skip-link-init", "")


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_a_csp_violation_is_caught_journey(live_server, page):
    CouncilFactory()
    visit(page, f"{live_server.url}/accounts/sign-in/")

    # What an injected inline script and inline style would look like to the browser.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
          const style = document.createElement("style");
          style.textContent = "body { background: red; }";
          document.head.append(style);
        }"""
    )

    seen = csp_violations(page)
    for _ in range(20):  # the violation events arrive asynchronously
        if len(seen) >= 2:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.injected === undefined")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    assert any("script-src" in violation for violation in seen), seen
    assert any("style-src" in violation for violation in seen), seen
    # Provoked on purpose: cleared so the fixture does not fail this test for it.
    seen.clear()
