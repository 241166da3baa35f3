"""The partnership's reports: the list of them, and Ofsted's Annex A List 2 to download. Thin:
the rows come from ``annex_a``; who may is ``rules.py``; every download is audited."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import spreadsheets
from core.audit import Action, audit_record
from core.forms import add_service_errors
from reporting import annex_a
from reporting.forms import AnnexAForm

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _require(user, perm: str) -> None:
    # Out of the reader's role, the pages do not exist for them.
    if not rules.has_perm(perm, user):
        raise Http404("No such page")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    # Team managers read the dashboard and report cards; the returns and the booklet are for
    # strategic leads and the early support service (each link shows only if the reader may).
    _require(request.user, "reporting.view_dashboard")
    user = request.user
    return render(
        request,
        "reporting/index.html",
        {
            "nav_section": "reports",
            "returns": rules.has_perm("reporting.export_annex_a", user),
            "extracts": rules.has_perm("reporting.export_supporting_families", user),
            "booklets": rules.has_perm("reporting.view_booklets", user),
            "recording_sheet": rules.has_perm("panel.download_recording_sheet", user),
            "reach": rules.has_perm("children_centres.view_reach", user),
        },
    )


@login_required
@require_GET
def annex_a_list_2(request: HttpRequest) -> HttpResponse:
    """The form; once a date and a format are chosen, the file (the date is no one's data, so it
    can travel in the address)."""
    _require(request.user, "reporting.export_annex_a")
    asked = "fmt" in request.GET
    form = AnnexAForm(request.GET if asked else None)
    if asked and form.is_valid():
        as_at, fmt = form.cleaned_data["as_at"], form.cleaned_data["fmt"]
        try:
            rows = annex_a.list_2(as_at=as_at)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            audit_record(
                actor=request.user,
                action=Action.EXPORT,
                target="assessments.assessmentchild",
                detail={
                    "report": "annex_a_list_2",
                    "as_at": as_at.isoformat(),
                    "format": fmt,
                    "rows": len(rows),
                },
            )
            if fmt == "xlsx":
                content = spreadsheets.as_xlsx(annex_a.COLUMNS, rows, title=annex_a.TITLE)
            else:
                content = spreadsheets.as_csv(annex_a.COLUMNS, rows, date_format="%d/%m/%Y")
            response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
            response["Content-Disposition"] = (
                f'attachment; filename="{annex_a.filename(as_at, fmt)}"'
            )
            return response
    return render(
        request,
        "reporting/annex_a.html",
        {"form": form, "columns": annex_a.COLUMNS, "nav_section": "reports"},
    )
