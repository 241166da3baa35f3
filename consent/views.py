"""Pages for a family's consent: where it stands, recording a decision, and overriding it.

As in people.views: families come only from people.selectors (out of scope is a 404);
every page that shows the family writes one VIEW audit event in the request's transaction
(ATOMIC_REQUESTS); writes go through consent.services, which audit themselves. Only ids
go in URLs. ``return_to`` (a local path) lets another page, such as the assessment task
list, send the user here and get them back.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from consent import selectors, services
from consent.forms import ConsentDecisionForm, ConsentOverrideForm
from core import scope
from core.audit import Action, audit_record
from core.forms import add_service_errors as _add_service_errors
from core.returns import safe_return_to
from core.returns import with_return_to as _with_return_to


def _require_case_access(user) -> None:
    if not scope.can_see_case_records(user):
        raise PermissionDenied


@login_required
@require_GET
def family_consent(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    _require_case_access(user)
    family = selectors.get_family(user, family_id)
    decisions = selectors.family_decisions(family)
    overrides = selectors.family_overrides(family)
    audit_record(actor=user, action=Action.VIEW, target=family, detail={"page": "consent"})
    return_to = safe_return_to(request)
    context = {
        "family": family,
        "current": selectors.current_decisions(family, decisions=decisions, overrides=overrides),
        "decisions": decisions,
        "overrides": overrides,
        "panel_permission": services.panel_referral_permission(family),
        "can_record": rules.has_perm("consent.record_decision", user),
        "can_override": rules.has_perm("consent.record_override", user),
        "return_to": return_to,
        "record_url": _with_return_to(
            reverse("consent:record", kwargs={"family_id": family.pk}), return_to
        ),
        "override_url": _with_return_to(
            reverse("consent:override", kwargs={"family_id": family.pk}), return_to
        ),
        "nav_section": "families",
    }
    return render(request, "consent/family_consent.html", context)


def _after_save(request: HttpRequest, family, return_to: str):
    if return_to:
        return redirect(return_to)
    return redirect("consent:family", family_id=family.pk)


def _not_allowed(request: HttpRequest, family, *, title: str, explanation: str) -> HttpResponse:
    # They can see the family, so a 404 would be untrue: say plainly why they cannot do this.
    audit_record(
        actor=request.user,
        action=Action.VIEW,
        target=family,
        detail={"page": "consent_not_allowed"},
    )
    context = {
        "family": family,
        "title": title,
        "explanation": explanation,
        "nav_section": "families",
    }
    return render(request, "consent/not_allowed.html", context, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def record_decision(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    _require_case_access(user)
    family = selectors.get_family(user, family_id)
    if not rules.has_perm("consent.record_decision", user):
        return _not_allowed(
            request,
            family,
            title="You cannot record consent",
            explanation="Consent is recorded by the practitioner, lead professional or manager working with "
            "the family. Ask one of them to record it.",
        )
    return_to = safe_return_to(request)
    if request.method == "POST":
        form = ConsentDecisionForm(request.POST, family=family)
        if form.is_valid():
            try:
                decisions = services.consent_record_decisions(
                    actor=user, family=family, **form.service_kwargs()
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Consent decision saved" if len(decisions) == 1 else "Consent decisions saved",
                )
                return _after_save(request, family, return_to)
    else:
        initial = {"return_to": return_to}
        purposes = dict(ConsentDecisionForm.base_fields["purpose"].choices)
        chosen = [p for p in request.GET.getlist("purpose") if p in purposes]
        if chosen:
            initial["purpose"] = chosen
        form = ConsentDecisionForm(initial=initial, family=family)
    audit_record(actor=user, action=Action.VIEW, target=family, detail={"page": "consent_record"})
    context = {
        "form": form,
        "family": family,
        "back_url": return_to or reverse("consent:family", kwargs={"family_id": family.pk}),
        "nav_section": "families",
    }
    return render(request, "consent/record.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_override(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    _require_case_access(user)
    family = selectors.get_family(user, family_id)
    if not rules.has_perm("consent.record_override", user):
        return _not_allowed(
            request,
            family,
            title="You cannot authorise going ahead without consent",
            explanation="Only an early support team leader or a team manager can decide that sharing "
            "information or a referral goes ahead without the family's consent. Speak to your manager.",
        )
    return_to = safe_return_to(request)
    if request.method == "POST":
        form = ConsentOverrideForm(request.POST)
        if form.is_valid():
            try:
                services.consent_record_override(
                    actor=user,
                    family=family,
                    purpose=form.cleaned_data["purpose"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, "Decision to go ahead without consent saved")
                return _after_save(request, family, return_to)
    else:
        initial = {"return_to": return_to}
        if request.GET.get("purpose") in dict(ConsentOverrideForm.base_fields["purpose"].choices):
            initial["purpose"] = request.GET["purpose"]
        form = ConsentOverrideForm(initial=initial)
    audit_record(actor=user, action=Action.VIEW, target=family, detail={"page": "consent_override"})
    context = {
        "form": form,
        "family": family,
        "back_url": return_to or reverse("consent:family", kwargs={"family_id": family.pk}),
        "nav_section": "families",
    }
    return render(request, "consent/override.html", context)
