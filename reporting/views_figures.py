"""Working a report's figures out again now, rather than reading the ones kept today
(``reporting.figures``). Thin: the form says which period and slice, ``services`` queues the work,
``rules.py`` says who may."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import clock
from reporting import services
from reporting.forms import ReportFilterForm


@login_required
@require_POST
def figures_refresh(request: HttpRequest) -> HttpResponse:
    report = request.POST.get("report", "")
    perm = services.FIGURE_REPORTS.get(report)
    if perm is None or not rules.has_perm(perm, request.user):
        raise Http404("No such page")
    # The report's own query: codes and dates, no one's data.
    query = QueryDict(request.POST.get("query", ""))
    back = reverse(f"reporting:{report}") + (f"?{query.urlencode()}" if query else "")
    form = ReportFilterForm(query if query else None, today=clock.today())
    if form.is_bound and not form.is_valid():
        return redirect(back)  # the report shows what is wrong with its choices
    services.figures_refresh(
        actor=request.user, report=report, period=form.period(), where=form.slice()
    )
    messages.success(
        request,
        "The figures are being worked out again from the records. For the whole partnership this "
        "can take a few minutes: reload this page to see them.",
    )
    return redirect(back)
