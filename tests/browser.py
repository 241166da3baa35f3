"""Helpers for the browser (journey) tests: which Chromium to launch, the axe check and the
Content-Security-Policy watch.

Every page a journey visits goes through ``visit`` so that each one is checked
against WCAG 2.2 AA with axe-core, not just the pages someone remembered to check.
Every page any journey opens is watched for CSP violations (``watch_csp_violations``,
installed by the ``page`` fixture), so a blocked script or style fails the journey.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

REPO_ROOT = Path(__file__).resolve().parent.parent
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the Public Sector Bodies Accessibility
# Regulations standard. axe has no "wcag22a" tag; its 2.2 rules are all AA.
WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

# Debian's Chromium (not Playwright's download) is used where Playwright's CDN is
# unreachable. The background-networking flags stop it phoning home for updates,
# field trials and sync, which on a closed network only adds noise and delay.
LAUNCH_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

_SYSTEM_CHROMIUMS: tuple[str, ...] = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}
"""


# Runs in every page before its own scripts (a DevTools init script, which the page's CSP does
# not govern) and turns each violation into a console error the test side can collect.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.documentURI +
    (event.sourceFile ? " (" + event.sourceFile + ":" + event.lineNumber + ")" : "")
  );
});
"""
_CSP_MARKERS = ("CSP violation: ", "Content Security Policy")

_violations: WeakKeyDictionary[BrowserContext, list[str]] = WeakKeyDictionary()


def watch_csp_violations(context: BrowserContext) -> list[str]:
    """Collect every CSP violation in ``context``'s pages into the returned (live) list.

    Both the page's securitypolicyviolation events and Chromium's own console errors ("... violates
    the following Content Security Policy directive ...") are caught.
    """
    found: list[str] = []
    _violations[context] = found

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and any(marker in message.text for marker in _CSP_MARKERS):
            found.append(message.text)

    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    context.on("console", on_console)
    return found


def csp_violations(page: Page) -> list[str]:
    """The CSP violations seen so far in ``page``'s context (a test that provokes one on purpose
    clears this list so the ``page`` fixture does not fail it)."""
    return _violations.setdefault(page.context, [])


def chromium_executable() -> str | None:
    """Path of the Chromium to drive, or None to let Playwright use its own download."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    for candidate in _SYSTEM_CHROMIUMS:
        if Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def launch_args() -> list[str]:
    return list(LAUNCH_ARGS)


def format_violations(violations: Sequence[dict[str, Any]], context_label: str) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {context_label}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact') or 'unknown impact'}]: "
            f"{violation['help']} ({violation.get('helpUrl', '')})"
        )
        targets: list[str] = violation.get("targets", [])
        for target in targets[:3]:
            lines.append(f"    at {target}")
        if len(targets) > 3:
            lines.append(f"    ...and {len(targets) - 3} more")
    return "\n".join(lines)


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def _inject_axe(page: Page) -> None:
    if page.evaluate("typeof window.axe !== 'undefined'"):
        return
    if not AXE_SCRIPT.is_file():
        raise RuntimeError(
            f"axe-core not found at {AXE_SCRIPT}. Run `npm install` in {REPO_ROOT} "
            "to install the front-end and test dependencies."
        )
    # Evaluated over DevTools rather than added as a <script> (add_script_tag inlines the file),
    # so the site's strict script-src neither blocks axe nor reports it as a violation.
    page.evaluate(_axe_source())
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        raise RuntimeError("axe-core was evaluated in the page but window.axe is not defined.")


def assert_no_axe_violations(page: Page, context_label: str) -> None:
    """Fail with a readable list if axe finds any WCAG 2.2 A/AA violation on the page."""
    _inject_axe(page)
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE, list(WCAG_TAGS))
    if violations:
        raise AssertionError(format_violations(violations, context_label))


def visit(page: Page, url: str) -> Response:
    """Go to ``url``, check it did not error, and check the page with axe."""
    response = page.goto(url)
    assert response is not None, f"No response navigating to {url}"
    assert response.status < 400, f"GET {url} returned HTTP {response.status}"
    assert_no_axe_violations(page, url)
    return response


def totp_code(device) -> str:
    """A security code the device will accept now.

    django-otp refuses a code from a time step it has already accepted, so a user who signs in
    twice within 30 seconds (a journey switching back to them) needs the next step's code, which
    the device's tolerance accepts; past the tolerance, wait for the next step.
    """
    import time

    from django_otp.oath import totp

    device.refresh_from_db()
    step_now = int((time.time() - device.t0) // device.step)
    drift = max(0, device.last_t + 1 - step_now)
    if drift > device.tolerance:
        time.sleep(
            (drift - device.tolerance) * device.step - (time.time() - device.t0) % device.step + 0.5
        )
        return totp_code(device)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def sign_in(page: Page, user, device) -> None:
    """Sign in on the page in front of it (the sign-in form), with the password every test user
    has and a security code the device will accept."""
    from playwright.sync_api import expect

    from accounts.tests.factories import TEST_PASSWORD

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.get_by_label("Security code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    give_code_again_if_asked(page, device)


def give_code_again_if_asked(page: Page, device) -> None:
    """On a loaded machine a code can reach the server in the time step after the one it was made
    for, past the device's tolerance; the page then asks again, as it would a person: give the
    code of the step that is now current, once."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    heading = page.get_by_role("heading", level=1)
    try:
        expect(heading).not_to_have_text("Enter your security code", timeout=10_000)
    except (AssertionError, PlaywrightTimeout):
        page.get_by_label("Security code").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
        expect(heading).not_to_have_text("Enter your security code")


def fill_date(page: Page, group: str, value) -> None:
    """Fill the GOV.UK date input whose fieldset's name matches the pattern ``group``."""
    import re

    fieldset = page.get_by_role("group", name=re.compile(group))
    fieldset.get_by_label("Day").fill(str(value.day))
    fieldset.get_by_label("Month").fill(str(value.month))
    fieldset.get_by_label("Year").fill(str(value.year))


def tray_section(page: Page, key: str):
    """One section of the home page's work tray (``core/_work_tray.html``)."""
    return page.locator(f"#tray-{key}")
