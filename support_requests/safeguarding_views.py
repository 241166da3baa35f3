"""The safeguarding stop page, shared by triage, a practitioner's request and an assessment.

Each caller finds its pending stop (scoped), says how to record the next step with its own
service and where to go afterwards; the page, its form, its audit and its errors are the same.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.audit import Action, audit_record
from core.forms import add_service_errors
from support_requests import selectors
from support_requests.forms import SafeguardingNextStepForm
from support_requests.models import SafeguardingStop

TEMPLATE = "support_requests/safeguarding_stop.html"


def stop_page(
    request: HttpRequest,
    *,
    stop: SafeguardingStop,
    record: Callable[..., object],
    after: Callable[[str], HttpResponse],
    context: dict,
) -> HttpResponse:
    """Show the stop (audited) or record what the user did.

    ``record(next_step=..., reason=...)`` is the caller's service; ``after(next_step)`` is the
    response once it is recorded. The service's refusals come back onto the form.
    """
    if request.method == "POST":
        form = SafeguardingNextStepForm(request.POST)
        if form.is_valid():
            next_step = form.cleaned_data["next_step"]
            try:
                record(next_step=next_step, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return after(next_step)
    else:
        form = SafeguardingNextStepForm()
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=stop,
            detail={"page": "safeguarding_stop"},
        )
    page = {**context, "stop": stop, "council": selectors.council(), "form": form}
    return render(request, TEMPLATE, page)
