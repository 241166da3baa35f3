"""The quarterly Neglect Performance Indicator booklet (seed 003, "Data" and "How we will know our
practice is good": whether we identify neglect early enough and at a young enough age, deal with
cases in a timely way and avoid drift and delay), as a PDF and a spreadsheet for the board.

What is in it: every indicator registered for the booklet, for the quarter, the quarter before
and the same quarter a year earlier; and the neglect concerns identified in the quarter by
Horwath's category, by the child's age band and by early help area (the local hotspots). Counts
are for the whole partnership, with the neglect page's definitions (``neglect.selectors``): a
concern counts once in each category it has an observation in, and in the age band of the child
on the day it was identified. A count from 1 to the council's small number less one is never
printed, so no count can point at a family.

Every chart is followed by its data table, and each bar carries its value as text, so nothing is
told by colour alone.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from core import clock
from core import selectors as core_selectors
from core.pdf import paragraph
from neglect.models import Category, NeglectConcern
from neglect.selectors import AGE_BANDS, AGE_UNKNOWN, age_band
from reporting import figures
from reporting.indicators import Better, Period, Result, Slice, all_indicators
from reporting.settings import reporting_settings

TITLE = "Neglect Performance Indicator booklet"
COMMENTARY_HEADING = "Board commentary"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The columns of every comparison, oldest first so a chart reads left to right in time.
COMPARISONS = ("Same quarter last year", "Previous quarter", "This quarter")


def quarter_label(year: int, quarter: int) -> str:
    period = Period.quarter(year, quarter)
    return f"{period.start:%B} to {period.end:%B %Y}"


def filename(year: int, quarter: int, fmt: str, *, edition: int | None = None) -> str:
    issued = f"edition-{edition}" if edition is not None else "draft"
    return f"neglect-booklet-{year}-q{quarter}-{issued}.{fmt}"


@dataclass(frozen=True)
class Measure:
    """One indicator in the three quarters compared (``results`` in ``COMPARISONS`` order)."""

    code: str
    name: str
    definition: str
    better: str
    results: tuple[Result, Result, Result]

    @property
    def is_rate(self) -> bool:
        return self.results[-1].is_rate

    @property
    def has_median(self) -> bool:
        return any(result.median_days is not None for result in self.results)


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    small_number: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < self.small_number

    @property
    def shown(self) -> str:
        return f"Fewer than {self.small_number}" if self.suppressed else f"{self.count:,}"

    @property
    def value(self) -> int | None:
        """What a chart or a spreadsheet's number cell may hold: None when suppressed."""
        return None if self.suppressed else self.count


@dataclass(frozen=True)
class Breakdown:
    """Neglect concerns identified in the quarter, split one way."""

    key: str
    title: str
    heading: str
    definition: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Contents:
    year: int
    quarter: int
    periods: tuple[Period, Period, Period]  # in ``COMPARISONS`` order
    small_number: int
    measures: tuple[Measure, ...]
    concerns: Row  # every concern identified in the quarter
    breakdowns: tuple[Breakdown, ...]
    # A draft may show figures kept from earlier today: when the earliest was worked out.
    kept_since: datetime | None = None

    @property
    def period(self) -> Period:
        return self.periods[-1]

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    @property
    def sections(self) -> list[str]:
        """The headings of the booklet's sections, in order."""
        return (
            [measure.name for measure in self.measures]
            + [breakdown.title for breakdown in self.breakdowns]
            + [COMMENTARY_HEADING]
        )


def _period_label(period: Period) -> str:
    return f"{period.start:%B} to {period.end:%B %Y}"


