"""The quarterly neglect booklet on a small hand-built quarter, July to September 2026 (compared
with April to June 2026 and July to September 2025), seen on 20 October 2026: its contents, its
PDF and spreadsheet, issuing editions, and its pages (who may, the audit, the queries)."""

import hashlib
import html
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory, sign_in_verified
from casework.models import Episode
from casework.tests.factories import EpisodeFactory
from core.models import AuditEvent
from core.tests.factories import AreaFactory
from neglect.models import Category
from neglect.tests.factories import NeglectConcernFactory, NeglectObservationFactory, child_of
from people.tests.factories import FamilyFactory
from reporting import booklet, selectors, services
from reporting.indicators import all_indicators
from reporting.models import NeglectBooklet, ReportRun

pytestmark = pytest.mark.django_db

STEP_UPS = "Step-ups to children's social care"


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 10, 20, 10, tzinfo=UTC), tick=False):
        yield


def _stepped_up(ended_on: date) -> Episode:
    return EpisodeFactory(
        status=Episode.Status.STEPPED_UP, ended_on=ended_on, end_reason=Episode.EndReason.STEP_UP
    )


def _concern(area, *, born: date, identified_on: date, categories=()):
    family = FamilyFactory(area=area)
    concern = NeglectConcernFactory(
        family=family, child=child_of(family, date_of_birth=born), identified_on=identified_on
    )
    for category in categories:
        NeglectObservationFactory(concern=concern, category=category)
    return concern


@pytest.fixture
def quarter(frozen):
    """Six step-ups in the quarter (the first and last days included), two in the quarter
    before, none a year before; seven neglect concerns in the quarter and two just outside."""
    for day in (date(2026, 7, 1), date(2026, 7, 15), date(2026, 8, 1), date(2026, 8, 20)):
        _stepped_up(day)
    _stepped_up(date(2026, 9, 2))
    _stepped_up(date(2026, 9, 30))
    _stepped_up(date(2026, 4, 1))
    _stepped_up(date(2026, 6, 30))
    _stepped_up(date(2026, 10, 1))  # the day after the quarter: in none of the three
    north = AreaFactory(name="North Kirklees", code="north", sort_order=1)
    south = AreaFactory(name="South Kirklees", code="south", sort_order=2)
    # Five babies in the north, under 1 on the day (one born on 1 August 2025, identified on
    # 31 July 2026: still 0), each with a nutritional observation; two of them emotional too
    # (one with two emotional observations: it counts once).
    babies = [
        _concern(north, born=date(2026, 1, 5), identified_on=date(2026, 7, 1)),
        _concern(north, born=date(2025, 8, 1), identified_on=date(2026, 7, 31)),
        _concern(north, born=date(2026, 2, 1), identified_on=date(2026, 8, 10)),
        _concern(north, born=date(2026, 3, 1), identified_on=date(2026, 9, 1)),
        _concern(north, born=date(2026, 4, 1), identified_on=date(2026, 9, 30)),
    ]
    for concern in babies:
        NeglectObservationFactory(concern=concern, category=Category.NUTRITIONAL)
    NeglectObservationFactory(concern=babies[0], category=Category.EMOTIONAL)
    NeglectObservationFactory(concern=babies[1], category=Category.EMOTIONAL)
    NeglectObservationFactory(concern=babies[1], category=Category.EMOTIONAL)
    # A seven year old in the north, nutritional; a twelve year old in the south, no observation.
    _concern(
        north,
        born=date(2019, 5, 1),
        identified_on=date(2026, 8, 1),
        categories=[Category.NUTRITIONAL],
    )
    _concern(south, born=date(2014, 1, 1), identified_on=date(2026, 8, 1))
    # Outside the quarter: the day before and the day after.
    _concern(
        south,
        born=date(2026, 1, 1),
        identified_on=date(2026, 6, 30),
        categories=[Category.PHYSICAL],
    )
    _concern(
        south,
        born=date(2026, 1, 1),
        identified_on=date(2026, 10, 1),
        categories=[Category.PHYSICAL],
    )


def _rows(breakdown) -> dict:
    return {row.label: row.shown for row in breakdown.rows}


