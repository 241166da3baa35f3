"""Pages: the patterns for a family's episode, recording and withdrawing disguised compliance,
and a child's accidents and injuries over time.

Episodes and people come only through the scoped selectors (out of scope is 404); every page
writes one view audit row in the request's transaction; writes go through ``patterns.services``.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import Action, audit_record
from core.forms import add_service_errors
from patterns import repeats, selectors, services
from patterns.forms import DisguisedComplianceForm, WithdrawForm
from patterns.settings import pattern_settings

NAV_SECTION = "families"


def _patterns_url(episode) -> str:
    return reverse("patterns:episode", kwargs={"episode_id": episode.pk})


@login_required
@require_GET
def episode_patterns(request: HttpRequest, episode_id) -> HttpResponse:
    user = request.user
    episode = selectors.get_episode(user, episode_id)
    audit_record(actor=user, action=Action.VIEW, target=episode, detail={"page": "patterns"})
    settings = pattern_settings()
    children = selectors.episode_children(episode)
    injuries = selectors.injury_patterns_for(user, children)
    referral = selectors.episode_panel_referral(episode)
    may_record = rules.has_perm("patterns.record_disguised_compliance", user, episode)
    records = list(selectors.records_for_episode(episode))
    return render(
        request,
        "patterns/episode.html",
        {
            "nav_section": NAV_SECTION,
            "episode": episode,
            "family": episode.family,
            "settings": settings,
            "plans": repeats.repeat_plans_for_episodes(user, [episode]).get(episode.pk, []),
            "referrals": repeats.repeat_referrals_for_panel_referrals(
                user, [referral] if referral else []
            ).get(getattr(referral, "pk", None), []),
            "records": records,
            "current_count": sum(1 for r in records if r.status == r.Status.CURRENT),
            "children": [(child, injuries.get(child.pk)) for child in children],
            "can_record": may_record and episode.is_open,
            "can_withdraw": may_record,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def disguised_compliance_add(request: HttpRequest, episode_id) -> HttpResponse:
    user = request.user
    episode = selectors.get_episode(user, episode_id)
    if not rules.has_perm("patterns.record_disguised_compliance", user, episode):
        raise PermissionDenied
    contacts = list(selectors.contacts_of(episode))
    reviews = list(selectors.held_reviews_of(episode))
    initial = {}
    if request.GET.get("contact"):
        initial["on"] = f"contact:{request.GET['contact']}"
    elif request.GET.get("review"):
        initial["on"] = f"review:{request.GET['review']}"
    form = DisguisedComplianceForm(
        request.POST or None, contacts=contacts, reviews=reviews, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, _, record_id = data["on"].partition(":")
        try:
            services.disguised_compliance_record(
                actor=user,
                episode=episode,
                contact=selectors.episode_contact(episode, record_id)
                if kind == "contact"
                else None,
                review=selectors.episode_review(episode, record_id) if kind == "review" else None,
                agreed=data["agreed"],
                not_done=data["not_done"],
                family_says=data["family_says"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Disguised compliance recorded")
            return redirect(_patterns_url(episode))
    audit_record(
        actor=user, action=Action.VIEW, target=episode, detail={"page": "disguised_compliance_add"}
    )
    return render(
        request,
        "patterns/form.html",
        {
            "nav_section": NAV_SECTION,
            "episode": episode,
            "family": episode.family,
            "form": form,
            "title": "Record disguised compliance",
            "button": "Save the record",
            "back_url": _patterns_url(episode),
            "nothing_to_choose": not contacts and not reviews,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def disguised_compliance_withdraw(request: HttpRequest, episode_id, compliance_id) -> HttpResponse:
    user = request.user
    record = selectors.get_record(user, episode_id, compliance_id)
    episode = record.episode
    if not rules.has_perm("patterns.withdraw_disguised_compliance", user, record):
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disguised_compliance_withdraw(
                actor=user, record=record, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Record withdrawn")
            return redirect(_patterns_url(episode))
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=episode,
        detail={"page": "disguised_compliance_withdraw"},
    )
    return render(
        request,
        "patterns/form.html",
        {
            "nav_section": NAV_SECTION,
            "episode": episode,
            "family": episode.family,
            "form": form,
            "record": record,
            "title": "Withdraw a record of disguised compliance",
            "button": "Withdraw the record",
            "back_url": _patterns_url(episode),
        },
    )


@login_required
@require_GET
def injuries(request: HttpRequest, person_id) -> HttpResponse:
    user = request.user
    person = selectors.get_child(user, person_id)
    audit_record(actor=user, action=Action.VIEW, target=person, detail={"page": "injuries"})
    entries, pattern = selectors.injuries_of(person)
    return render(
        request,
        "patterns/injuries.html",
        {
            "nav_section": NAV_SECTION,
            "person": person,
            "entries": entries,
            "pattern": pattern,
        },
    )
