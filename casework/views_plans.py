"""Family plan pages: the plan, its add and edit pages, recording a review, and the family's and
a child's copy. Episodes come only from casework.selectors (404 outside scope); changes go through
casework.plans, which checks who may change the plan and audits. Users who can see but not change
get read-only pages and 403 on POST."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.presenters import child_name
from casework import plans, selectors
from casework.forms_plans import (
    ActionForm,
    ContingencyForm,
    OutcomeForm,
    RemoveOutcomeForm,
    ReviewForm,
)
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError
from core.forms import add_service_errors

NAV_SECTION = "families"
STALE = "Someone else changed the plan since you opened it. Check the plan and try again."


def _episode_and_plan(request, episode_id, *, need_plan=True):
    episode = selectors.get_episode(request.user, episode_id)
    plan = plans.plan_for(request.user, episode)
    if need_plan and plan is None:
        raise Http404
    return episode, plan


def _require_change(request, episode) -> bool:
    can_change = (
        rules.has_perm("casework.change_episode", request.user, episode) and episode.is_open
    )
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    return can_change


def _children(episode):
    members = episode.family.members.select_related("person").filter(
        person__kind__in=["child", "unborn"]
    )
    return [(m.person, child_name(m.person)) for m in members]


def _form_page(request, *, episode, title, form, button, back, caption="Family plan", extra=None):
    context = {
        "nav_section": NAV_SECTION,
        "episode": episode,
        "family": episode.family,
        "title": title,
        "form": form,
        "button": button,
        "back": back,
        "caption": caption,
        **(extra or {}),
    }
    return render(request, "casework/plans/form.html", context)


def _plan_url(episode) -> str:
    return reverse("casework:plan", kwargs={"episode_id": episode.pk})


# ---------------------------------------------------------------- the plan


@login_required
@require_GET
def plan_detail(request: HttpRequest, episode_id) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id, need_plan=False)
    can_change = _require_change(request, episode)
    audit_record(
        actor=request.user, action=Action.VIEW, target=plan or episode, detail={"page": "plan"}
    )
    today = clock.today()
    outcomes = plans.plan_rows(plan) if plan else []
    referrals = plans.action_referrals(request.user, outcomes)
    for outcome in outcomes:
        for row in outcome.actions.all():
            row.referrals = referrals.get(row.pk, [])
    context = {
        "nav_section": NAV_SECTION,
        "episode": episode,
        "family": episode.family,
        "plan": plan,
        "can_change": can_change,
        "outcomes": outcomes,
        "overdue_reviews": list(plans.overdue_reviews(episode, today)),
        "overdue_actions": list(plans.overdue_actions(episode, today)),
        "next_review": plans.next_review(episode),
        "reviews": episode.reviews.filter(held_on__isnull=False).order_by("-held_on"),
        "suggestions": plans.suggested_needs(episode) if plan is None else [],
        "children": _children(episode),
        "today": today,
    }
    return render(request, "casework/plans/plan.html", context)


@login_required
@require_POST
def plan_start(request: HttpRequest, episode_id) -> HttpResponse:
    episode, _plan = _episode_and_plan(request, episode_id, need_plan=False)
    _require_change(request, episode)
    try:
        plans.plan_start(actor=request.user, episode=episode)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Family plan started. Add the outcomes the family want.")
    return redirect("casework:plan", episode_id=episode.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contingency(request: HttpRequest, episode_id) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    if not _require_change(request, episode):
        raise PermissionDenied
    if request.method == "POST":
        form = ContingencyForm(request.POST)
        if form.is_valid():
            try:
                plans.plan_update_contingency(
                    actor=request.user,
                    plan=plan,
                    expected_version=form.cleaned_data["version"] or 0,
                    contingency=form.cleaned_data["contingency"],
                    reason=form.cleaned_data["reason"],
                )
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Contingency plan saved")
                return redirect(_plan_url(episode))
    else:
        form = ContingencyForm(initial={"contingency": plan.contingency, "version": plan.version})
        audit_record(
            actor=request.user, action=Action.VIEW, target=plan, detail={"page": "plan_contingency"}
        )
    return _form_page(
        request,
        episode=episode,
        title="What happens if things don’t improve",
        form=form,
        button="Save contingency plan",
        back=_plan_url(episode),
    )


# ---------------------------------------------------------------- outcomes


@login_required
@require_http_methods(["GET", "POST"])
def outcome_add(request: HttpRequest, episode_id) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    if not _require_change(request, episode):
        raise PermissionDenied
    suggestions = plans.suggested_needs(episode)
    people = plans.plan_people(episode)
    if request.method == "POST":
        form = OutcomeForm(request.POST, suggestions=suggestions, people=people)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.plan_outcome_add(
                    actor=request.user,
                    plan=plan,
                    expected_version=data["version"] or 0,
                    need=data["need"],
                    outcome_family_words=data["outcome_family_words"],
                    outcome_practitioner_words=data["outcome_practitioner_words"],
                    outcome_child_words=data["outcome_child_words"],
                    concerns=data["concerns"],
                )
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Outcome added")
                return redirect(_plan_url(episode))
    else:
        form = OutcomeForm(
            initial={"version": plan.version}, suggestions=suggestions, people=people
        )
        audit_record(
            actor=request.user, action=Action.VIEW, target=plan, detail={"page": "plan_outcome_add"}
        )
    return _form_page(
        request,
        episode=episode,
        title="Add an outcome",
        form=form,
        button="Add outcome",
        back=_plan_url(episode),
        extra={"suggestions": suggestions},
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: HttpRequest, episode_id, outcome_id: int) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    outcome = selectors.plan_outcome(plan, outcome_id)
    if not _require_change(request, episode):
        raise PermissionDenied
    people = plans.plan_people(episode)
    if request.method == "POST":
        form = OutcomeForm(request.POST, editing=True, people=people)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.plan_outcome_update(
                    actor=request.user,
                    outcome=outcome,
                    expected_version=data["version"] or 0,
                    reason=data["reason"],
                    changes={
                        k: data[k]
                        for k in (
                            "need",
                            "outcome_family_words",
                            "outcome_practitioner_words",
                            "outcome_child_words",
                            "concerns",
                        )
                    },
                )
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Outcome saved")
                return redirect(_plan_url(episode))
    else:
        form = OutcomeForm(
            editing=True,
            people=people,
            initial={
                "concerns": [str(p.pk) for p in outcome.concerns.all()],
                "need": outcome.need,
                "outcome_family_words": outcome.outcome_family_words,
                "outcome_practitioner_words": outcome.outcome_practitioner_words,
                "outcome_child_words": outcome.outcome_child_words,
                "version": plan.version,
            },
        )
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=outcome,
            detail={"page": "plan_outcome_edit"},
        )
    return _form_page(
        request,
        episode=episode,
        title="Change an outcome",
        form=form,
        button="Save outcome",
        back=_plan_url(episode),
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_remove(request: HttpRequest, episode_id, outcome_id: int) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    outcome = selectors.plan_outcome(plan, outcome_id)
    if not _require_change(request, episode):
        raise PermissionDenied
    if request.method == "POST":
        form = RemoveOutcomeForm(request.POST)
        if form.is_valid():
            try:
                plans.plan_outcome_remove(
                    actor=request.user,
                    outcome=outcome,
                    expected_version=form.cleaned_data["version"] or 0,
                    reason=form.cleaned_data["reason"],
                )
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Outcome removed")
                return redirect(_plan_url(episode))
    else:
        form = RemoveOutcomeForm(initial={"version": plan.version})
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=outcome,
            detail={"page": "plan_outcome_remove"},
        )
    return _form_page(
        request,
        episode=episode,
        title="Remove an outcome",
        form=form,
        button="Remove outcome",
        back=_plan_url(episode),
        extra={"warning": outcome.outcome_family_words, "button_class": "govuk-button--warning"},
    )


# ---------------------------------------------------------------- actions


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, episode_id, outcome_id: int) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    outcome = selectors.plan_outcome(plan, outcome_id)
    if not _require_change(request, episode):
        raise PermissionDenied
    people = plans.plan_people(episode)
    if request.method == "POST":
        form = ActionForm(request.POST, people=people)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.plan_action_add(
                    actor=request.user,
                    outcome=outcome,
                    expected_version=data["version"] or 0,
                    what=data["what"],
                    doer=data["doer"],
                    who=data["who"],
                    concerns=data["concerns"],
                    by_when=data["by_when"],
                    agency=data.get("agency"),
                    what_child_words=data["what_child_words"],
                    signpost=form.signpost(),
                )
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Action added")
                return redirect(_plan_url(episode))
    else:
        form = ActionForm(initial={"version": plan.version}, people=people)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=outcome,
            detail={"page": "plan_action_add"},
        )
    return _form_page(
        request,
        episode=episode,
        title="Add an action",
        form=form,
        button="Add action",
        back=_plan_url(episode),
        caption=f"Outcome: {outcome.outcome_family_words}"[:120],
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, episode_id, action_id: int) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    action = selectors.plan_action(plan, action_id)
    if not _require_change(request, episode):
        raise PermissionDenied
    people = plans.plan_people(episode)
    if request.method == "POST":
        form = ActionForm(request.POST, editing=True, people=people)
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                k: data[k]
                for k in (
                    "what",
                    "what_child_words",
                    "doer",
                    "who",
                    "by_when",
                    "concerns",
                    "agency",
                )
            }
            if data.get("status"):
                changes["status"] = data["status"]
            try:
                plans.plan_action_update(
                    actor=request.user,
                    action=action,
                    expected_version=data["version"] or 0,
                    changes=changes,
                    signpost=form.signpost(),
                )
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Action saved")
                return redirect(_plan_url(episode))
    else:
        token = plans.doer_token(action)
        form = ActionForm(
            editing=True,
            people=people,
            initial={
                "what": action.what,
                "what_child_words": action.what_child_words,
                "doer": token,
                "who": action.who if token == plans.SOMEONE_ELSE else "",
                "concerns": [str(p.pk) for p in action.concerns.all()],
                "by_when": action.by_when,
                "agency": action.agency_id,
                "status": action.status,
                "version": plan.version,
            },
        )
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=action,
            detail={"page": "plan_action_edit"},
        )
    return _form_page(
        request,
        episode=episode,
        title="Change an action",
        form=form,
        button="Save action",
        back=_plan_url(episode),
    )


@login_required
@require_POST
def action_complete(request: HttpRequest, episode_id, action_id: int) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    action = selectors.plan_action(plan, action_id)
    _require_change(request, episode)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        plans.plan_action_complete(actor=request.user, action=action, expected_version=version)
    except StaleVersionError:
        messages.error(request, STALE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action marked as done")
    return redirect(_plan_url(episode))


# ---------------------------------------------------------------- reviews


@login_required
@require_http_methods(["GET", "POST"])
def review_record(request: HttpRequest, episode_id) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    if not _require_change(request, episode):
        raise PermissionDenied
    review = plans.reviews_schedule(episode)
    if review is None:
        raise Http404
    outcomes = list(plan.outcomes.prefetch_related("actions"))
    children = _children(episode)
    if request.method == "POST":
        form = ReviewForm(request.POST, outcomes=outcomes, children=children)
        if form.is_valid():
            try:
                plans.review_record(actor=request.user, review=review, **form.service_kwargs())
            except StaleVersionError:
                form.add_error(None, STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Review recorded. The next review has been scheduled.")
                return redirect(_plan_url(episode))
    else:
        form = ReviewForm(outcomes=outcomes, children=children, initial={"version": plan.version})
        audit_record(
            actor=request.user, action=Action.VIEW, target=review, detail={"page": "plan_review"}
        )
    return _form_page(
        request,
        episode=episode,
        title="Record a review",
        form=form,
        button="Record review",
        back=_plan_url(episode),
        extra={"review": review},
    )


# ---------------------------------------------------------------- the family's and a child's copy


def _when_we_meet(episode):
    review = plans.next_review(episode)
    taf = selectors.next_taf_meeting(episode)
    return {
        "next_review_on": review.due_on if review else None,
        "next_meeting_on": taf.next_meeting_on if taf else None,
    }


@login_required
@require_GET
def family_copy(request: HttpRequest, episode_id) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    audit_record(
        actor=request.user, action=Action.VIEW, target=plan, detail={"page": "plan_family_copy"}
    )
    copy = plans.family_copy(plan)
    context = {
        "episode": episode,
        "family": episode.family,
        "plan": plan,
        "outcomes": copy.outcomes,
        "lead": copy.lead,
        "helpers": copy.helpers,
        **_when_we_meet(episode),
    }
    return render(request, "casework/plans/family_copy.html", context)


@login_required
@require_GET
def child_copy(request: HttpRequest, episode_id, person_id) -> HttpResponse:
    episode, plan = _episode_and_plan(request, episode_id)
    child = next((person for person, _name in _children(episode) if person.pk == person_id), None)
    if child is None:
        raise Http404
    audit_record(
        actor=request.user, action=Action.VIEW, target=plan, detail={"page": "plan_child_copy"}
    )
    copy = plans.child_copy(plan, child, clock.today())
    context = {
        "episode": episode,
        "plan": plan,
        "copy": copy,
        "words": copy.words,
        **_when_we_meet(episode),
    }
    return render(request, "casework/plans/child_copy.html", context)
