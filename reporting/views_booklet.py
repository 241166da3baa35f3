"""The quarterly neglect booklet's pages: the archive of issued booklets with a draft to ask for
and, for a strategic lead, the form to issue one; the issued files; and each background run's
page, its status as JSON for the page's script, and a draft's file (ADR 0026). Thin: the runs
and the issue are ``services``', the archive and the runs ``selectors``'; who may is
``rules.py``. Every download, draft or issued, is audited."""

from __future__ import annotations

import uuid

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.audit import Action, audit_record
from core.forms import add_service_errors
from reporting import booklet as booklet_files
from reporting import selectors, services
from reporting.forms_booklet import BookletDraftForm, BookletIssueForm
from reporting.models import ReportRun

RECORD_TYPE = "reporting.neglectbooklet"


def _require(user, perm: str) -> None:
    # Out of the reader's role, the pages do not exist for them.
    if not rules.has_perm(perm, user):
        raise Http404("No such page")


def _file(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=booklet_files.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(request: HttpRequest, *, draft_form=None, issue_form=None, status: int = 200):
    today = clock.today()
    may_issue = rules.has_perm("reporting.issue_booklet", request.user)
    return render(
        request,
        "reporting/booklets.html",
        {
            "nav_section": "reports",
            "booklets": list(selectors.booklets()),
            "runs": [
                (run, _said(run))
                for run in selectors.recent_runs_for(request.user, now=clock.now())
            ],
            "draft_form": draft_form or BookletDraftForm(today=today),
            "issue_form": (issue_form or BookletIssueForm(today=today)) if may_issue else None,
        },
        status=status,
    )


@login_required
@require_GET
def booklets(request: HttpRequest) -> HttpResponse:
    _require(request.user, "reporting.view_booklets")
    return _page(request)


@login_required
@require_POST
def booklet_draft(request: HttpRequest) -> HttpResponse:
    """Ask for a draft of a quarter's booklet as it stands today: built in the background, then
    downloaded from the run's page by whoever asked."""
    _require(request.user, "reporting.view_booklets")
    form = BookletDraftForm(request.POST, today=clock.today())
    if form.is_valid():
        year, quarter = form.year_and_quarter()
        try:
            run = services.report_run_request(
                actor=request.user,
                kind=ReportRun.Kind.BOOKLET_DRAFT,
                year=year,
                quarter=quarter,
                fmt=form.cleaned_data["fmt"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reporting:booklet_run", run_id=run.pk)
    return _page(request, draft_form=form)


@login_required
@require_POST
def booklet_issue(request: HttpRequest) -> HttpResponse:
    """Ask for the booklet to be issued: refused at once for what the issue would refuse, then
    built in the background; the run's page says when it is issued."""
    _require(request.user, "reporting.issue_booklet")
    form = BookletIssueForm(request.POST, today=clock.today())
    if form.is_valid():
        year, quarter = form.year_and_quarter()
        try:
            run = services.report_run_request(
                actor=request.user,
                kind=ReportRun.Kind.BOOKLET_ISSUE,
                year=year,
                quarter=quarter,
                commentary=form.cleaned_data["commentary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reporting:booklet_run", run_id=run.pk)
    return _page(request, issue_form=form)


# ------------------------------------------------------------------------- background runs


def _said(run: ReportRun) -> dict:
    """What a run's page (and its script, through the status JSON) says of it: a sentence and,
    once it has finished, the link to follow."""
    label = booklet_files.quarter_label(run.year, run.quarter)
    status = run.status
    if status == ReportRun.Status.QUEUED:
        return {"message": "Waiting to start. It will start as soon as the service is free."}
    if status == ReportRun.Status.RUNNING:
        if not run.total:
            return {"message": "Starting to work out the figures."}
        if run.done < run.total:
            return {"message": f"Worked out {run.done} of {run.total} figures."}
        last = "Putting the file together." if run.is_draft else "Issuing the booklet."
        return {"message": f"Worked out all {run.total} figures. {last}"}
    if status == ReportRun.Status.FAILED:
        return {
            "message": (
                "Sorry, the booklet could not be built. "
                + ("" if run.is_draft else "Nothing was issued. ")
                + "Try again. If it fails again, tell the service desk."
            ),
            "link": (reverse("reporting:booklets"), "Try again"),
        }
    if not run.is_draft:
        return {
            "message": f"The booklet for {label} is issued (edition {run.booklet.edition}).",
            "link": (reverse("reporting:booklets"), "Go to the issued booklets"),
        }
    if run.content_size is None:
        return {
            "message": "This draft was cleared a day after it was built. Ask for a new one.",
            "link": (reverse("reporting:booklets"), "Ask for a new draft"),
        }
    return {
        "message": f"Your draft of the booklet for {label} is ready.",
        "link": (
            reverse("reporting:booklet_run_file", kwargs={"run_id": run.pk}),
            f"Download the draft ({run.fmt.upper()})",
        ),
    }


def _run(request: HttpRequest, run_id: uuid.UUID) -> ReportRun:
    _require(request.user, "reporting.view_booklets")
    return selectors.report_run_for(request.user, run_id)


@login_required
@require_GET
@never_cache
def booklet_run(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    run = _run(request, run_id)
    return render(
        request,
        "reporting/booklet_run.html",
        {
            "nav_section": "reports",
            "run": run,
            "said": _said(run),
            "label": booklet_files.quarter_label(run.year, run.quarter),
            "finished": run.status in services.RUN_WORKFLOW.terminal,
        },
    )


@login_required
@require_GET
@never_cache
def booklet_run_status(request: HttpRequest, run_id: uuid.UUID) -> JsonResponse:
    """The run's status for its page's script: no personal data, no commentary."""
    run = _run(request, run_id)
    said = _said(run)
    link = said.get("link")
    return JsonResponse(
        {
            "status": run.status,
            "done": run.done,
            "total": run.total,
            "finished": run.status in services.RUN_WORKFLOW.terminal,
            "message": said["message"],
            "link": {"url": link[0], "text": link[1]} if link else None,
        }
    )


@login_required
@require_GET
def booklet_run_file(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """A finished draft's file, for whoever asked for it (audited by the selector)."""
    _require(request.user, "reporting.view_booklets")
    run = selectors.report_run_file_for(request.user, run_id)
    return _file(
        bytes(run.content), run.fmt, booklet_files.filename(run.year, run.quarter, run.fmt)
    )


def _download(request: HttpRequest, booklet_id: int, fmt: str) -> HttpResponse:
    _require(request.user, "reporting.view_booklets")
    issued = selectors.booklet(booklet_id)
    if issued is None:
        raise Http404("No such booklet")
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        target=issued,
        detail={
            "report": "neglect_booklet",
            "draft": False,
            "year": issued.year,
            "quarter": issued.quarter,
            "edition": issued.edition,
            "format": fmt,
        },
    )
    content = bytes(issued.pdf if fmt == "pdf" else issued.xlsx)
    name = booklet_files.filename(issued.year, issued.quarter, fmt, edition=issued.edition)
    return _file(content, fmt, name)


@login_required
@require_GET
def booklet_pdf(request: HttpRequest, booklet_id: int) -> HttpResponse:
    return _download(request, booklet_id, "pdf")


@login_required
@require_GET
def booklet_xlsx(request: HttpRequest, booklet_id: int) -> HttpResponse:
    return _download(request, booklet_id, "xlsx")