def test_the_contents_compare_three_quarters_and_split_the_concerns(quarter):
    contents = booklet.booklet_contents(2026, 3)

    assert [p.start for p in contents.periods] == [
        date(2025, 7, 1),
        date(2026, 4, 1),
        date(2026, 7, 1),
    ]
    assert [m.code for m in contents.measures] == [i.code for i in all_indicators(booklet=True)]
    step_ups = next(m for m in contents.measures if m.code == "step_ups")
    # A year before none (zero is shown), the quarter before two (suppressed), this quarter six.
    assert [r.numerator for r in step_ups.results] == [0, 2, 6]
    assert [r.shown for r in step_ups.results] == ["0", "Fewer than 5", "6"]

    assert contents.concerns.count == 7
    category, age, area = contents.breakdowns
    assert _rows(category) == {
        "Medical": "0",
        "Nutritional": "6",
        "Emotional": "Fewer than 5",  # two concerns, one with two observations
        "Educational": "0",
        "Physical": "0",  # both physical concerns are outside the quarter
        "Lack of supervision and guidance": "0",
    }
    assert _rows(age) == {
        "Under 1": "5",
        "1 to 4": "0",
        "5 to 9": "Fewer than 5",
        "10 to 15": "Fewer than 5",
        "16 and over": "0",
    }
    assert [row.count for row in age.rows] == [5, 0, 1, 1, 0]
    assert _rows(area)["North Kirklees"] == "6"
    assert _rows(area)["South Kirklees"] == "Fewer than 5"


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_draft_pdf_has_each_chart_its_table_and_ruled_space_for_the_board(quarter):
    contents = booklet.booklet_contents(2026, 3)

    content = booklet.booklet_pdf(contents, "", draft=True)

    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "Neglect Performance Indicator booklet" in text
    assert "Quarter 3, 2026: July to September 2026" in text
    assert "Draft: not issued" in text
    for measure in contents.measures:
        assert measure.name in text
    for title in (
        "Neglect concerns by category",
        "Neglect concerns by the child's age",
        "Neglect concerns by early help area",
        "Board commentary",
        "For the board to write its analysis of the quarter.",
        "Fewer than 5",
        "Page 3",
    ):
        assert title in text
    # The same contents give the same bytes.
    assert booklet.booklet_pdf(contents, "", draft=True) == content


def test_the_board_commentary_replaces_the_ruled_space(quarter):
    contents = booklet.booklet_contents(2026, 3)

    text = _pdf_text(booklet.booklet_pdf(contents, "Babies are found early <b>.", draft=True))

    assert "Babies are found early <b>." in text
    assert "For the board to write its analysis" not in text


def test_the_spreadsheet_has_a_sheet_per_table_the_definitions_and_the_commentary(quarter):
    contents = booklet.booklet_contents(2026, 3)

    workbook = load_workbook(io.BytesIO(booklet.booklet_xlsx(contents, "Seen by the board.")))

    assert workbook.sheetnames == [
        "Indicators",
        "Concerns by category",
        "Concerns by age",
        "Concerns by area",
        "Definitions",
        "Commentary",
    ]
    indicators = list(workbook["Indicators"].values)
    assert list(indicators[0]) == [
        "Indicator",
        "Same quarter last year (July to September 2025)",
        "Previous quarter (April to June 2026)",
        "This quarter (July to September 2026)",
    ]
    assert [STEP_UPS, "0", "Fewer than 5", "6"] in [list(row) for row in indicators]
    ages = [list(row) for row in workbook["Concerns by age"].values]
    assert ages == [
        ["Child's age", "Concerns (July to September 2026)"],
        ["Under 1", 5],
        ["1 to 4", 0],
        ["5 to 9", "Fewer than 5"],
        ["10 to 15", "Fewer than 5"],
        ["16 and over", 0],
    ]
    assert len(workbook["Concerns by age"]._charts) == 1
    assert list(next(workbook["Definitions"].values)) == ["Indicator", "Definition", "Better"]
    commentary = [row[0] for row in workbook["Commentary"].values]
    assert commentary[0] == "Board commentary"
    assert commentary[-1] == "Seen by the board."


# --------------------------------------------------------------------------------- issuing


def _lead():
    return UserFactory(roles=[Role.STRATEGIC_LEAD])


def test_issuing_stores_edition_1_then_2_keeps_the_files_and_audits(quarter):
    lead = _lead()

    first = services.booklet_issue(
        actor=lead, year=2026, quarter=3, commentary="  First thoughts.  "
    )
    kept_pdf, kept_xlsx = bytes(first.pdf), bytes(first.xlsx)
    second = services.booklet_issue(actor=lead, year=2026, quarter=3, commentary="")

    assert (first.edition, second.edition) == (1, 2)
    assert first.commentary == "First thoughts."
    again = NeglectBooklet.objects.get(pk=first.pk)
    assert bytes(again.pdf) == kept_pdf and bytes(again.xlsx) == kept_xlsx
    assert again.pdf_sha256 == hashlib.sha256(kept_pdf).hexdigest()
    assert again.xlsx_sha256 == hashlib.sha256(kept_xlsx).hexdigest()
    text = _pdf_text(kept_pdf)
    assert "Edition 1. Issued on 20 October 2026 by a strategic lead." in text
    assert "First thoughts." in text
    assert "Draft: not issued" not in text
    events = AuditEvent.objects.filter(
        action="create", record_type="reporting.neglectbooklet"
    ).order_by("pk")
    assert [(e.record_id, e.detail, e.actor_id) for e in events] == [
        (str(first.pk), {"year": 2026, "quarter": 3, "edition": 1}, lead.pk),
        (str(second.pk), {"year": 2026, "quarter": 3, "edition": 2}, lead.pk),
    ]


