"""Professional challenge pages (/supervision/escalations/): the escalations on families the
reader sees, raising one from an episode, moving it on a stage, and resolving it. Escalations and
episodes come only from selectors (out of scope: 404)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from casework.selectors import get_episode
from core.audit import Action, audit_record
from core.errors import ConflictError
from core.forms import add_service_errors
from oversight import selectors, services
from oversight.forms import EscalationForm, MoveOnForm, ResolveForm

NAV_SECTION = "supervision"


def _url(escalation) -> str:
    return reverse("oversight:escalation", kwargs={"escalation_id": escalation.pk})


def _may(user, episode) -> bool:
    return rules.has_perm("oversight.escalate", user) and rules.has_perm(
        "oversight.escalate_episode", user, episode
    )


@login_required
@require_GET
def escalations(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("oversight.escalate", user):
        raise PermissionDenied
    rows = list(selectors.escalation_rows(user)[:200])
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="oversight.escalation",
        detail={"page": "escalations", "count": len(rows)},
    )
    return render(request, "oversight/escalations.html", {"nav_section": NAV_SECTION, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def raise_new(request: HttpRequest, episode_id) -> HttpResponse:
    user = request.user
    episode = get_episode(user, episode_id)
    if not _may(user, episode):
        raise PermissionDenied
    actions = list(selectors.plan_actions_of(episode))
    form = EscalationForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {a.pk: a for a in actions}.get(data.get("plan_action"))
        try:
            escalation = services.escalation_raise(
                actor=user,
                episode=episode,
                agency=data["agency"],
                to_whom=data["to_whom"],
                stage=data["stage"],
                concern=data["concern"],
                plan_action=chosen,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Escalation recorded")
            return redirect(_url(escalation))
    audit_record(actor=user, action=Action.VIEW, target=episode, detail={"page": "escalation_new"})
    return render(
        request,
        "oversight/form.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "family": episode.family,
            "title": "Escalate a concern about an agency",
            "button": "Record the escalation",
            "back_url": reverse("casework:episode_detail", kwargs={"episode_id": episode.pk}),
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, escalation_id: int) -> HttpResponse:
    user = request.user
    escalation = selectors.get_escalation(user, escalation_id)
    audit_record(actor=user, action=Action.VIEW, target=escalation, detail={"page": "escalation"})
    is_open = escalation.status == escalation.Status.OPEN
    return render(
        request,
        "oversight/escalation.html",
        {
            "nav_section": NAV_SECTION,
            "escalation": escalation,
            "family": escalation.episode.family,
            "history": list(selectors.escalation_history(escalation)),
            "can_change": is_open and _may(user, escalation.episode),
        },
    )


def _change_page(request, escalation_id, *, form_class, run, title, button, success):
    user = request.user
    escalation = selectors.get_escalation(user, escalation_id)
    if not _may(user, escalation.episode):
        raise PermissionDenied
    form = form_class(request.POST or None, initial={"version": escalation.version})
    if request.method == "POST" and form.is_valid():
        try:
            run(user, escalation, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return redirect(_url(escalation))
    audit_record(actor=user, action=Action.VIEW, target=escalation, detail={"page": title})
    return render(
        request,
        "oversight/form.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "family": escalation.episode.family,
            "title": title,
            "button": button,
            "back_url": _url(escalation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def move_on(request: HttpRequest, escalation_id: int) -> HttpResponse:
    return _change_page(
        request,
        escalation_id,
        form_class=MoveOnForm,
        run=lambda user, e, d: services.escalation_move_on(
            actor=user,
            escalation=e,
            expected_version=d["version"],
            stage=d["stage"],
            to_whom=d["to_whom"],
            note=d["note"],
        ),
        title="Move the escalation on",
        button="Move it on",
        success="Escalation moved on",
    )


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, escalation_id: int) -> HttpResponse:
    return _change_page(
        request,
        escalation_id,
        form_class=ResolveForm,
        run=lambda user, e, d: services.escalation_resolve(
            actor=user, escalation=e, expected_version=d["version"], outcome=d["outcome"]
        ),
        title="Resolve the escalation",
        button="Resolve it",
        success="Escalation resolved",
    )
