"""The assessment as a PDF, drawn with ReportLab from the same document as the web page.

ReportLab (pure Python wheels) rather than an HTML-to-PDF engine: it needs no system
libraries or browser on the server (ADR 0006).
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from assessments.models import Assessment
from assessments.presenters import child_name, document
from core import clock
from core.pdf import paragraph


def _styles():
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle(
            "title",
            parent=base["Title"],
            fontName="Helvetica-Bold",
            fontSize=18,
            leading=22,
            alignment=0,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base["Heading2"],
            fontName="Helvetica-Bold",
            fontSize=13,
            leading=16,
            spaceBefore=10,
        ),
        "label": ParagraphStyle(
            "label", parent=base["Normal"], fontName="Helvetica-Bold", fontSize=9, leading=11
        ),
        "body": ParagraphStyle(
            "body", parent=base["Normal"], fontName="Helvetica", fontSize=9.5, leading=12
        ),
        "small": ParagraphStyle(
            "small",
            parent=base["Normal"],
            fontName="Helvetica",
            fontSize=8,
            leading=10,
            textColor=colors.HexColor("#505a5f"),
        ),
    }


def assessment_pdf(assessment: Assessment) -> bytes:
    styles = _styles()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Early support assessment – {assessment.family.reference} – version {assessment.number}",
        author="Early help case management",
    )
    story = [
        paragraph("Early Support Multi-Agency Assessment and Referral", styles["title"]),
        paragraph(
            f"Family reference {assessment.family.reference} · version {assessment.number} · "
            f"{assessment.get_status_display()}",
            styles["body"],
        ),
        paragraph(
            "Children: " + ", ".join(child_name(c.person) for c in assessment.children.all()),
            styles["body"],
        ),
        paragraph(
            f"Completed by {assessment.worker.get_full_name()}"
            + (f", {assessment.worker_role}" if assessment.worker_role else "")
            + (f", {assessment.worker_team.name}" if assessment.worker_team_id else ""),
            styles["body"],
        ),
    ]
    if assessment.signed_off_by_id:
        story.append(
            paragraph(
                f"Signed off by {assessment.signed_off_by.get_full_name()} on "
                f"{clock.local(assessment.signed_off_at):%-d %B %Y}",
                styles["body"],
            )
        )
    story.append(
        paragraph(
            "OFFICIAL-SENSITIVE: contains personal information about children and families.",
            styles["small"],
        )
    )
    for view in document(assessment):
        rows = [
            [paragraph(label, styles["label"]), paragraph(value, styles["body"])]
            for label, value in view.rows
        ]
        heading = paragraph(view.heading, styles["h2"])
        if not rows:
            story.append(heading)
            continue
        table = Table(rows, colWidths=[60 * mm, None], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story.append(KeepTogether([heading, Spacer(1, 2 * mm)]))
        story.append(table)

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(
            18 * mm,
            10 * mm,
            f"Family {assessment.family.reference} · assessment version {assessment.number}",
        )
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