def _concerns(period: Period, small_number: int) -> tuple[Row, tuple[Breakdown, ...]]:
    """The quarter's concerns by category, age band and area, for the whole partnership (three
    queries: the concerns, their categories and the areas)."""
    rows = (
        NeglectConcern.objects.filter(identified_on__range=(period.start, period.end))
        .values_list("pk", "identified_on", "child__date_of_birth", "family__area_id")
        .order_by("pk")
    )
    found = {}
    for pk, identified_on, born, area_id in rows:
        found[pk] = (age_band(born, identified_on), area_id)
    categories: dict[str, set] = {}
    for pk, category in (
        NeglectConcern.objects.filter(identified_on__range=(period.start, period.end))
        .values_list("pk", "observations__category")
        .distinct()
    ):
        if category:
            categories.setdefault(category, set()).add(pk)

    def row(label: str, count: int) -> Row:
        return Row(label, count, small_number)

    by_category = tuple(
        row(label, len(categories.get(value, ()))) for value, label in Category.choices
    )
    bands = [band for band, _area in found.values()]
    by_age = [row(label, bands.count(key)) for key, label, _low, _high in AGE_BANDS]
    if bands.count(AGE_UNKNOWN):
        by_age.append(row("Age not recorded", bands.count(AGE_UNKNOWN)))
    areas = [area for _band, area in found.values()]
    by_area = tuple(row(area.name, areas.count(area.pk)) for area in core_selectors.areas())
    breakdowns = (
        Breakdown(
            "category",
            "Neglect concerns by category",
            "Category of neglect",
            "Neglect concerns identified in the quarter, in each of Horwath's categories of "
            "neglect. A concern counts once in every category it has an observation in, so the "
            "categories can add up to more than the concerns.",
            by_category,
        ),
        Breakdown(
            "age",
            "Neglect concerns by the child's age",
            "Child's age",
            "Neglect concerns identified in the quarter, by the child's age in whole years on the "
            "day the concern was identified. Are we identifying neglect at a young enough age?",
            tuple(by_age),
        ),
        Breakdown(
            "area",
            "Neglect concerns by early help area",
            "Early help area",
            "Neglect concerns identified in the quarter, by the early help area of the child's "
            "family when the concern was recorded: where neglect is being found.",
            by_area,
        ),
    )
    return row("All concerns identified", len(found)), breakdowns


def booklet_contents(
    year: int,
    quarter: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    fresh: bool = True,
) -> Contents:
    """Everything the booklet for the quarter shows, worked out from the records now; a draft may
    read the figures kept today instead (``fresh=False``, ``reporting.figures``), an issue never.

    ``progress``, if given, is told ``(done, total)`` after each step: each indicator (in its
    three quarters), then the neglect concerns with their three breakdowns (one step: three
    queries between them). So ``total`` is the number of booklet indicators plus one."""
    this = Period.quarter(year, quarter)
    periods = (this.year_before(), this.before(), this)
    small_number = reporting_settings().small_number
    measures = []
    indicators = all_indicators(booklet=True)
    total = len(indicators) + 1
    kept: list[datetime] = []
    for one in indicators:
        measured = figures.measure([one], periods, Slice(), small_number=small_number, fresh=fresh)
        if measured.kept_since:
            kept.append(measured.kept_since)
        measures.append(
            Measure(
                code=one.code,
                name=one.name,
                definition=one.definition,
                better=one.better,
                results=tuple(measured.get(one, period) for period in periods),
            )
        )
        if progress is not None:
            progress(len(measures), total)
    concerns, breakdowns = _concerns(this, small_number)
    if progress is not None:
        progress(total, total)
    return Contents(
        year=year,
        quarter=quarter,
        periods=periods,
        small_number=small_number,
        measures=tuple(measures),
        concerns=concerns,
        breakdowns=breakdowns,
        kept_since=min(kept) if kept else None,
    )


def _suppression_note(contents: Contents) -> str:
    return (
        f"Counts from 1 to {contents.small_number - 1} are not shown (they could point at a "
        f"family): they read 'Fewer than {contents.small_number}', and a rate worked out from "
        "one reads 'Suppressed'. Its bar is drawn empty."
    )


