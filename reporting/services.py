"""The reporting app's writes: issuing the quarterly neglect booklet for the board, and the
background runs that build a draft or an issue (ADR 0026). The files are built once, when issued,
and kept exactly as issued (``NeglectBooklet`` is append-only): a later issue of the same quarter
is the next edition, never a change to an earlier one."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date, datetime, timedelta

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from core import clock
from core import selectors as core_selectors
from core.audit import Action, audit_record
from core.concurrency import lock, lock_first
from core.errors import ConflictError
from core.workflow import Workflow
from reporting import booklet as booklet_files
from reporting.indicators import Period, Slice
from reporting.models import NeglectBooklet, ReportRun

logger = logging.getLogger("earlyhelp.reporting")

COMMENTARY_LIMIT = 10_000
# The role the booklet names as its issuer: the board needs to know who stands behind it, not
# which person pressed the button.
ISSUER = "a strategic lead"


def _quarter_check(year: int, quarter: int) -> None:
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2999:
        raise ValidationError({"quarter": "Choose a quarter"})


def booklet_issue_check(*, actor, year: int, quarter: int, commentary: str) -> str:
    """Whether ``actor`` may issue the booklet for the quarter with this commentary (refused as
    ``booklet_issue`` would refuse it); returns the commentary as it would be kept. Asked when
    an issue is requested, before it is queued, and again when it runs."""
    if not rules.has_perm("reporting.issue_booklet", actor):
        raise PermissionDenied("Only a strategic lead may issue the neglect booklet")
    _quarter_check(year, quarter)
    if Period.quarter(year, quarter).end >= clock.today():
        raise ValidationError(
            {"quarter": "You can only issue the booklet for a quarter that has ended"}
        )
    commentary = (commentary or "").strip()
    if len(commentary) > COMMENTARY_LIMIT:
        raise ValidationError(
            {"commentary": f"The commentary must be {COMMENTARY_LIMIT:,} characters or fewer"}
        )
    return commentary


@transaction.atomic
def booklet_issue(
    *,
    actor,
    year: int,
    quarter: int,
    commentary: str,
    contents: booklet_files.Contents | None = None,
) -> NeglectBooklet:
    """Issue the booklet for a quarter that has ended, with the board's commentary, as the next
    edition of that quarter. ``contents``, if given, are the quarter's figures already worked
    out (by a background run, which reports its progress as it goes); otherwise they are worked
    out here."""
    commentary = booklet_issue_check(actor=actor, year=year, quarter=quarter, commentary=commentary)
    if contents is not None and (contents.year, contents.quarter) != (year, quarter):
        raise ValueError("The contents are for another quarter")

    # Two issues of one quarter at once: the second waits here for the first to commit, then
    # reads its edition (a new statement sees the committed row). The very first edition has no
    # row to lock; the unique constraint settles that race.
    quarter_booklets = NeglectBooklet.objects.filter(year=year, quarter=quarter)
    lock_first(quarter_booklets.order_by("-edition"))
    edition = (quarter_booklets.aggregate(last=Max("edition"))["last"] or 0) + 1

    now = clock.now()
    issued = {"edition": edition, "issued_on": clock.local(now).date(), "issued_by": ISSUER}
    if contents is None:
        contents = booklet_files.booklet_contents(year, quarter)
    pdf = booklet_files.booklet_pdf(contents, commentary, draft=False, **issued)
    xlsx = booklet_files.booklet_xlsx(contents, commentary, draft=False, **issued)
    try:
        with transaction.atomic():
            made = NeglectBooklet.objects.create(
                year=year,
                quarter=quarter,
                edition=edition,
                commentary=commentary,
                pdf=pdf,
                xlsx=xlsx,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
                issued_by=actor,
                issued_at=now,
            )
    except IntegrityError as clash:
        raise ConflictError(
            "Someone issued this quarter's booklet at the same moment. Try again to issue the "
            "next edition."
        ) from clash
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=made,
        detail={"year": year, "quarter": quarter, "edition": edition},
    )
    return made


# ------------------------------------------------------------------- background runs (ADR 0026)

RunStatus = ReportRun.Status
RunKind = ReportRun.Kind

RUN_WORKFLOW = Workflow(
    noun="report",
    choices=RunStatus,
    initial=frozenset({RunStatus.QUEUED}),
    table={
        RunStatus.QUEUED: frozenset({RunStatus.RUNNING}),
        RunStatus.RUNNING: frozenset({RunStatus.DONE, RunStatus.FAILED}),
        RunStatus.DONE: frozenset(),
        RunStatus.FAILED: frozenset(),
    },
)
# A draft's file is kept this long after it is built, for its requester to download.
DRAFT_KEPT = timedelta(days=1)
RUN_PERMISSIONS = {
    RunKind.BOOKLET_DRAFT: "reporting.view_booklets",
    RunKind.BOOKLET_ISSUE: "reporting.issue_booklet",
}


def _no_history(**_kwargs) -> None:
    """A run's own times (created, started, finished) are its history: no separate table."""


