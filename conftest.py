"""Fixtures shared by every app's tests."""

import os
import tempfile

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from core.tests.factories import CouncilFactory, TeamFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is deliberately slow (PBKDF2, a million rounds); tests create and sign in
    # hundreds of users, so they use Django's test-only fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # A test sees the effect of what it did without a worker: tasks queued by the code under test
    # run when they are queued. Tests of the queue itself (core/tests/test_background_work.py)
    # put the database queue back and run a real worker.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.fixture
def council(db):
    return CouncilFactory()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def other_team(db):
    return TeamFactory()


@pytest.fixture
def practitioner(db, team):
    return UserFactory(team=team, roles=[Role.PRACTITIONER])


@pytest.fixture
def practitioner_client(client, practitioner):
    return sign_in_verified(client, practitioner)


@pytest.fixture
def manager(db, team):
    user = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    user.managed_teams.add(team)
    return user


@pytest.fixture
def manager_client(client, manager):
    return sign_in_verified(client, manager)


# --- The test database when journeys run on SQLite ----------------------------------
#
# Django tests SQLite in memory, shared between connections ("cache=shared"). The live server's
# request threads each open their own connection to it, and a shared in-memory database locks
# whole tables: a transaction that meets another connection's open transaction fails at once with
# "database table is locked" (SQLITE_LOCKED), which the busy timeout does not cover. A journey
# overlaps transactions all the time (the browser's favicon request and the next page, the test's
# own set-up through the services while a request finishes), so under load a page now and then
# became a 500 (the error page, rendered without the council: axe then finds header links with no
# text) or a request's work, and the messages it sends, failed. In a file each connection waits
# its turn (busy timeout, BEGIN IMMEDIATE), as the quick start's database does; in a RAM-backed
# folder where there is room, so it stays about as fast.


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    if not any(item.get_closest_marker("journey") for item in request.session.items):
        return
    test = database.setdefault("TEST", {})
    if test.get("NAME") and "memory" not in str(test["NAME"]):
        return  # a file already
    folder = tempfile.gettempdir()
    if os.path.isdir("/dev/shm"):
        ram = os.statvfs("/dev/shm")
        if ram.f_bavail * ram.f_frsize >= 1024**3:  # containers often give it only 64 MB
            folder = "/dev/shm"
    # One file per process (each pytest-xdist worker, each checkout's run), removed at the end.
    test["NAME"] = os.path.join(folder, f"earlyhelp-test-{os.getpid()}.sqlite3")


# --- Browser (journey) tests -------------------------------------------------------
#
# A journey test looks like:
#
#     @pytest.mark.journey
#     @pytest.mark.django_db(transaction=True)
#     def test_something_journey(live_server, page):
#         visit(page, live_server.url + "/some/page/")
#
# transaction=True because the live server runs in another thread, which cannot see
# data left uncommitted inside the test's own transaction.

_reports_key = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Kept on the item so the page fixture can tell, at teardown, whether the test failed.
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


@pytest.fixture
def page(request, monkeypatch):
    """A Chromium page for one journey test, with its own Playwright and browser.

    Playwright's sync API runs an asyncio loop in this thread while it is started, so
    Django would refuse ORM calls here as "async"; nothing is async, so the check is
    switched off for this test only and the loop is stopped before the test database
    is flushed.
    """
    import re

    from django.db import connections
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect, sync_playwright

    from tests.browser import REPO_ROOT, chromium_executable, launch_args, watch_csp_violations

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = chromium_executable()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=launch_args()
            )
        except PlaywrightError as error:
            pytest.fail(
                f"Could not launch Chromium ({executable or 'Playwright bundled'}): {error}\n"
                "Run scripts/ensure_chromium.sh, or set CHROMIUM_PATH.",
                pytrace=False,
            )
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
        )
        # 30 seconds by default: a loaded machine (CI, xdist on every core) misses a 10-second wait
        # now and then. PLAYWRIGHT_TIMEOUT_MS changes it, e.g. lower to find slow pages sooner; it
        # covers both actions and expect() assertions (which otherwise give up after 5 seconds).
        timeout_ms = int(os.environ.get("PLAYWRIGHT_TIMEOUT_MS", "30000"))
        context.set_default_timeout(timeout_ms)
        expect.set_options(timeout=timeout_ms)
        # Every journey doubles as a check of the Content-Security-Policy (ADR 0010): anything the
        # policy blocks on any page fails the test, so an inline script or style cannot creep back.
        csp_violations = watch_csp_violations(context)
        browser_page = context.new_page()
        test_failed = False
        try:
            yield browser_page
        finally:
            reports = request.node.stash.get(_reports_key, {})
            test_failed = any(report.failed for report in reports.values())
            if not test_failed:
                try:
                    browser_page.evaluate("0")  # a round trip, so late console events arrive
                except PlaywrightError:
                    pass
            if test_failed:
                shots = REPO_ROOT / "test-results"
                shots.mkdir(exist_ok=True)
                safe_name = re.sub(r"[^\w.-]+", "_", request.node.name)
                try:
                    browser_page.screenshot(path=shots / f"{safe_name}.png", full_page=True)
                except PlaywrightError:
                    pass  # a crashed page must not mask the test's own failure
            # While the loop runs Django keys this thread's connection per context, not
            # per thread: close it here or PostgreSQL cannot drop the test database.
            connections.close_all()
            context.close()
            browser.close()
        if csp_violations and not test_failed:
            pytest.fail(
                "The Content-Security-Policy blocked something "
                "(see docs/adr/0010-security-headers.md):\n"
                + "\n".join(f"- {violation}" for violation in csp_violations),
                pytrace=False,
            )


# --- Summaries tests leave for the terminal --------------------------------------------
#
# A probe records a one-line summary with record_property("authorisation_matrix", ...) or
# record_property("probe_summary", ...); its report carries it (from pytest-xdist workers too), and
# it is printed after the run.

_TERMINAL_SUMMARIES: list[str] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _TERMINAL_SUMMARIES.extend(
            v for k, v in report.user_properties if k in ("authorisation_matrix", "probe_summary")
        )


def pytest_terminal_summary(terminalreporter):
    for line in _TERMINAL_SUMMARIES:
        terminalreporter.write_line(line)