def _status(
    *,
    draft: bool,
    edition: int | None,
    issued_on: date | None,
    issued_by: str,
    kept_since: datetime | None = None,
) -> str:
    if draft:
        worked_out = ""
        if kept_since:
            at = clock.local(kept_since)
            worked_out = (
                f" Figures worked out at {at:%H:%M} on {at.day} {at:%B %Y}; the issued booklet "
                "works them out again."
            )
        return (
            "Draft: not issued. The figures will change as records are added or corrected."
            + worked_out
        )
    on = f"{issued_on.day} {issued_on:%B %Y}" if issued_on else ""
    return f"Edition {edition}. Issued on {on} by {issued_by}."


# ------------------------------------------------------------------------------------------ PDF


def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "title",
            parent=base["Title"],
            fontName="Helvetica-Bold",
            fontSize=24,
            leading=30,
            alignment=0,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base["Normal"],
            fontName="Helvetica-Bold",
            fontSize=15,
            leading=20,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base["Heading2"],
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=18,
            spaceBefore=4,
            spaceAfter=6,
        ),
        "label": ParagraphStyle(
            "label", parent=base["Normal"], fontName="Helvetica-Bold", fontSize=9, leading=11
        ),
        "body": ParagraphStyle(
            "body",
            parent=base["Normal"],
            fontName="Helvetica",
            fontSize=10,
            leading=13,
            spaceAfter=4,
        ),
        "small": ParagraphStyle(
            "small",
            parent=base["Normal"],
            fontName="Helvetica",
            fontSize=8.5,
            leading=11,
            textColor=colors.HexColor("#505a5f"),
        ),
    }


