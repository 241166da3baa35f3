"""Pages for a family's risk and vulnerability factors: the list (with what the record offers),
adding one, accepting an offer, ending one, and revisiting them all at a plan review.

Families, factors and plan reviews come only from risk_factors.selectors (out of scope is 404);
every page that shows the family writes a VIEW audit row in the request's transaction; writes go
through risk_factors.services, which check the permission again and audit.
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
from core.concurrency import StaleVersionError
from core.errors import ConflictError
from core.forms import add_service_errors
from risk_factors import offers as factor_offers
from risk_factors import selectors, services
from risk_factors.forms import EndForm, FactorForm, ReviewForm

NAV_SECTION = "families"
RECORD = "risk_factors.record_factor"


def _family_url(family) -> str:
    return reverse("risk_factors:family", kwargs={"family_id": family.pk})


def _require_record(request) -> None:
    if not rules.has_perm(RECORD, request.user):
        raise PermissionDenied


@login_required
@require_GET
def family_factors(request: HttpRequest, family_id) -> HttpResponse:
    family = selectors.get_family(request.user, family_id)
    factors = selectors.family_factors(family)
    can_record = rules.has_perm(RECORD, request.user)
    audit_record(
        actor=request.user, action=Action.VIEW, target=family, detail={"page": "risk_factors"}
    )
    context = {
        "nav_section": NAV_SECTION,
        "family": family,
        "present": [f for f in factors if f.is_present],
        "ended": [f for f in factors if not f.is_present],
        "offers": factor_offers.offers_for(request.user, family) if can_record else [],
        "can_record": can_record,
        "today": clock.today(),
    }
    return render(request, "risk_factors/family.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def factor_add(request: HttpRequest, family_id) -> HttpResponse:
    family = selectors.get_family(request.user, family_id)
    _require_record(request)
    people = selectors.family_members(family)
    if request.method == "POST":
        form = FactorForm(request.POST, people=people)
        if form.is_valid():
            try:
                services.risk_factor_record(
                    actor=request.user, family=family, **form.service_kwargs()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Risk or vulnerability factor recorded")
                return redirect(_family_url(family))
    else:
        form = FactorForm(people=people, initial={"person": request.GET.get("person", "")})
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=family,
            detail={"page": "risk_factor_add"},
        )
    return render(
        request,
        "risk_factors/form.html",
        {
            "nav_section": NAV_SECTION,
            "family": family,
            "form": form,
            "title": "Record a risk or vulnerability factor",
            "button": "Record factor",
            "back": _family_url(family),
        },
    )


@login_required
@require_POST
def offer_accept(request: HttpRequest, family_id) -> HttpResponse:
    """One click: record an offered factor as it was offered. The offer is found again from the
    record, so nothing but its key comes from the browser."""
    family = selectors.get_family(request.user, family_id)
    _require_record(request)
    offer = factor_offers.find_offer(
        factor_offers.offers_for(request.user, family), request.POST.get("offer", "")
    )
    if offer is None:
        messages.error(request, "That is no longer offered: it may have been recorded already.")
        return redirect(_family_url(family))
    try:
        services.risk_factor_accept_offer(actor=request.user, family=family, offer=offer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{offer.factor_label} recorded")
    return redirect(_family_url(family))


@login_required
@require_http_methods(["GET", "POST"])
def factor_end(request: HttpRequest, factor_id) -> HttpResponse:
    risk_factor = selectors.get_factor(request.user, factor_id)
    family = risk_factor.family
    _require_record(request)
    if not risk_factor.is_present:
        raise ConflictError("This factor has already ended")
    if request.method == "POST":
        form = EndForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.risk_factor_end(
                    actor=request.user,
                    risk_factor=risk_factor,
                    expected_version=data["version"] or 0,
                    ended_on=data["ended_on"],
                    reason=data["reason"],
                )
            except StaleVersionError:
                form.add_error(None, services.STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{risk_factor.get_factor_display()} ended")
                return redirect(_family_url(family))
    else:
        form = EndForm(initial={"version": risk_factor.version})
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=risk_factor,
            detail={"page": "risk_factor_end"},
        )
    return render(
        request,
        "risk_factors/form.html",
        {
            "nav_section": NAV_SECTION,
            "family": family,
            "risk_factor": risk_factor,
            "form": form,
            "title": "Record that a factor is no longer present",
            "button": "Save",
            "back": _family_url(family),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, review_id) -> HttpResponse:
    plan_review = selectors.get_plan_review(request.user, review_id)
    episode = plan_review.episode
    family = episode.family
    if not rules.has_perm("risk_factors.review_factors", request.user, plan_review):
        raise PermissionDenied
    factors = [f for f in selectors.family_factors(family) if f.is_present]
    offers = factor_offers.offers_for(request.user, family)
    back = reverse("casework:plan_review", kwargs={"episode_id": episode.pk})
    if request.method == "POST":
        form = ReviewForm(request.POST, factors=factors, offers=offers)
        if form.is_valid():
            try:
                services.risk_factors_review_record(
                    actor=request.user,
                    plan_review=plan_review,
                    answers=form.answers(),
                    accept=form.accepted(),
                )
            except StaleVersionError:
                form.add_error(None, services.STALE)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Risk and vulnerability factors reviewed")
                return redirect(back if episode.is_open else _family_url(family))
    else:
        form = ReviewForm(factors=factors, offers=offers)
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target=family,
            detail={"page": "risk_factors_review", "plan_review": plan_review.pk},
        )
    return render(
        request,
        "risk_factors/review.html",
        {
            "nav_section": NAV_SECTION,
            "family": family,
            "episode": episode,
            "plan_review": plan_review,
            "earlier": selectors.reviews_of(plan_review),
            "factors": factors,
            "form": form,
            "back": back,
        },
    )
