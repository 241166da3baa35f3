"""Reads for the reporting app's pages: the archive of issued neglect booklets. The booklets are
partnership-wide (no family's record), so who may read them is the permission alone."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Length

from reporting.models import NeglectBooklet


def booklets() -> QuerySet[NeglectBooklet]:
    """Every issued booklet, newest quarter and edition first, with the issuer and each file's
    size in bytes (``pdf_size``, ``xlsx_size``) but not the files: one query."""
    return (
        NeglectBooklet.objects.defer("pdf", "xlsx", "commentary")
        .select_related("issued_by")
        .annotate(pdf_size=Length("pdf"), xlsx_size=Length("xlsx"))
        .order_by("-year", "-quarter", "-edition")
    )


def booklet(booklet_id: int) -> NeglectBooklet | None:
    """One issued booklet with its files, or None."""
    return NeglectBooklet.objects.filter(pk=booklet_id).first()


def quarter_issued(year: int, quarter: int) -> bool:
    """Whether a booklet for the quarter has been issued (one query)."""
    return NeglectBooklet.objects.filter(year=year, quarter=quarter).exists()
