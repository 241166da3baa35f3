"""Staff pages: the area's triage queue and a request's details.

Requests come only from support_requests.selectors, so one outside the user's scope is
a 404. Each page view writes exactly one audit event in the request's transaction;
status changes go through support_requests.services, which write their own.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.audit import Action, audit_record
from support_requests import selectors, services
from support_requests.models import SupportRequest

PAGE_SIZE = 50
NAV_SECTION = "requests"


def _require_queue_access(user) -> None:
    # Not a record: but nobody outside the queue's roles learns that the queue exists.
    if not selectors.can_see_requests(user):
        raise Http404


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_queue_access(user)
    page_obj = Paginator(selectors.queue_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.elided_range = list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )
    today = timezone.localdate()
    rows = [
        {"request": r, "days_waiting": (today - timezone.localtime(r.created_at).date()).days}
        for r in page_obj.object_list
    ]
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=SupportRequest._meta.label_lower,
        detail={"page": "queue", "count": len(rows)},
    )
    team = user.team
    context = {
        "nav_section": NAV_SECTION,
        "rows": rows,
        "page_obj": page_obj,
        "area_name": team.area.name if team and team.area_id else "",
    }
    return render(request, "support_requests/queue.html", context)


@login_required
@require_GET
def detail(request: HttpRequest, request_id) -> HttpResponse:
    user = request.user
    support_request = selectors.request_detail(user, request_id)
    audit_record(actor=user, action=Action.VIEW, target=support_request)
    context = {
        "nav_section": NAV_SECTION,
        "support_request": support_request,
        "children": list(support_request.children.all()),
        "history": list(support_request.history.all()),
        "unsafe": set(support_request.unsafe_contact_ways),
        "can_start_triage": services.Status.IN_TRIAGE
        in services.ALLOWED_TRANSITIONS[support_request.status],
    }
    return render(request, "support_requests/detail.html", context)


@login_required
@require_POST
def start_triage(request: HttpRequest, request_id) -> HttpResponse:
    user = request.user
    support_request = selectors.get_request(user, request_id)
    try:
        services.support_request_start_triage(actor=user, support_request=support_request)
    except services.TransitionNotAllowed:
        messages.info(request, "Triage has already started on this request")
    else:
        messages.success(request, "Triage started")
    return redirect("support_requests:detail", request_id=support_request.pk)
