"""The dashboard page (issue 13, Build 6). Thin: the figures come from ``reporting.dashboard``;
who may is ``rules.py``; each view of the figures is audited."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core import clock
from core.audit import Action, audit_record
from reporting.dashboard import dashboard as build_dashboard
from reporting.forms import ReportFilterForm

# Other reports the page links to, by URL name, once their pages exist.


def _require(user, perm: str) -> None:
    # Out of the reader's role, the page does not exist for them.
    if not rules.has_perm(perm, user):
        raise Http404("No such page")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require(request.user, "reporting.view_dashboard")
    form = ReportFilterForm(request.GET or None, today=clock.today())
    shown = None
    if not form.is_bound or form.is_valid():
        period, where = form.period(), form.slice()
        shown = build_dashboard(period, where)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="reporting.dashboard",
            detail={
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "area": where.area.code if where.area else "",
                "agency": where.agency.code if where.agency else "",
                "team": where.team.code if where.team else "",
            },
        )
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "dashboard": shown,
            "querystring": request.GET.urlencode(),
            "report_card_url": reverse("reporting:report_card"),
            # Everyone who reads the dashboard reads the list of reports.
            "reports_index": True,
            # Team managers read the dashboard but not the partnership's returns and booklets.
            "annex_a_url": reverse("reporting:annex_a_list_2")
            if rules.has_perm("reporting.export_annex_a", request.user)
            else None,
            "booklet_url": reverse("reporting:booklets")
            if rules.has_perm("reporting.view_booklets", request.user)
            else None,
            "nav_section": "reports",
        },
    )