def _move(run: ReportRun, to_status: str, *, actor=None, fields=(), detail=None) -> None:
    RUN_WORKFLOW.move(
        run,
        to_status,
        actor=actor,
        reason="",
        history=_no_history,
        fields=fields,
        audit_detail={
            "kind": run.kind,
            "by": "worker" if actor is None else "user",
            **(detail or {}),
        },
    )


@transaction.atomic
def report_run_request(
    *,
    actor,
    kind: str,
    year: int,
    quarter: int,
    fmt: str | None = None,
    commentary: str = "",
) -> ReportRun:
    """Ask for the booklet to be built in the background: a draft (``fmt`` pdf or xlsx) or an
    issue (with the board's commentary, refused now for what ``booklet_issue`` would refuse).
    The work is queued once this transaction commits; the run shows its progress."""
    if kind not in RUN_PERMISSIONS:
        raise ValidationError({"kind": "Choose a draft or an issue"})
    if not rules.has_perm(RUN_PERMISSIONS[kind], actor):
        raise PermissionDenied("You may not build this report")
    if kind == RunKind.BOOKLET_ISSUE:
        commentary = booklet_issue_check(
            actor=actor, year=year, quarter=quarter, commentary=commentary
        )
        fmt = ""
    else:
        _quarter_check(year, quarter)
        if fmt not in ReportRun.Format.values:
            raise ValidationError({"fmt": "Choose PDF or XLSX"})
        commentary = ""
    run = ReportRun.objects.create(
        kind=kind,
        year=year,
        quarter=quarter,
        fmt=fmt,
        commentary=commentary,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=run,
        detail={"kind": kind, "year": year, "quarter": quarter, "format": fmt},
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: uuid.UUID) -> None:
    from reporting.tasks import run_report

    run_report.enqueue(run_id=str(run_id))


def _progress(run_id: uuid.UUID):
    """A callback saving a run's progress, one short UPDATE a step: on a worker (autocommit)
    each is committed at once, so the run's page sees it while the build goes on."""

    def saved(done: int, total: int) -> None:
        ReportRun.objects.filter(pk=run_id).update(done=done, total=total)

    return saved


