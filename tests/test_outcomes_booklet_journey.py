"""Browser journey for the partnership's reports (issue 13): a strategic lead goes from the
navigation to the dashboard, filters it by an early help area, opens that area's report card,
which names its statistical test and p-value, asks for a draft of the quarterly neglect booklet
as a PDF and downloads it from the page of its background run, issues it with the board's
commentary (a run too), and downloads Ofsted's Annex A List 2 as XLSX. axe checks every page.
The tasks run as they are queued (the root conftest), so a run has finished by the time its page
opens."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import TOTPDeviceFactory, UserFactory
from assessments.tests.factories import AssessmentFactory
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from core import clock
from core.tests.factories import AreaFactory
from people.tests.factories import FamilyFactory
from reporting import annex_a
from reporting.forms import latest_complete_quarter
from reporting.indicators import Period
from reporting.models import NeglectBooklet
from tests.browser import assert_no_axe_violations, sign_in, visit


def _step_ups(how_many: int, ended_on, area) -> None:
    for _ in range(how_many):
        EpisodeFactory(
            family=FamilyFactory(area=area),
            status=Episode.Status.STEPPED_UP,
            end_reason=Episode.EndReason.STEP_UP,
            started_on=ended_on - timedelta(days=30),
            ended_on=ended_on,
        )


@pytest.mark.journey
@pytest.mark.django_db(transaction=True)
def test_outcomes_booklet_journey(live_server, page):
    lead = UserFactory(roles=[Role.STRATEGIC_LEAD])
    device = TOTPDeviceFactory(user=lead)
    today = clock.today()
    year, number = (int(part) for part in latest_complete_quarter(today).split("-"))
    quarter = Period.quarter(year, number)
    # In Kirkby: 20 step-ups in the last complete quarter against 5 in the one before, a change
    # the exact Poisson test finds (p = 0.0041 for equal lengths; a little different otherwise).
    kirkby, other = AreaFactory(name="Kirkby"), AreaFactory(name="Other area")
    _step_ups(20, quarter.end - timedelta(days=3), kirkby)
    _step_ups(5, quarter.start - timedelta(days=10), kirkby)
    _step_ups(7, quarter.end - timedelta(days=3), other)
    AssessmentFactory()

    visit(page, f"{live_server.url}/")
    sign_in(page, lead, device)
    page.get_by_role("navigation").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "reports page")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "dashboard")
    page.get_by_label("Early help area", exact=True).select_option(label="Kirkby")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("main")).to_contain_text("Kirkby")
    assert_no_axe_violations(page, "dashboard filtered by an area")

    page.get_by_role("link", name="Report card for Kirkby").click()
    expect(page.get_by_role("heading", name="Report card", exact=True)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Kirkby")
    expect(main).to_contain_text("Exact test for two Poisson counts gives p = 0.0")
    assert_no_axe_violations(page, "report card")

    page.get_by_role("link", name="Back to reports").click()
    page.get_by_role("link", name="Neglect performance indicator booklet").click()
    expect(
        page.get_by_role("heading", name="Neglect Performance Indicator booklet")
    ).to_be_visible()
    assert_no_axe_violations(page, "neglect booklet page")
    page.get_by_role("button", name="Make a draft PDF").click()
    expect(page.get_by_role("heading", name="Draft of the booklet (PDF)")).to_be_visible()
    assert_no_axe_violations(page, "the draft's run page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the draft (PDF)").click()
    draft = download.value
    assert draft.suggested_filename == f"neglect-booklet-{year}-q{number}-draft.pdf"
    assert open(draft.path(), "rb").read(5) == b"%PDF-"

    page.get_by_role("link", name="Back to the neglect booklet").click()
    # The draft is listed among the reader's recent requests.
    expect(page.get_by_role("link", name="Draft PDF")).to_be_visible()
    page.get_by_label("The board's commentary").fill("Step-ups rose in Kirkby; the board asks why.")
    page.get_by_role("button", name="Issue the booklet").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("edition 1")
    assert_no_axe_violations(page, "the issue's run page")
    page.get_by_role("link", name="Go to the issued booklets").click()
    assert_no_axe_violations(page, "neglect booklet page after issuing")
    issued = NeglectBooklet.objects.get()
    assert (issued.year, issued.quarter, issued.edition) == (year, number, 1)
    assert issued.commentary == "Step-ups rose in Kirkby; the board asks why."
    with page.expect_download() as download:
        page.get_by_role("link", name=f"PDF of quarter {number}, {year}, edition 1").click()
    assert download.value.suggested_filename == f"neglect-booklet-{year}-q{number}-edition-1.pdf"
    assert bytes(issued.pdf) == open(download.value.path(), "rb").read()

    page.get_by_role("link", name="Back to reports").click()
    page.get_by_role("link", name="Ofsted Annex A, List 2: early help").click()
    assert_no_axe_violations(page, "Annex A List 2 page")
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Excel (XLSX)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the list").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert list(next(sheet.values)) == [column.header for column in annex_a.COLUMNS]
