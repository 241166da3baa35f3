"""Supervision pages: a supervisor's workers with their last supervision (overdue flagged by the
council's cadence), a worker's supervisions, recording one, and reading one.

Workers and supervisions come only from ``oversight.selectors`` (out of scope: 404). Reading a
supervision writes a view audit row (it names families); changes go through the services.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock
from core.audit import Action, audit_record
from core.errors import ConflictError
from core.forms import add_service_errors
from oversight import selectors, services
from oversight.forms import SupervisionForm, VersionForm
from oversight.rules import is_supervisor

NAV_SECTION = "supervision"


def _require_use(user) -> None:
    if not rules.has_perm("oversight.use_supervision", user):
        raise PermissionDenied


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_use(user)
    supervising = is_supervisor(user)
    rows = selectors.worker_rows(user) if supervising else []
    own = list(selectors.supervisions_of(user, user)[:20])
    policy = selectors.policy()
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="oversight.supervision",
        detail={"page": "supervision_index", "workers": len(rows)},
    )
    return render(
        request,
        "oversight/index.html",
        {
            "nav_section": NAV_SECTION,
            "rows": rows,
            "supervising": supervising,
            "own": own,
            "every_weeks": policy.every_weeks,
            "overdue_count": sum(1 for r in rows if r.overdue),
        },
    )


@login_required
@require_GET
def worker(request: HttpRequest, worker_id: int) -> HttpResponse:
    user = request.user
    _require_use(user)
    person = selectors.get_worker(user, worker_id)
    supervisions = list(selectors.supervisions_of(user, person))
    every = selectors.policy().every_weeks
    last_on = supervisions[0].held_on if supervisions else None
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="oversight.supervision",
        detail={"page": "supervision_worker", "worker": person.pk, "count": len(supervisions)},
    )
    return render(
        request,
        "oversight/worker.html",
        {
            "nav_section": NAV_SECTION,
            "worker": person,
            "supervisions": supervisions,
            "last_on": last_on,
            "due_on": selectors.due_date(last_on, every),
            "overdue": selectors.is_overdue(last_on, every, clock.today()),
            "can_record": rules.has_perm("oversight.supervise_worker", user, person),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, worker_id: int) -> HttpResponse:
    user = request.user
    _require_use(user)
    person = selectors.get_worker(user, worker_id)
    if not rules.has_perm("oversight.supervise_worker", user, person):
        raise PermissionDenied
    episodes = list(selectors.episodes_to_discuss(user, person))
    form = SupervisionForm(
        request.POST or None, episodes=episodes, prompts=selectors.policy().prompts
    )
    if request.method == "POST" and form.is_valid():
        try:
            supervision = services.supervision_record(
                actor=user,
                worker=person,
                held_on=form.cleaned_data["held_on"],
                reflections=form.cleaned_data["reflections"],
                cases=form.cases(),
                actions=form.actions(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Supervision recorded")
            return redirect(reverse("oversight:detail", kwargs={"supervision_id": supervision.pk}))
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="oversight.supervision",
        detail={"page": "supervision_record", "worker": person.pk, "cases": len(episodes)},
    )
    return render(
        request,
        "oversight/record.html",
        {"nav_section": NAV_SECTION, "worker": person, "form": form, "episodes": episodes},
    )


@login_required
@require_GET
def detail(request: HttpRequest, supervision_id: int) -> HttpResponse:
    user = request.user
    supervision = selectors.get_supervision(user, supervision_id)
    cases = list(selectors.supervision_cases(supervision))
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=supervision,
        detail={"page": "supervision", "cases": len(cases)},
    )
    return render(
        request,
        "oversight/detail.html",
        {
            "nav_section": NAV_SECTION,
            "supervision": supervision,
            "cases": cases,
            "actions": list(selectors.supervision_actions(supervision)),
            "can_change": rules.has_perm("oversight.change_supervision", user, supervision),
        },
    )


@login_required
@require_POST
def action_done(request: HttpRequest, supervision_action_id: int) -> HttpResponse:
    user = request.user
    action = selectors.get_supervision_action(user, supervision_action_id)
    supervision = action.supervision
    if not rules.has_perm("oversight.change_supervision", user, supervision):
        raise PermissionDenied
    url = reverse("oversight:detail", kwargs={"supervision_id": supervision.pk})
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Try again.")
        return redirect(url)
    try:
        services.supervision_action_done(
            actor=user, action=action, expected_version=form.cleaned_data["version"]
        )
    except ConflictError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Action marked as done")
    return redirect(url)