def test_another_quarter_starts_at_edition_1(quarter):
    lead = _lead()
    services.booklet_issue(actor=lead, year=2026, quarter=3, commentary="")

    assert services.booklet_issue(actor=lead, year=2026, quarter=2, commentary="").edition == 1


def test_a_quarter_not_yet_ended_and_a_team_leader_are_refused(frozen):
    with pytest.raises(ValidationError) as refused:
        services.booklet_issue(actor=_lead(), year=2026, quarter=4, commentary="")
    assert refused.value.message_dict == {
        "quarter": ["You can only issue the booklet for a quarter that has ended"]
    }
    leader = UserFactory(roles=[Role.EARLY_SUPPORT_TEAM_LEADER])
    with pytest.raises(PermissionDenied):
        services.booklet_issue(actor=leader, year=2026, quarter=3, commentary="")
    assert NeglectBooklet.objects.count() == 0


# ---------------------------------------------------------------------------------- pages

ISSUE = {"issue-quarter": "2026-3", "issue-commentary": "Early identification of babies."}


def _client(*roles):
    return sign_in_verified(Client(), UserFactory(roles=list(roles)))


def test_a_strategic_lead_issues_from_the_page_and_sees_it_in_the_archive(
    quarter, django_capture_on_commit_callbacks
):
    client = _client(Role.STRATEGIC_LEAD)

    # The issue runs in the background once the request commits (at once in tests).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:booklet_issue"), ISSUE)
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:booklet_run", args=[run.pk])

    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Neglect booklet for July to September 2026 issued (edition 1)" in page
    made = NeglectBooklet.objects.get()
    assert (made.year, made.quarter, made.edition) == (2026, 3, 1)
    assert made.commentary == "Early identification of babies."
    assert (run.status, run.booklet_id) == (ReportRun.Status.DONE, made.pk)
    archive = client.get(reverse("reporting:booklets")).content.decode()
    assert reverse("reporting:booklet_pdf", args=[made.pk]) in archive
    assert reverse("reporting:booklet_xlsx", args=[made.pk]) in archive


def test_a_quarter_not_yet_ended_shows_the_error_and_keeps_the_commentary(frozen):
    client = _client(Role.STRATEGIC_LEAD)

    response = client.post(
        reverse("reporting:booklet_issue"),
        {"issue-quarter": "2026-4", "issue-commentary": "Draft <script>thoughts</script>"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "You can only issue the booklet for a quarter that has ended" in page
    assert "Draft &lt;script&gt;thoughts&lt;/script&gt;</textarea>" in page
    assert "<script>thoughts" not in page
    assert NeglectBooklet.objects.count() == 0
    assert ReportRun.objects.count() == 0


def test_downloads_of_an_issued_booklet_are_the_stored_files_and_are_audited(quarter):
    made = services.booklet_issue(actor=_lead(), year=2026, quarter=3, commentary="")
    client = _client(Role.EARLY_SUPPORT_TEAM_LEADER)

    pdf = client.get(reverse("reporting:booklet_pdf", args=[made.pk]))
    xlsx = client.get(reverse("reporting:booklet_xlsx", args=[made.pk]))

    assert pdf.status_code == 200 and xlsx.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        'attachment; filename="neglect-booklet-2026-q3-edition-1.pdf"'
    )
    assert xlsx["Content-Disposition"] == (
        'attachment; filename="neglect-booklet-2026-q3-edition-1.xlsx"'
    )
    assert hashlib.sha256(pdf.content).hexdigest() == made.pdf_sha256
    assert hashlib.sha256(xlsx.content).hexdigest() == made.xlsx_sha256
    events = AuditEvent.objects.filter(action="export", record_type="reporting.neglectbooklet")
    assert sorted((e.record_id, e.detail["format"], e.detail["edition"]) for e in events) == [
        (str(made.pk), "pdf", 1),
        (str(made.pk), "xlsx", 1),
    ]


def test_a_draft_is_built_in_the_background_downloaded_not_issued_and_audited(
    quarter, django_capture_on_commit_callbacks
):
    client = _client(Role.EARLY_SUPPORT_TEAM_LEADER)
    url = reverse("reporting:booklet_draft")

    def draft(fmt):
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(url, {"draft-quarter": "2026-3", "draft-fmt": fmt})
        run = ReportRun.objects.get(fmt=fmt)
        assert asked["Location"] == reverse("reporting:booklet_run", args=[run.pk])
        page = html.unescape(client.get(asked["Location"]).content.decode())
        assert f"Download the draft ({fmt.upper()})" in page
        return client.get(reverse("reporting:booklet_run_file", args=[run.pk]))

    pdf = draft("pdf")
    xlsx = draft("xlsx")

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == 'attachment; filename="neglect-booklet-2026-q3-draft.pdf"'
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Indicators"
    assert NeglectBooklet.objects.count() == 0
    details = [
        e.detail
        for e in AuditEvent.objects.filter(
            action="export", record_type="reporting.neglectbooklet"
        ).order_by("pk")
    ]
    assert details == [
        {"report": "neglect_booklet", "draft": True, "year": 2026, "quarter": 3, "format": f}
        for f in ("pdf", "xlsx")
    ]


def test_a_draft_of_a_quarter_not_offered_shows_the_error(frozen):
    response = _client(Role.STRATEGIC_LEAD).post(
        reverse("reporting:booklet_draft"), {"draft-quarter": "2019-1", "draft-fmt": "pdf"}
    )
    assert response.status_code == 200
    assert "Choose a quarter from the list" in response.content.decode()
    assert AuditEvent.objects.filter(action="export").count() == 0
    assert ReportRun.objects.count() == 0


def test_a_team_leader_reads_and_downloads_but_may_not_issue(frozen):
    made = services.booklet_issue(actor=_lead(), year=2026, quarter=3, commentary="")
    client = _client(Role.EARLY_SUPPORT_TEAM_LEADER)

    page = client.get(reverse("reporting:booklets"))
    assert page.status_code == 200
    assert "Make a draft PDF" in page.content.decode()
    assert "Issue the booklet" not in page.content.decode()
    assert client.get(reverse("reporting:booklet_pdf", args=[made.pk])).status_code == 200
    assert client.post(reverse("reporting:booklet_issue"), ISSUE).status_code == 404
    assert NeglectBooklet.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER])
