"""Reads for the reporting app's pages: the archive of issued neglect booklets, and each reader's
own background runs (ADR 0026). The booklets are partnership-wide (no family's record), so who
may read them is the permission alone; a run is its requester's only (anyone else: 404)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.db.models.functions import Length
from django.http import Http404

from core.audit import Action, audit_record
from reporting.models import NeglectBooklet, ReportRun

# How far back the archive lists the reader's runs, and how many at most.
RECENT_RUNS = timedelta(days=1)
RECENT_RUNS_SHOWN = 10
RECORD_TYPE = "reporting.neglectbooklet"


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


def report_runs_for(user) -> QuerySet[ReportRun]:
    """The runs ``user`` asked for, without a draft's file (``has_content`` says if it is
    still there)."""
    if not (user and user.is_authenticated):
        return ReportRun.objects.none()
    return (
        ReportRun.objects.filter(requested_by=user)
        .select_related("booklet")
        .defer("content", "commentary", "booklet__pdf", "booklet__xlsx", "booklet__commentary")
        .annotate(content_size=Length("content"))
    )


def report_run_for(user, run_id: uuid.UUID) -> ReportRun:
    """One of ``user``'s own runs, with its commentary but not its file (one query); anyone
    else's, or none, is 404."""
    run = (
        report_runs_for(user)
        .defer(None)
        .defer("content", "booklet__pdf", "booklet__xlsx", "booklet__commentary")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404("No such report")
    return run


def recent_runs_for(user, *, now: datetime) -> list[ReportRun]:
    """``user``'s runs of the last day that are waiting, being built or ready (so someone who
    went to another page finds them again), newest first (one query)."""
    return list(
        report_runs_for(user)
        .filter(
            created_at__gte=now - RECENT_RUNS,
            status__in=(
                ReportRun.Status.QUEUED,
                ReportRun.Status.RUNNING,
                ReportRun.Status.DONE,
            ),
        )
        .order_by("-created_at")[:RECENT_RUNS_SHOWN]
    )


def report_run_file_for(user, run_id: uuid.UUID) -> ReportRun:
    """A finished draft's file for its requester, audited as an export (as a draft always
    was); a draft not ready, cleared, or anyone else's is 404."""
    run = (
        ReportRun.objects.filter(
            pk=run_id,
            requested_by=user,
            kind=ReportRun.Kind.BOOKLET_DRAFT,
            status=ReportRun.Status.DONE,
            content__isnull=False,
        ).first()
        if user and user.is_authenticated
        else None
    )
    if run is None:
        raise Http404("No such file")
    audit_record(
        actor=user,
        action=Action.EXPORT,
        target=RECORD_TYPE,
        detail={
            "report": "neglect_booklet",
            "draft": True,
            "year": run.year,
            "quarter": run.quarter,
            "format": run.fmt,
        },
    )
    return run
