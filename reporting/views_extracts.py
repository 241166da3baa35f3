"""The standard extracts to download: the Supporting Families style outcomes extract. Thin: the
rows come from ``supporting_families``; who may is ``rules.py``; every download is audited."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import clock, spreadsheets
from core.audit import Action, audit_record
from reporting import supporting_families as extract
from reporting.forms_extracts import SupportingFamiliesForm
from reporting.views import CONTENT_TYPES


def _require(user, perm: str) -> None:
    # Out of the reader's role, the page does not exist for them.
    if not rules.has_perm(perm, user):
        raise Http404("No such page")


@login_required
@require_GET
def supporting_families(request: HttpRequest) -> HttpResponse:
    """The form; once a period and a format are chosen, the file (the dates are no one's data,
    so they can travel in the address)."""
    _require(request.user, "reporting.export_supporting_families")
    asked = "fmt" in request.GET
    form = SupportingFamiliesForm(request.GET if asked else None, today=clock.today())
    outcomes = extract.headline_outcomes()
    columns = extract.columns(outcomes)
    if asked and form.is_valid():
        period, fmt = form.period(), form.cleaned_data["fmt"]
        rows = extract.rows(start=period.start, end=period.end, outcomes=outcomes)
        audit_record(
            actor=request.user,
            action=Action.EXPORT,
            target="casework.episode",
            detail={
                "report": "supporting_families",
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "format": fmt,
                "rows": len(rows),
            },
        )
        if fmt == "xlsx":
            content = spreadsheets.as_xlsx(columns, rows, title=extract.TITLE)
        else:
            content = spreadsheets.as_csv(columns, rows, date_format="%d/%m/%Y")
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        name = extract.filename(period.start, period.end, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "reporting/supporting_families.html",
        {
            "form": form,
            "outcomes": outcomes,
            "columns": columns,
            "yes": extract.YES,
            "no": extract.NO,
            "not_yet": extract.NOT_YET,
            "nav_section": "reports",
        },
    )
