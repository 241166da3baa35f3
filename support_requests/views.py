"""Staff pages: the area's triage queue and a request's details.

Requests come only from support_requests.selectors, so one outside the user's scope is
a 404. Each page view writes exactly one audit event in the request's transaction;
status changes go through support_requests.services, which write their own.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core.audit import Action, audit_record
from core.forms import add_service_errors as _add_service_errors
from offer import selectors as offer_selectors
from support_requests import selectors, services
from support_requests.forms import TriageForm
from support_requests.models import SafeguardingStop, SupportRequest, Triage
from support_requests.safeguarding_views import stop_page
from support_requests.staff_forms import SetAreaForm

PAGE_SIZE = 50
TRIAGE = "support_requests.triage"
NAV_SECTION = "requests"


def _require_queue_access(user) -> None:
    # Not a record: but nobody outside the queue's roles learns that the queue exists.
    if not rules.has_perm("support_requests.see_requests", user):
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
    today = clock.today()
    rows = [
        {"request": r, "days_waiting": (today - clock.local(r.created_at).date()).days}
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
    context = _detail_context(user, support_request)
    return render(request, "support_requests/detail.html", context)


def _signpost_referrals(user, support_request: SupportRequest, triage) -> list:
    """The offer app's referrals made at this request's triage (a signpost to a directory
    service: the handover and whether the family took it up), those the reader may see."""
    if triage is None or triage.decision != Triage.Decision.SIGNPOST:
        return []
    referrals = list(
        offer_selectors.referrals_for_source(user, "support_request", str(support_request.pk))
    )
    positions = offer_selectors.waiting_positions(referrals)
    for referral in referrals:
        referral.waiting_position = positions.get(referral.pk)
    return referrals


def _detail_context(user, support_request: SupportRequest, area_form=None) -> dict:
    triage = getattr(support_request, "triage", None)
    if area_form is None and rules.has_perm("support_requests.set_area", user, support_request):
        area_form = SetAreaForm()
    return {
        "nav_section": NAV_SECTION,
        "support_request": support_request,
        "children": list(support_request.children.all()),
        "history": list(support_request.history.all()),
        "unsafe": set(support_request.unsafe_contact_ways),
        "can_start_triage": services.REQUEST_WORKFLOW.can_move(
            support_request.status, services.Status.IN_TRIAGE
        ),
        "can_triage": rules.has_perm(TRIAGE, user)
        and support_request.status == services.Status.IN_TRIAGE,
        "triage": triage,
        "signpost_referrals": _signpost_referrals(user, support_request, triage),
        "stops": list(support_request.safeguarding_stops.all()),
        "can_start_assessment": rules.has_perm(
            "support_requests.start_assessment", user, support_request
        ),
        "area_form": area_form,
    }


@login_required
@require_POST
def set_area(request: HttpRequest, request_id) -> HttpResponse:
    """Choose the area of a request whose area is not known (early support team leaders)."""
    user = request.user
    support_request = _request_for_triage(user, request_id)
    form = SetAreaForm(request.POST)
    if not form.is_valid():
        if support_request.area_id is not None or not support_request.is_open:
            messages.info(request, "The area can only be set on an open request")
            return redirect("support_requests:detail", request_id=support_request.pk)
        support_request = selectors.request_detail(user, request_id)
        audit_record(
            actor=user, action=Action.VIEW, target=support_request, detail={"page": "set_area"}
        )
        context = _detail_context(user, support_request, area_form=form)
        return render(request, "support_requests/detail.html", context, status=200)
    area = form.cleaned_data["area"]
    try:
        services.support_request_set_area(actor=user, support_request=support_request, area=area)
    except services.TransitionNotAllowed:
        messages.info(request, "The area can only be set while the request is open")
        return redirect("support_requests:detail", request_id=support_request.pk)
    messages.success(request, f"Area set to {area.name}. The request is in that area’s queue.")
    if selectors.requests_for(user).filter(pk=support_request.pk).exists():
        return redirect("support_requests:detail", request_id=support_request.pk)
    return redirect("support_requests:queue")


@login_required
@require_POST
def start_triage(request: HttpRequest, request_id) -> HttpResponse:
    user = request.user
    support_request = _request_for_triage(user, request_id)
    try:
        services.support_request_start_triage(actor=user, support_request=support_request)
    except services.TransitionNotAllowed:
        messages.info(request, "Triage has already started on this request")
    else:
        messages.success(request, "Triage started")
    return redirect("support_requests:detail", request_id=support_request.pk)


def _request_for_triage(user, request_id) -> SupportRequest:
    """Out of scope: 404. In scope but not a team leader (business support): 403."""
    support_request = selectors.get_request(user, request_id)
    if not rules.has_perm(TRIAGE, user):
        raise PermissionDenied
    return support_request


@login_required
@require_http_methods(["GET", "POST"])
def triage(request: HttpRequest, request_id) -> HttpResponse:
    user = request.user
    support_request = _request_for_triage(user, request_id)
    if support_request.status != SupportRequest.Status.IN_TRIAGE:
        messages.info(request, "Only a request that is in triage can be triaged")
        return redirect("support_requests:detail", request_id=support_request.pk)
    # A stop waiting for its next step comes first: nothing else can be done until it is recorded.
    if selectors.pending_stop(support_request) is not None:
        return redirect("support_requests:safeguarding_stop", request_id=support_request.pk)
    saved = selectors.saved_triage(support_request)
    if request.method == "POST":
        form = TriageForm(request.POST)
        valid = form.is_valid()
        answers = form.answers()
        draft = request.POST.get("action") == "draft"
        try:
            stop = services.triage_submit(
                actor=user,
                support_request=support_request,
                answers=answers,
                mode="draft" if draft else "decision",
                answers_valid=valid,
            )
        except services.TransitionNotAllowed:
            # Before ValidationError, which it is too: the request moved on, not bad input.
            messages.info(request, "This request has already been triaged")
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            if stop is not None:
                return redirect("support_requests:safeguarding_stop", request_id=support_request.pk)
            if valid:
                if draft:
                    messages.success(request, "Triage saved. You can come back to it later.")
                else:
                    messages.success(request, "Triage decision saved")
                return redirect("support_requests:detail", request_id=support_request.pk)
    else:
        form = TriageForm(initial=TriageForm.initial_for(saved))
        audit_record(
            actor=user, action=Action.VIEW, target=support_request, detail={"page": "triage"}
        )
    context = {"nav_section": NAV_SECTION, "support_request": support_request, "form": form}
    return render(request, "support_requests/triage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def safeguarding_stop(request: HttpRequest, request_id) -> HttpResponse:
    user = request.user
    support_request = _request_for_triage(user, request_id)
    stop = selectors.pending_stop(support_request)
    if stop is None:
        return redirect("support_requests:detail", request_id=support_request.pk)

    def record(*, next_step: str, reason: str) -> None:
        services.safeguarding_stop_record_next_step(
            actor=user, stop=stop, next_step=next_step, reason=reason
        )

    def after(next_step: str) -> HttpResponse:
        if next_step == SafeguardingStop.NextStep.WAS_WRONG:
            messages.info(
                request,
                "The safeguarding stop and your reason have been recorded. "
                "Answer the concerns question again.",
            )
            return redirect("support_requests:triage", request_id=support_request.pk)
        messages.success(request, "What you did has been recorded")
        return redirect("support_requests:detail", request_id=support_request.pk)

    context = {"nav_section": NAV_SECTION, "support_request": support_request}
    return stop_page(request, stop=stop, record=record, after=after, context=context)