def test_other_roles_find_no_booklet_pages(frozen, role):
    made = services.booklet_issue(actor=_lead(), year=2026, quarter=3, commentary="")
    client = _client(role)

    for url in (
        reverse("reporting:booklets"),
        reverse("reporting:booklet_pdf", args=[made.pk]),
        reverse("reporting:booklet_xlsx", args=[made.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("reporting:booklet_issue"), ISSUE).status_code == 404
    draft = {"draft-quarter": "2026-3", "draft-fmt": "pdf"}
    assert client.post(reverse("reporting:booklet_draft"), draft).status_code == 404
    assert NeglectBooklet.objects.count() == 1
    assert ReportRun.objects.count() == 0
    assert AuditEvent.objects.filter(action="export").count() == 0


def test_an_unknown_booklet_is_not_found(frozen):
    client = _client(Role.STRATEGIC_LEAD)
    assert client.get(reverse("reporting:booklet_pdf", args=[999])).status_code == 404


def _archive_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reporting:booklets"))
    assert response.status_code == 200
    return len(queries)


def test_the_archive_lists_without_the_files_in_constant_queries(frozen):
    lead = _lead()
    client = sign_in_verified(Client(), lead)
    services.booklet_issue(actor=lead, year=2026, quarter=3, commentary="")
    one = _archive_queries(client)
    for year, number in ((2026, 3), (2026, 2), (2026, 1), (2025, 4), (2025, 3)):
        services.booklet_issue(actor=lead, year=year, quarter=number, commentary="")

    six = _archive_queries(client)

    assert one == six == ARCHIVE_QUERIES
    listed = list(selectors.booklets())
    assert [(b.year, b.quarter, b.edition) for b in listed] == [
        (2026, 3, 2),
        (2026, 3, 1),
        (2026, 2, 1),
        (2026, 1, 1),
        (2025, 4, 1),
        (2025, 3, 1),
    ]
    assert "pdf" in listed[0].get_deferred_fields()
    assert listed[0].pdf_size == len(bytes(selectors.booklet(listed[0].pk).pdf))


# The session, the user, the device and roles, the council and the navigation's counts, the
# session's save and its savepoints; the archive itself is one query whatever its length, and
# the reader's recent requests one more.
ARCHIVE_QUERIES = 18  # with the tray's "booklet to issue" in the navigation's count


def test_the_pdf_fits_the_area_chart_on_a_page_however_many_areas():
    # A journey found this: with dozens of areas the chart grew taller than the page and
    # ReportLab refused to lay it out (a server error on the draft download).
    for number in range(60):
        AreaFactory(name=f"Area number {number}")

    pdf = booklet.booklet_pdf(booklet.booklet_contents(2026, 3), "", draft=True)

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Area number 59" in text
