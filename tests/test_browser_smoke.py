"""Smoke tests for the browser-test machinery itself: Chromium launches and axe runs.

They use ``set_content`` rather than the live server so that a broken app page
cannot be confused with broken test infrastructure.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser import assert_no_axe_violations

ACCESSIBLE_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template">
  <head>
    <meta charset="utf-8">
    <title>Smoke test - Early Help - GOV.UK</title>
  </head>
  <body class="govuk-template__body">
    <header class="govuk-header" role="banner">
      <p class="govuk-header__service-name">Early Help</p>
    </header>
    <div class="govuk-width-container">
      <main class="govuk-main-wrapper" id="main-content" role="main">
        <h1 class="govuk-heading-l">Smoke test</h1>
        <p class="govuk-body">The browser and the accessibility check both work.</p>
      </main>
    </div>
  </body>
</html>
"""

INACCESSIBLE_PAGE = ACCESSIBLE_PAGE.replace(
    '<p class="govuk-body">', '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">\n<p>'
)


@pytest.mark.journey
def test_browser_smoke_journey(page: Page) -> None:
    page.set_content(ACCESSIBLE_PAGE)

    assert page.title() == "Smoke test - Early Help - GOV.UK"
    assert_no_axe_violations(page, "smoke test page")


@pytest.mark.journey
def test_axe_check_fails_on_a_violation(page: Page) -> None:
    page.set_content(INACCESSIBLE_PAGE)

    with pytest.raises(AssertionError, match="image-alt"):
        assert_no_axe_violations(page, "page with an image missing alt text")
