"""Fixtures for the browser (journey) tests.

A journey test looks like::

    @pytest.mark.journey
    @pytest.mark.django_db(transaction=True)
    def test_something_journey(live_server, page):
        visit(page, live_server.url + "/some/page/")

``transaction=True`` is needed because the live server runs in another thread,
which cannot see data left uncommitted inside the test's own transaction.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.browser import REPO_ROOT, chromium_executable, launch_args

SCREENSHOT_DIR = REPO_ROOT / "test-results"
DEFAULT_TIMEOUT_MS = 10_000

_reports_key = pytest.StashKey[dict[str, pytest.TestReport]]()


def _allow_django_sync_orm_under_playwright() -> None:
    # Playwright's sync API keeps an asyncio loop running in the test thread for as
    # long as Playwright is started, so Django treats every ORM call there (test
    # data set-up, the transactional flush at teardown) as "from async context" and
    # refuses it. Nothing is actually async, so switching the check off is safe.
    # It is deliberately not restored: the loop outlives any single test.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    # Kept on the item so the page fixture can tell, at teardown, whether the test failed.
    report: pytest.TestReport = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture(autouse=True)
def _journey_django_async_unsafe(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("journey") is not None:
        _allow_django_sync_orm_under_playwright()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    _allow_django_sync_orm_under_playwright()
    executable = chromium_executable()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable,
                headless=True,
                args=launch_args(),
            )
        except PlaywrightError as error:
            pytest.fail(
                f"Could not launch Chromium ({executable or 'Playwright bundled'}): {error}\n"
                "Run scripts/ensure_chromium.sh, or set CHROMIUM_PATH.",
                pytrace=False,
            )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        reports = request.node.stash.get(_reports_key, {})
        if any(report.failed for report in reports.values()):
            _save_screenshot(page, request.node.name)
        context.close()


def _save_screenshot(page: Page, test_name: str) -> None:
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    safe_name = re.sub(r"[^\w.-]+", "_", test_name)
    try:
        page.screenshot(path=SCREENSHOT_DIR / f"{safe_name}.png", full_page=True)
    except PlaywrightError:
        # A crashed or closed page must not mask the test's own failure.
        pass