def report_run_perform(*, run_id) -> ReportRun | None:
    """Do a queued run's work (on a worker; ``reporting.tasks.run_report``). Safe to run twice:
    a run no longer queued is left alone. Not one transaction: the start, each step's progress
    and the end are committed separately, so the progress can be seen as it goes."""
    with transaction.atomic():
        try:
            run = lock(ReportRun, run_id)
        except ReportRun.DoesNotExist:
            return None
        if run.status != RunStatus.QUEUED:
            return run  # delivered twice: the first delivery does the work
        run.started_at = clock.now()
        _move(run, RunStatus.RUNNING, fields=["started_at"])
    try:
        contents = booklet_files.booklet_contents(
            run.year,
            run.quarter,
            progress=_progress(run.pk),
            # A draft may read the figures kept today; an issue is the board's record, so its
            # figures are worked out afresh.
            fresh=not run.is_draft,
        )
        if run.is_draft:
            build = booklet_files.booklet_pdf if run.fmt == "pdf" else booklet_files.booklet_xlsx
            content = build(contents, "", draft=True)
            with transaction.atomic():
                run = lock(ReportRun, run.pk)
                run.content, run.finished_at = content, clock.now()
                _move(run, RunStatus.DONE, fields=["content", "finished_at"])
        else:
            with transaction.atomic():
                made = booklet_issue(
                    actor=run.requested_by,
                    year=run.year,
                    quarter=run.quarter,
                    commentary=run.commentary,
                    contents=contents,
                )
                run = lock(ReportRun, run.pk)
                run.booklet, run.finished_at = made, clock.now()
                _move(
                    run,
                    RunStatus.DONE,
                    fields=["booklet", "finished_at"],
                    detail={"edition": made.edition},
                )
    except Exception as error:  # recorded on the run for its page; never its message
        # The type name only, no traceback: an error's message could hold a record's data.
        logger.error(
            "report run failed",
            extra={"run_id": str(run.pk), "kind": run.kind, "error": type(error).__name__},
        )
        with transaction.atomic():
            run = lock(ReportRun, run.pk)
            run.error, run.finished_at = type(error).__name__[:100], clock.now()
            _move(
                run, RunStatus.FAILED, fields=["error", "finished_at"], detail={"error": run.error}
            )
    return run


@transaction.atomic
def report_runs_clear_drafts(*, now: datetime) -> dict:
    """Clear the files of drafts built more than a day before ``now`` (the schedule's daily
    job): a draft is for downloading, not keeping. Returns the count."""
    cleared = ReportRun.objects.filter(
        kind=RunKind.BOOKLET_DRAFT,
        content__isnull=False,
        finished_at__lt=now - DRAFT_KEPT,
    ).update(content=None)
    if cleared:
        audit_record(
            actor=None,
            action=Action.UPDATE,
            target="reporting.reportrun",
            detail={"by": "schedule", "fields": ["content"], "drafts_cleared": cleared},
        )
    return {"drafts_cleared": cleared}


# ------------------------------------------------------------------ figures worked out again

# The reports whose figures can be worked out again, with who may (their readers).
FIGURE_REPORTS = {
    "report_card": "reporting.view_report_cards",
    "dashboard": "reporting.view_dashboard",
}


def figures_refresh(*, actor, report: str, period: Period, where: Slice) -> None:
    """Queues working a report's figures out again now (``reporting.figures``): the card's or the
    dashboard's periods in its slice. The task carries codes and dates only."""
    if report not in FIGURE_REPORTS:
        raise ValidationError({"report": "Choose a report card or the dashboard"})
    if not rules.has_perm(FIGURE_REPORTS[report], actor):
        raise PermissionDenied("You may not read this report")
    codes = {
        name: row.code if row is not None else ""
        for name, row in (("area", where.area), ("agency", where.agency), ("team", where.team))
    }
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target="reporting.figure",
        detail={
            "report": report,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            **codes,
        },
    )

    def enqueue() -> None:
        from reporting import tasks

        tasks.work_figures_out.enqueue(
            report=report, start=period.start.isoformat(), end=period.end.isoformat(), **codes
        )

    transaction.on_commit(enqueue)


def figures_work_out(*, report: str, start: str, end: str, area: str, agency: str, team: str):
    """The queued work: the report built with every figure worked out afresh (and kept)."""
    from reporting import dashboard, report_cards

    period = Period(date.fromisoformat(start), date.fromisoformat(end))
    where = Slice(
        area=core_selectors.areas().filter(code=area).first() if area else None,
        agency=core_selectors.agencies().filter(code=agency).first() if agency else None,
        team=core_selectors.teams().filter(code=team).first() if team else None,
    )
    build = report_cards.report_card if report == "report_card" else dashboard.dashboard
    build(period, where, fresh=True)