def _bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    shown: Sequence[str],
    *,
    horizontal: bool,
    percent: bool,
):
    """A one-series bar chart with each bar's value printed on it (an empty bar for a
    suppressed value, labelled as suppressed)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    numbers = [value or 0 for value in values]
    top = max(numbers + [0])
    if percent:
        ceiling = 100
    else:
        ceiling = max(5, int(top * 1.25) + 1)
    width = 170 * mm
    if horizontal:
        # Grows with the rows but never past a page (a council has a handful of areas; with
        # many, the bars thin out and the table under the chart still gives every figure).
        height = min(200 * mm, max(45 * mm, (12 * len(labels) + 14) * mm / 1.6))
        drawing = Drawing(width, height)
        chart = HorizontalBarChart()
        chart.x, chart.y = 48 * mm, 8 * mm
        chart.width, chart.height = width - 48 * mm - 30 * mm, height - 14 * mm
        chart.categoryAxis.reverseDirection = True  # the first row at the top, as in the table
    else:
        height = 62 * mm
        drawing = Drawing(width, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 16 * mm, 12 * mm
        chart.width, chart.height = width - 24 * mm, height - 18 * mm
    chart.data = [numbers]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = ceiling
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 8
    if percent:
        chart.valueAxis.valueStep = 20
        chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor = colors.HexColor("#1d70b8")
    chart.bars[0].strokeColor = colors.HexColor("#0b0c0c")
    chart.barLabelFormat = "%s"
    chart.barLabelArray = [list(shown)]
    chart.barLabels.fontName = "Helvetica-Bold"
    chart.barLabels.fontSize = 8
    if horizontal:
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = 3
    else:
        chart.barLabels.boxAnchor = "s"
        chart.barLabels.dy = 3
    drawing.add(chart)
    if percent:
        drawing.add(String(0, height - 4 * mm, "Per cent", fontName="Helvetica", fontSize=8))
    return drawing


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], styles, widths=None):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = [[paragraph(text, styles["label"]) for text in header]]
    data += [[paragraph(text, styles["body"]) for text in row] for row in rows]
    table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.HexColor("#0b0c0c")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _measure_value(result: Result) -> float | None:
    if result.suppressed:
        return None
    return result.rate if result.is_rate else result.numerator


def _measure_rows(contents: Contents, measure: Measure) -> tuple[list[str], list[list[str]]]:
    header = ["Quarter", "Dates", "Value"]
    if measure.has_median:
        header.append("Median days")
    rows = []
    for name, period, result in zip(COMPARISONS, contents.periods, measure.results, strict=True):
        row = [name, _period_label(period), result.shown]
        if measure.has_median:
            hidden = result.median_days is None or result.suppressed
            row.append("Not shown" if hidden else f"{result.median_days:g}")
        rows.append(row)
    return header, rows


def _better(measure: Measure) -> str:
    return Better(measure.better).label


def booklet_pdf(
    contents: Contents,
    commentary: str,
    *,
    draft: bool,
    edition: int | None = None,
    issued_on: date | None = None,
    issued_by: str = "",
) -> bytes:
    """The booklet as a PDF: a title page, the contents, a section for each chart (the chart,
    its data table, its definition) and the board's commentary (ruled space when there is none
    yet). The same contents and commentary always give the same bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        ListFlowable,
        ListItem,
        PageBreak,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = _styles()
    buffer = io.BytesIO()
    status = _status(
        draft=draft,
        edition=edition,
        issued_on=issued_on,
        issued_by=issued_by,
        kept_since=contents.kept_since,
    )
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"{TITLE}: {contents.label}",
        author="Early help case management",
        invariant=1,
    )
    story: list = [
        Spacer(1, 40 * mm),
        paragraph(TITLE, styles["title"]),
        paragraph(
            f"Quarter {contents.quarter}, {contents.year}: {contents.label}", styles["subtitle"]
        ),
        paragraph("Draft" if draft else "Issued", styles["subtitle"]),
        paragraph(status, styles["body"]),
        Spacer(1, 6 * mm),
        paragraph(
            "For the safeguarding children partnership board. It shows whether we are "
            "identifying neglect early enough and at a young enough age, whether we deal with "
            "cases in a timely way, and whether we avoid drift and delay. Each quarter is "
            "compared with the quarter before and the same quarter last year.",
            styles["body"],
        ),
        paragraph(
            "Counts are for the whole partnership and name no one. " + _suppression_note(contents),
            styles["body"],
        ),
        Spacer(1, 8 * mm),
        paragraph("Contents", styles["h2"]),
        ListFlowable(
            [ListItem(paragraph(section, styles["body"])) for section in contents.sections],
            bulletType="1",
            bulletFontName="Helvetica",
            bulletFontSize=10,
        ),
        PageBreak(),
    ]
    number = 0
    for measure in contents.measures:
        number += 1
        header, rows = _measure_rows(contents, measure)
        chart = _bar_chart(
            COMPARISONS,
            [_measure_value(result) for result in measure.results],
            [result.shown for result in measure.results],
            horizontal=False,
            percent=measure.is_rate,
        )
        story += [
            KeepTogether(
                [
                    paragraph(f"{number}. {measure.name}", styles["h2"]),
                    chart,
                    Spacer(1, 3 * mm),
                    _table(header, rows, styles),
                ]
            ),
            Spacer(1, 2 * mm),
            paragraph(f"Definition: {measure.definition}", styles["body"]),
            paragraph(_better(measure) + ".", styles["small"]),
            Spacer(1, 8 * mm),
        ]
    story.append(PageBreak())
    story.append(
        paragraph(
            f"Neglect concerns identified from {contents.period.label}: {contents.concerns.shown}.",
            styles["body"],
        )
    )
    for breakdown in contents.breakdowns:
        number += 1
        chart = _bar_chart(
            [row.label for row in breakdown.rows],
            [row.value for row in breakdown.rows],
            [row.shown for row in breakdown.rows],
            horizontal=True,
            percent=False,
        )
        story += [
            KeepTogether(
                [
                    paragraph(f"{number}. {breakdown.title}", styles["h2"]),
                    chart,
                    Spacer(1, 3 * mm),
                    _table(
                        [breakdown.heading, "Concerns"],
                        [[row.label, row.shown] for row in breakdown.rows],
                        styles,
                    ),
                ]
            ),
            Spacer(1, 2 * mm),
            paragraph(f"Definition: {breakdown.definition}", styles["body"]),
            Spacer(1, 8 * mm),
        ]
    number += 1
    story += [PageBreak(), paragraph(f"{number}. {COMMENTARY_HEADING}", styles["h2"])]
    if commentary.strip():
        story += [paragraph(said, styles["body"]) for said in commentary.strip().split("\n")]
    else:
        story.append(
            paragraph("For the board to write its analysis of the quarter.", styles["small"])
        )
        lines = Table([[""]] * 22, colWidths=[174 * mm], rowHeights=[9 * mm] * 22)
        lines.setStyle(
            TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6"))])
        )
        story.append(lines)

    footer_text = f"{TITLE} · Q{contents.quarter} {contents.year} · " + (
        "Draft" if draft else f"Edition {edition}"
    )

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(18 * mm, 10 * mm, footer_text)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------- XLSX

