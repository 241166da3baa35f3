"""The report card page and its CSV. Thin: the card comes from ``report_cards``; who may is
``rules.py``. The card holds no one's data, but the board needs to know who looked, so each view
and each download is audited."""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import clock, spreadsheets
from core.audit import Action, audit_record
from reporting import report_cards
from reporting.forms import ReportFilterForm

TARGET = "reporting.report_card"


def _require(user, perm: str) -> None:
    # Out of the reader's role, the page does not exist for them.
    if not rules.has_perm(perm, user):
        raise Http404("No such page")


@login_required
@require_GET
def report_card(request: HttpRequest) -> HttpResponse:
    """The filter form and, for what it chose (or the latest complete quarter for the whole
    partnership), the card; with ``fmt=csv``, the card's table as a file."""
    _require(request.user, "reporting.view_report_cards")
    chosen = {key: value for key, value in request.GET.items() if key != "fmt"}
    form = ReportFilterForm(request.GET if chosen else None, today=clock.today())
    card = None
    if not form.is_bound or form.is_valid():
        card = report_cards.report_card(form.period(), form.slice())
        wants_csv = request.GET.get("fmt") == "csv"
        audit_record(
            actor=request.user,
            action=Action.EXPORT if wants_csv else Action.VIEW,
            target=TARGET,
            detail={
                "period": {
                    "start": card.period.start.isoformat(),
                    "end": card.period.end.isoformat(),
                },
                "slice": report_cards.slice_codes(card.where),
                "format": "csv" if wants_csv else "page",
            },
        )
        if wants_csv:
            content = spreadsheets.as_csv(report_cards.COLUMNS, report_cards.csv_rows(card))
            response = HttpResponse(content, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="{report_cards.filename(card)}"'
            )
            return response
    export = request.GET.copy()
    export["fmt"] = "csv"
    return render(
        request,
        "reporting/report_card.html",
        {
            "form": form,
            "card": card,
            "export_query": export.urlencode(),
            "card_query": urlencode(chosen),
            "nav_section": "reports",
        },
    )
