"""What every PDF the product draws with ReportLab shares (ADR 0006): a paragraph of text, escaped.

ReportLab's ``Paragraph`` reads its text as markup (``<b>``, ``<font>``, ``<a>``), so text a person
typed must be escaped before it is drawn, or a name such as "<b>Smith" changes the document (or,
unbalanced, stops it being drawn at all). Every PDF goes through ``paragraph`` for that reason."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph


def paragraph(text: str, style) -> Paragraph:
    """The text as one paragraph, its markup characters escaped and its line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)
