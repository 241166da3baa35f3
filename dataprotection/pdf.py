"""The subject access export as a PDF to read: the same data as the JSON, under plain headings.

Drawn with ReportLab like the assessment's PDF (ADR 0006): no browser or system libraries.
"""

from __future__ import annotations

import json
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from core.pdf import paragraph
from dataprotection.subject_access import sections


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def render(data: dict) -> bytes:
    styles = getSampleStyleSheet()
    body, h1, h2, h3 = styles["BodyText"], styles["Title"], styles["Heading2"], styles["Heading4"]
    story = [
        paragraph("Everything held about this person", h1),
        paragraph(f"Exported {data['exported_at']}.", body),
    ]
    for heading, parts in sections(data):
        story.append(paragraph(heading, h2))
        for subheading, rows in parts:
            story.append(paragraph(f"{subheading} ({len(rows)})", h3))
            if not rows:
                story.append(paragraph("None held.", body))
            for each in rows:
                for name, value in each.items():
                    story.append(paragraph(f"{name.replace('_', ' ')}: {_text(value)}", body))
                story.append(Spacer(1, 3 * mm))
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title="Subject access export",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story)
    return buffer.getvalue()