MEASURES_SHEET = "Indicators"
DEFINITIONS_SHEET = "Definitions"
COMMENTARY_SHEET = "Commentary"
BREAKDOWN_SHEETS = {
    "category": "Concerns by category",
    "age": "Concerns by age",
    "area": "Concerns by area",
}


def measures_header(contents: Contents) -> list[str]:
    return ["Indicator"] + [
        f"{name} ({_period_label(period)})"
        for name, period in zip(COMPARISONS, contents.periods, strict=True)
    ]


def booklet_xlsx(
    contents: Contents,
    commentary: str,
    *,
    draft: bool = True,
    edition: int | None = None,
    issued_on: date | None = None,
    issued_by: str = "",
) -> bytes:
    """The booklet's tables as a workbook: the indicators, a sheet for each breakdown of the
    neglect concerns (the age bands with a chart), the definitions and the commentary. Values
    are as the PDF prints them; a breakdown's count is a number unless suppressed."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    workbook = Workbook()

    def sheet_of(title: str, header: list[str], rows: list[list], widths: list[int]):
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.freeze_panes = "A2"
        return sheet

    workbook.remove(workbook.active)
    sheet_of(
        MEASURES_SHEET,
        measures_header(contents),
        [
            [measure.name] + [result.shown for result in measure.results]
            for measure in contents.measures
        ],
        [60, 30, 30, 30],
    )
    for breakdown in contents.breakdowns:
        sheet = sheet_of(
            BREAKDOWN_SHEETS[breakdown.key],
            [breakdown.heading, f"Concerns ({contents.label})"],
            [[row.label, row.shown if row.suppressed else row.count] for row in breakdown.rows],
            [40, 30],
        )
        if breakdown.key == "age":
            chart = BarChart()
            chart.type = "col"
            chart.title = breakdown.title
            chart.y_axis.title = "Concerns"
            chart.x_axis.title = breakdown.heading
            chart.legend = None
            last = len(breakdown.rows) + 1
            chart.add_data(
                Reference(sheet, min_col=2, min_row=1, max_row=last), titles_from_data=True
            )
            chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
            sheet.add_chart(chart, "D2")
    definitions = sheet_of(
        DEFINITIONS_SHEET,
        ["Indicator", "Definition", "Better"],
        [[m.name, m.definition, _better(m)] for m in contents.measures]
        + [[b.title, b.definition, ""] for b in contents.breakdowns]
        + [["Small numbers", _suppression_note(contents), ""]],
        [45, 100, 30],
    )
    for row in definitions.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    status = _status(
        draft=draft,
        edition=edition,
        issued_on=issued_on,
        issued_by=issued_by,
        kept_since=contents.kept_since,
    )
    notes = sheet_of(
        COMMENTARY_SHEET,
        [COMMENTARY_HEADING],
        [
            [f"{TITLE}: quarter {contents.quarter}, {contents.year} ({contents.label})"],
            [status],
            [commentary.strip() or "No commentary yet."],
        ],
        [120],
    )
    notes["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
