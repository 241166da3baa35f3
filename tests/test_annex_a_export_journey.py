"""Browser journey for Ofsted's Annex A List 2: a strategic lead goes from the navigation to
Reports and the list, is told plainly when the date is wrong (keeping what was typed), and
downloads the XLSX, whose header row is Ofsted's. axe checks every page."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from assessments.tests.factories import AssessmentFactory
from core import clock
from reporting import annex_a
from tests.browser import assert_no_axe_violations, fill_date, sign_in, visit


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_annex_a_export_journey(live_server, page):
    lead = UserFactory(roles=[Role.STRATEGIC_LEAD])
    device = TOTPDeviceFactory(user=lead)
    assessment = AssessmentFactory()
    child = assessment.children.get().person
    today = clock.today()

    visit(page, f"{live_server.url}/")
    sign_in(page, lead, device)
    page.get_by_role("navigation").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "reports page")
    page.get_by_role("link", name="Ofsted Annex A, List 2: early help").click()
    expect(page.get_by_role("heading", name="Ofsted Annex A, List 2: early help")).to_be_visible()
    assert_no_axe_violations(page, "Annex A List 2 page")

    # A date in the future: the error summary says so, and the date typed is kept.
    tomorrow = today + timedelta(days=1)
    fill_date(page, "What date does the list run to", tomorrow)
    page.get_by_role("button", name="Download the list").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date the list runs to must be today or in the past")
    expect(page.get_by_label("Day")).to_have_value(str(tomorrow.day))
    assert_no_axe_violations(page, "Annex A List 2 page with an error")

    fill_date(page, "What date does the list run to", today)
    page.get_by_label("Excel (XLSX)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the list").click()
    saved = download.value
    assert saved.suggested_filename == annex_a.filename(today, "xlsx")
    sheet = load_workbook(io.BytesIO(open(saved.path(), "rb").read())).active
    rows = list(sheet.values)
    assert list(rows[0]) == [column.header for column in annex_a.COLUMNS]
    assert [row[0] for row in rows[1:]] == [str(child.pk)]
