"""The quarterly neglect booklet's pages: the archive of issued booklets with a draft to download
and, for a strategic lead, the form to issue one; and the issued files. Thin: the files come from
``booklet``, the issue from ``services``, the archive from ``selectors``; who may is
``rules.py``. Every download, draft or issued, is audited."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.audit import Action, audit_record
from core.forms import add_service_errors
from reporting import booklet as booklet_files
from reporting import selectors, services
from reporting.forms_booklet import BookletDraftForm, BookletIssueForm

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
@require_GET
def booklet_draft(request: HttpRequest) -> HttpResponse:
    """A draft of a quarter's booklet as it stands today: built, downloaded, not kept."""
    _require(request.user, "reporting.view_booklets")
    form = BookletDraftForm(request.GET, today=clock.today())
    if not form.is_valid():
        return _page(request, draft_form=form)
    year, quarter = form.year_and_quarter()
    fmt = form.cleaned_data["fmt"]
    contents = booklet_files.booklet_contents(year, quarter)
    if fmt == "pdf":
        content = booklet_files.booklet_pdf(contents, "", draft=True)
    else:
        content = booklet_files.booklet_xlsx(contents, "", draft=True)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        target=RECORD_TYPE,
        detail={
            "report": "neglect_booklet",
            "draft": True,
            "year": year,
            "quarter": quarter,
            "format": fmt,
        },
    )
    return _file(content, fmt, booklet_files.filename(year, quarter, fmt))


@login_required
@require_POST
def booklet_issue(request: HttpRequest) -> HttpResponse:
    _require(request.user, "reporting.issue_booklet")
    form = BookletIssueForm(request.POST, today=clock.today())
    if form.is_valid():
        year, quarter = form.year_and_quarter()
        try:
            made = services.booklet_issue(
                actor=request.user,
                year=year,
                quarter=quarter,
                commentary=form.cleaned_data["commentary"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Neglect booklet for {booklet_files.quarter_label(year, quarter)} issued "
                f"(edition {made.edition})",
            )
            return redirect("reporting:booklets")
    return _page(request, issue_form=form)


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
