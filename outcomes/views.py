"""Outcomes pages: an episode's outcomes and progress, mapping a plan outcome to framework
outcomes, recording a score, and answering the sustained check.

The episode comes only through ``outcomes.selectors`` (scoped by ``casework.selectors``: out of
scope is a 404). Every page writes one view audit row on the episode; changes go through
``outcomes.services``, which audit themselves. Who may change is asked before a form is read (403).
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import Action, audit_record
from core.forms import add_service_errors
from outcomes import selectors, services
from outcomes.forms import LinkForm, LinkRemoveForm, ScoreForm, SustainedForm
from outcomes.models import OutcomeSustainedCheck, ScoreKind

NAV_SECTION = "casework"
RECORD = "outcomes.record_scores"
ANSWER = "outcomes.answer_sustained_check"


def _episode_url(episode_id) -> str:
    return reverse("outcomes:episode", kwargs={"episode_id": episode_id})


def _view_audit(user, target, page: str) -> None:
    audit_record(actor=user, action=Action.VIEW, target=target, detail={"page": page})


def _scale_hint() -> str:
    scale = services.scale()
    return (
        f"A whole number from {scale.lowest} ({scale.lowest_words}) "
        f"to {scale.highest} ({scale.highest_words})."
    )


def _plan_outcome(episode, plan_outcome_id):
    found = selectors.plan_outcome_of(episode, plan_outcome_id)
    if found is None:
        raise Http404("No such plan outcome")
    return found


def _form_page(request, *, episode, form, title, caption, page, back=None, extra=None):
    _view_audit(request.user, episode, page)
    return render(
        request,
        "outcomes/form.html",
        {
            "nav_section": NAV_SECTION,
            "episode": episode,
            "family": episode.family,
            "form": form,
            "title": title,
            "caption": caption,
            "back": back or _episode_url(episode.pk),
            **(extra or {}),
        },
    )


@login_required
@require_GET
def episode(request: HttpRequest, episode_id) -> HttpResponse:
    user = request.user
    found = selectors.get_episode(user, episode_id)
    outcomes = selectors.episode_outcomes(found)
    _view_audit(user, found, "outcomes")
    return render(
        request,
        "outcomes/episode.html",
        {
            "nav_section": NAV_SECTION,
            "episode": found,
            "family": found.family,
            "outcomes": outcomes,
            "family_distance": selectors.family_distance(found),
            "children": selectors.child_distances(found),
            "scale": services.scale(),
            "can_record": rules.has_perm(RECORD, user, found),
            "review": request.GET.get("review", "")[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, episode_id, plan_outcome_id) -> HttpResponse:
    user = request.user
    found = selectors.get_episode(user, episode_id)
    plan_outcome = _plan_outcome(found, plan_outcome_id)
    if not rules.has_perm(RECORD, user, found):
        raise PermissionDenied
    offered = selectors.offered_outcomes()
    choices = [(str(o.pk), f"{o.framework.name}: {o.title}") for o in offered]
    form = LinkForm(request.POST or None, outcomes=choices)
    if request.method == "POST" and form.is_valid():
        chosen = selectors.framework_outcome_by_id(form.cleaned_data["framework_outcome"])
        try:
            services.outcome_link_add(
                actor=user, plan_outcome=plan_outcome, framework_outcome=chosen
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Outcome mapped")
            return redirect(_episode_url(found.pk))
    return _form_page(
        request,
        episode=found,
        form=form,
        title="Map to a framework outcome",
        caption=plan_outcome.outcome_family_words,
        page="outcomes_link_add",
        extra={"button": "Save the mapping"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_remove(request: HttpRequest, episode_id, link_id) -> HttpResponse:
    user = request.user
    found = selectors.get_episode(user, episode_id)
    link = selectors.get_link(user, link_id)
    if link.episode_id != found.pk:
        raise Http404("No such mapping")
    if not rules.has_perm(RECORD, user, found):
        raise PermissionDenied
    form = LinkRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_link_remove(actor=user, link=link, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Mapping removed")
            return redirect(_episode_url(found.pk))
    return _form_page(
        request,
        episode=found,
        form=form,
        title="Remove a mapping",
        caption=str(link.framework_outcome),
        page="outcomes_link_remove",
        extra={"button": "Remove the mapping", "button_class": "govuk-button--warning"},
    )


def _correction_choices(plan_outcome) -> list[tuple[str, str]]:
    return [
        (
            str(score.pk),
            f"{score.get_kind_display()} of {score.evidence_on:%d %B %Y}: {score.score}",
        )
        for score in services.current_scores(plan_outcome).order_by("evidence_on", "pk")
        if score.kind != ScoreKind.SUSTAINED
    ]


@login_required
@require_http_methods(["GET", "POST"])
def score_record(request: HttpRequest, episode_id, plan_outcome_id) -> HttpResponse:
    user = request.user
    found = selectors.get_episode(user, episode_id)
    plan_outcome = _plan_outcome(found, plan_outcome_id)
    if not rules.has_perm(RECORD, user, found):
        raise PermissionDenied
    reviews = [(str(r.pk), f"Held {r.held_on:%d %B %Y}") for r in selectors.held_reviews(found)]
    initial = {}
    wanted_review = request.GET.get("review", "")
    if wanted_review in {pk for pk, _ in reviews}:
        initial = {"kind": ScoreKind.REVIEW, "plan_review": wanted_review}
    form = ScoreForm(
        request.POST or None,
        initial=initial,
        reviews=reviews,
        corrections=_correction_choices(plan_outcome),
        scale_hint=_scale_hint(),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.outcome_score_record(
                actor=user,
                plan_outcome=plan_outcome,
                kind=d["kind"],
                score=d["score"],
                evidence_what=d["evidence_what"],
                evidence_source=d["evidence_source"],
                evidence_on=d["evidence_on"],
                plan_review=selectors.review_of(found, d["plan_review"]),
                supersedes=selectors.score_of(found, d["supersedes"]),
                correction_reason=d["correction_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Score recorded")
            return redirect(_episode_url(found.pk))
    return _form_page(
        request,
        episode=found,
        form=form,
        title="Record a score",
        caption=plan_outcome.outcome_family_words,
        page="outcomes_score_record",
        extra={"button": "Save the score"},
    )


@login_required
@require_GET
def check(request: HttpRequest, check_id) -> HttpResponse:
    user = request.user
    found = selectors.get_check(user, check_id)
    outcomes = selectors.episode_outcomes(found.episode)
    _view_audit(user, found.episode, "outcomes_sustained_check")
    return render(
        request,
        "outcomes/check.html",
        {
            "nav_section": NAV_SECTION,
            "check": found,
            "episode": found.episode,
            "family": found.episode.family,
            "outcomes": outcomes,
            "can_answer": found.status == OutcomeSustainedCheck.Status.DUE
            and rules.has_perm(ANSWER, user, found.episode),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_answer(request: HttpRequest, check_id, plan_outcome_id) -> HttpResponse:
    user = request.user
    found = selectors.get_check(user, check_id)
    plan_outcome = _plan_outcome(found.episode, plan_outcome_id)
    if not rules.has_perm(ANSWER, user, found.episode):
        raise PermissionDenied
    back = reverse("outcomes:check", kwargs={"check_id": found.pk})
    form = SustainedForm(request.POST or None, scale_hint=_scale_hint())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.sustained_answer_record(
                actor=user,
                check=found,
                plan_outcome=plan_outcome,
                sustained=d["sustained"],
                score=d["score"],
                evidence_what=d["evidence_what"],
                evidence_source=d["evidence_source"],
                evidence_on=d["evidence_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Answer recorded")
            return redirect(back)
    return _form_page(
        request,
        episode=found.episode,
        form=form,
        title="Has the outcome been sustained?",
        caption=plan_outcome.outcome_family_words,
        page="outcomes_check_answer",
        back=back,
        extra={"button": "Save the answer"},
    )
