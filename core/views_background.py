"""The service's background work, for its administrators: the scheduled jobs and how their last
runs went, and every message's delivery (queued, sent, waiting to try again, failed)."""

import rules
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import notify, schedule, selectors
from core.errors import ConflictError
from core.models import OutboundMessage


def _require(request: HttpRequest) -> None:
    if not rules.has_perm("core.manage_background_work", request.user):
        raise PermissionDenied


def _said(run) -> list[str]:
    """A run's summary in words: {"meetings_held": 2} -> "Meetings held: 2"."""
    if run is None:
        return []
    return [f"{key.replace('_', ' ').capitalize()}: {value}" for key, value in run.summary.items()]


@login_required
@require_GET
def background_work(request: HttpRequest) -> HttpResponse:
    _require(request)
    jobs = schedule.jobs()
    latest = selectors.scheduled_runs_latest([job.key for job in jobs])
    status = request.GET.get("status", "")
    if status not in OutboundMessage.Status.values:
        status = ""
    counts = selectors.message_counts()
    context = {
        "nav_section": "configuration",
        "jobs": [(job, latest.get(job.key), _said(latest.get(job.key))) for job in jobs],
        "counts": [
            (value, label, counts[value]) for value, label in OutboundMessage.Status.choices
        ],
        "status": status,
        "status_label": OutboundMessage.Status(status).label if status else "",
        "messages_list": selectors.messages_by_status(status or None),
        "shown": selectors.MESSAGES_SHOWN,
        "subjects": {key: template.subject for key, template in notify.TEMPLATES.items()},
    }
    return render(request, "core/background_work.html", context)


@login_required
@require_POST
def message_send_again(request: HttpRequest, message_id: int) -> HttpResponse:
    _require(request)
    if selectors.message(message_id) is None:
        raise Http404
    try:
        notify.message_send_again(actor=request.user, message_id=message_id)
    except ConflictError as error:
        flash.error(request, str(error))
    else:
        flash.success(request, "The message is queued to be sent again")
    return redirect(reverse("core:background_work") + "?status=failed")
