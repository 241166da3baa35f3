"""Casework consultancy pages, under /consultancy/: the requests a user may see (their own, those
waiting for or assigned to a consultant, every one for a team leader), asking for consultancy, a
request with its history and the forms that move it on, the list of consultants and the counts.
Requests come only from selectors (out of scope: 404); no names in any path."""

from __future__ import annotations

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consultancy import selectors, services
from consultancy.forms import (
    AcceptForm,
    AskForm,
    AssignForm,
    CompleteForm,
    ConsultantForm,
    DeclineForm,
    EndConsultantForm,
    PeriodForm,
    WithdrawForm,
)
from consultancy.models import ConsultancyRequest
from core import clock
from core.audit import Action, audit_record
from core.errors import ConflictError
from core.forms import add_service_errors
from people.selectors import families_for

NAV_SECTION = "consultancy"
Status = ConsultancyRequest.Status
# A list shows this many requests at most (newest first).
SHOWN = 200
FAMILIES_SHOWN = 500


def _url(request_record) -> str:
    return reverse("consultancy:detail", kwargs={"request_id": request_record.pk})


def _require(perm: str, user, obj=None) -> None:
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require("consultancy.use", user)
    leader = rules.has_perm("consultancy.manage", user)
    consultant = rules.has_perm("consultancy.pick_up", user)
    rows = list(selectors.request_rows(user)[:SHOWN])
    mine = [r for r in rows if r.requested_by_id == user.pk]
    waiting = [r for r in rows if r.status == Status.REQUESTED and r.consultant_id is None]
    assigned = [r for r in rows if r.consultant_id == user.pk]
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="consultancy.consultancyrequest",
        detail={"page": "consultancy", "count": len(rows)},
    )
    return render(
        request,
        "consultancy/index.html",
        {
            "nav_section": NAV_SECTION,
            "may_ask": rules.has_perm("consultancy.ask", user),
            "leader": leader,
            "consultant": consultant,
            "mine": mine,
            "waiting": waiting,
            "assigned": assigned,
            "everything": rows if leader else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require("consultancy.ask", user)
    families = list(families_for(user).order_by("name", "reference")[:FAMILIES_SHOWN])
    initial = {}
    chosen = request.GET.get("family", "")
    if chosen and chosen in {str(f.pk) for f in families}:
        initial["family"] = chosen
    form = AskForm(request.POST or None, families=families, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.consultancy_request_ask(
                actor=user,
                kind=data["kind"],
                help_wanted=data["help_wanted"],
                preferred_dates=data["preferred_dates"],
                family=data["family"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your request for consultancy has been sent")
            return redirect(_url(made))
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="people.family",
        detail={"page": "consultancy_ask", "count": len(families)},
    )
    return render(
        request,
        "consultancy/form.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "title": "Ask for casework consultancy",
            "button": "Send the request",
            "back_url": reverse("consultancy:index"),
        },
    )


def _audit_read(user, found: ConsultancyRequest, page: str) -> None:
    audit_record(actor=user, action=Action.VIEW, target=found, detail={"page": page})
    if found.family_id and found.family_visible:
        audit_record(actor=user, action=Action.VIEW, target=found.family, detail={"page": page})


@login_required
@require_GET
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_request(user, request_id)
    _audit_read(user, found, "consultancy_request")
    answers = rules.has_perm("consultancy.answer", user, found)
    can = {
        "pick_up": found.status == Status.REQUESTED
        and found.consultant_id is None
        and rules.has_perm("consultancy.pick_up", user, found),
        "assign": found.status in selectors.OPEN and rules.has_perm("consultancy.manage", user),
        "accept": answers
        and found.consultant_id is not None
        and services.WORKFLOW.can_move(found.status, Status.ACCEPTED),
        "decline": answers and services.WORKFLOW.can_move(found.status, Status.DECLINED),
        "complete": answers and services.WORKFLOW.can_move(found.status, Status.COMPLETED),
        "withdraw": rules.has_perm("consultancy.withdraw", user, found)
        and services.WORKFLOW.can_move(found.status, Status.WITHDRAWN),
    }
    return render(
        request,
        "consultancy/detail.html",
        {
            "nav_section": NAV_SECTION,
            "item": found,
            "history": list(selectors.request_history(found)),
            "can": can,
        },
    )


class _VersionForm(forms.Form):
    version = forms.IntegerField(min_value=0)


@login_required
@require_POST
def pick_up(request: HttpRequest, request_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_request(user, request_id)
    _require("consultancy.pick_up", user, found)
    form = _VersionForm(request.POST)
    if not form.is_valid():
        raise ValidationError("Open the request again and pick it up from there")
    services.consultancy_request_pick_up(
        actor=user, request=found, expected_version=form.cleaned_data["version"]
    )
    messages.success(request, "You have picked up this request")
    return redirect(_url(found))


def _change_page(request, request_id, *, perm, form_class, run, title, button, success, extra=None):
    user = request.user
    found = selectors.get_request(user, request_id)
    _require(perm, user, found if perm != "consultancy.manage" else None)
    kwargs = extra(found) if extra else {}
    form = form_class(request.POST or None, initial={"version": found.version}, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            run(user, found, form.cleaned_data)
        except ConflictError as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_url(found))
    _audit_read(user, found, title)
    return render(
        request,
        "consultancy/form.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "item": found,
            "title": title,
            "button": button,
            "back_url": _url(found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, request_id: int) -> HttpResponse:
    consultants = list(selectors.consultants())
    by_id = {c.pk: c for c in consultants}
    return _change_page(
        request,
        request_id,
        perm="consultancy.manage",
        form_class=AssignForm,
        extra=lambda found: {"consultants": consultants},
        run=lambda user, found, d: services.consultancy_request_assign(
            actor=user,
            request=found,
            expected_version=d["version"],
            consultant=by_id.get(d["consultant"]),
        ),
        title="Assign a consultant",
        button="Assign",
        success="Consultant assigned",
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, request_id: int) -> HttpResponse:
    return _change_page(
        request,
        request_id,
        perm="consultancy.answer",
        form_class=AcceptForm,
        run=lambda user, found, d: services.consultancy_request_accept(
            actor=user, request=found, expected_version=d["version"], note=d["note"]
        ),
        title="Accept the request",
        button="Accept",
        success="Request accepted",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, request_id: int) -> HttpResponse:
    return _change_page(
        request,
        request_id,
        perm="consultancy.answer",
        form_class=DeclineForm,
        run=lambda user, found, d: services.consultancy_request_decline(
            actor=user, request=found, expected_version=d["version"], reason=d["reason"]
        ),
        title="Decline the request",
        button="Decline",
        success="Request declined",
    )


@login_required
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, request_id: int) -> HttpResponse:
    return _change_page(
        request,
        request_id,
        perm="consultancy.answer",
        form_class=CompleteForm,
        extra=lambda found: {"kind": found.kind},
        run=lambda user, found, d: services.consultancy_request_complete(
            actor=user,
            request=found,
            expected_version=d["version"],
            what_was_done=d["what_was_done"],
            next_step=d["next_step"],
            outcome_note=d["outcome_note"],
            coaching_sessions=d.get("coaching_sessions"),
            co_working_from=d.get("co_working_from"),
            co_working_to=d.get("co_working_to"),
        ),
        title="Record the outcome",
        button="Record the outcome",
        success="Outcome recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    return _change_page(
        request,
        request_id,
        perm="consultancy.withdraw",
        form_class=WithdrawForm,
        run=lambda user, found, d: services.consultancy_request_withdraw(
            actor=user, request=found, expected_version=d["version"], reason=d["reason"]
        ),
        title="Withdraw your request",
        button="Withdraw it",
        success="Request withdrawn",
    )


# ---------------------------------------------------------------- consultants and counts


@login_required
@require_http_methods(["GET", "POST"])
def consultants(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require("consultancy.manage", user)
    candidates = list(selectors.consultant_candidates())
    by_id = {c.pk: c for c in candidates}
    form = ConsultantForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consultant_add(
                actor=user,
                user=by_id.get(data["user"]),
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Consultant added")
            return redirect("consultancy:consultants")
    today = clock.today()
    periods = list(selectors.consultant_periods())
    return render(
        request,
        "consultancy/consultants.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "periods": periods,
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultant_end(request: HttpRequest, consultant_id: int) -> HttpResponse:
    user = request.user
    _require("consultancy.manage", user)
    period = selectors.get_consultant_period(consultant_id)
    form = EndConsultantForm(request.POST or None, initial={"version": period.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultant_end(
                actor=user,
                period=period,
                expected_version=form.cleaned_data["version"],
                ends_on=form.cleaned_data.get("ends_on"),
            )
        except ConflictError as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Consultant’s end date recorded")
            return redirect("consultancy:consultants")
    return render(
        request,
        "consultancy/form.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "caption": period.user.get_full_name() or period.user.username,
            "title": "Stop being a casework consultant",
            "button": "Save the end date",
            "back_url": reverse("consultancy:consultants"),
        },
    )


@login_required
@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require("consultancy.manage", user)
    today = clock.today()
    asked = "date_from_0" in request.GET
    form = PeriodForm(
        request.GET if asked else None,
        initial={"date_from": selectors.period_start(today), "date_to": today},
    )
    result = None
    if not asked:
        result = selectors.counts(selectors.period_start(today), today)
    elif form.is_valid():
        data = form.cleaned_data
        start = data.get("date_from") or selectors.period_start(today)
        result = selectors.counts(start, data.get("date_to") or today)
    return render(
        request,
        "consultancy/counts.html",
        {"nav_section": NAV_SECTION, "form": form, "counts": result},
    )
