"""Staff ways in: a practitioner's request for support (session-held question pages), the
practitioner's own requests, and recording a step-down from MASH.

Families offered come only from the user's scope (people.selectors.families_for); a
practitioner's own requests only from selectors.requests_submitted_by, so anyone else's is a
404. Writes go through support_requests.services, which audit them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.audit import Action, audit_record
from people.selectors import families_for
from support_requests import practitioner_journey as pj
from support_requests import selectors, services
from support_requests.forms import YES
from support_requests.models import SafeguardingStop, SupportRequest
from support_requests.presenters import describe_age, own_request_status
from support_requests.safeguarding_views import stop_page
from support_requests.staff_forms import (
    NO_FAMILY,
    ConcernForm,
    FamilyChoiceForm,
    FamilyConsentForm,
    PractitionerAreaForm,
    PractitionerChildrenForm,
    PractitionerHappeningForm,
    RouteForm,
    StepDownForm,
)
from support_requests.views import _add_service_errors

PAGE_SIZE = 50
TEMPLATES = "support_requests/new/"


def requester_page(*methods: str) -> Callable:
    """Signed in, a practitioner or lead professional (others: 404), never cached."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not rules.has_perm("support_requests.make_request", request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(never_cache(require_http_methods(list(methods))(wrapped)))

    return decorator


def _question(
    request: HttpRequest,
    *,
    step: str,
    form_class,
    title: str,
    form_kwargs: dict | None = None,
    initial: dict | None = None,
) -> HttpResponse:
    answers = pj.load(request)
    kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            answers.update(form.to_answers())
            pj.save(request, answers)
            return redirect(pj.next_url(step, answers, request.user))
    else:
        form = form_class(initial=initial or form_class.initial_from(answers), **kwargs)
    context = {"form": form, "page_title": title, "back_url": pj.back_url(step, answers)}
    return render(request, TEMPLATES + "question.html", context)


@requester_page("GET")
def new_start(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "start.html",
        {"first_question_url": pj.url("family"), "council": selectors.council()},
    )


@requester_page("GET", "POST")
def new_family(request: HttpRequest) -> HttpResponse:
    families = list(selectors.families_to_request_for(request.user))
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            target="people.family",
            detail={"page": "request_family", "count": len(families)},
        )
    return _question(
        request,
        step="family",
        form_class=FamilyChoiceForm,
        title="Which family is the request about?",
        form_kwargs={"families": families},
    )


@requester_page("GET", "POST")
def new_children(request: HttpRequest) -> HttpResponse:
    answers = pj.load(request)
    if answers.get("family") != NO_FAMILY:
        return redirect(pj.url("family"))
    if request.method == "POST":
        form = PractitionerChildrenForm(request.POST)
        if form.is_valid():
            answers["children"] = form.children()
            pj.save(request, answers)
            return redirect(pj.next_url("children", answers, request.user))
    else:
        form = PractitionerChildrenForm(
            initial=PractitionerChildrenForm.initial_for(pj.children(answers))
        )
    context = {
        "form": form,
        "page_title": "Which children is the request about?",
        "heading": "Which children is the request about?",
        "intro": "Give the first name and age of each child or young person. You can add up to 6.",
        "back_url": pj.back_url("children", answers),
    }
    return render(request, TEMPLATES + "question.html", context)


@requester_page("GET", "POST")
def new_area(request: HttpRequest) -> HttpResponse:
    answers = pj.load(request)
    initial = None
    if not answers.get("area"):
        family = pj.family_for(request.user, answers)
        if family is not None:
            initial = {"area": family.area.code}  # the family's area, unless they change it
    return _question(
        request,
        step="area",
        form_class=PractitionerAreaForm,
        title="Which area does the family live in?",
        form_kwargs={"key_contacts": selectors.key_contacts_by_area()},
        initial=initial,
    )


@requester_page("GET", "POST")
def new_route(request: HttpRequest) -> HttpResponse:
    """Through the area's key contact or through the MASH (seed 004 §3.27, way 2)."""
    answers = pj.load(request)
    council = selectors.council()
    return _question(
        request,
        step="route",
        form_class=RouteForm,
        title="How do you want to send the request?",
        form_kwargs={
            "key_contact": selectors.key_contact_for(pj.area_for(answers)),
            "mash_name": council.duty_team_name if council else "",
        },
    )


@requester_page("GET", "POST")
def new_happening(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        step="happening",
        form_class=PractitionerHappeningForm,
        title="What is happening and what has been tried",
    )


@requester_page("GET", "POST")
def new_concern(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        step="concern",
        form_class=ConcernForm,
        title="Do you have concerns that a child is in need or at risk of significant harm?",
    )


@requester_page("GET")
def new_duty_team(request: HttpRequest) -> HttpResponse:
    """After a "yes" to the concerns question: the duty team's contact, before anything is sent."""
    answers = pj.load(request)
    if answers.get("concern") != YES:
        return redirect(pj.url("concern"))
    context = {
        "page_title": "Contact the duty team now",
        "council": selectors.council(),
        "continue_url": pj.next_url("duty_team", answers, request.user),
        "back_url": pj.back_url("duty_team", answers),
    }
    return render(request, TEMPLATES + "duty_team.html", context)


@requester_page("GET", "POST")
def new_consent(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        step="consent",
        form_class=FamilyConsentForm,
        title="Does the family know about this request and agree to it?",
    )


@requester_page("GET")
def new_consent_needed(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        TEMPLATES + "consent_needed.html",
        {"page_title": "The family needs to know about the request", "back_url": pj.url("consent")},
    )


def _route_lines(route: str) -> list[str]:
    if route != SupportRequest.Route.MASH:
        return [str(SupportRequest.Route.KEY_CONTACT.label)]
    council = selectors.council()
    if council is None:
        return [str(SupportRequest.Route.MASH.label)]
    return [
        f"{SupportRequest.Route.MASH.label}: {council.duty_team_name}, {council.duty_team_phone}"
    ]


def _check_rows(answers: dict, user) -> list[dict]:
    family = pj.family_for(user, answers)
    area = pj.area_for(answers)
    key_contact = selectors.key_contact_for(area)
    if family is not None:
        who = [f"{family.name} ({family.reference})"]
    else:
        who = [
            f"{c['first_name']}, {describe_age(c.get('age'), None)}" for c in pj.children(answers)
        ]
    rows = [
        {
            "key": "Family",
            "lines": who,
            "step": "children" if family is None else "family",
            "label": "the family",
        },
        {"key": "Area", "lines": [area.name if area else ""], "step": "area", "label": "area"},
        {
            "key": "Key contact",
            "lines": [
                key_contact.name if key_contact else "No early support team is set up for this area"
            ],
            "step": "area",
            "label": "area and key contact",
        },
        {
            "key": "How it is sent",
            "lines": _route_lines(answers.get("route", "")),
            "step": "route",
            "label": "how the request is sent",
        },
        {
            "key": "What is happening",
            "lines": [answers.get("what_is_happening", "")],
            "step": "happening",
            "label": "what is happening",
        },
        {
            "key": "Support already tried",
            "lines": [answers.get("single_agency_support_tried", "")],
            "step": "happening",
            "label": "support already tried",
        },
        {
            "key": "Concerns a child is in need or at risk of significant harm",
            "lines": ["Yes" if answers.get("concern") == YES else "No"],
            "step": "concern",
            "label": "safeguarding concerns",
        },
        {
            "key": "The family knows and agrees",
            "lines": ["Yes" if answers.get("consent") == YES else "No"],
            "step": "consent",
            "label": "whether the family knows and agrees",
        },
    ]
    for row in rows:
        row["url"] = pj.url(row["step"])
    return rows


@requester_page("GET", "POST")
def new_check(request: HttpRequest) -> HttpResponse:
    user = request.user
    answers = pj.load(request)
    missing = pj.first_unanswered(answers, user)
    if missing:
        return redirect(pj.url(missing))
    if pj.needs_consent(answers):
        return redirect(pj.url("consent_needed"))
    if request.method == "POST":
        try:
            support_request, stop = services.support_request_submit_practitioner(
                actor=user, **pj.submission_kwargs(answers, user)
            )
        except ValidationError:
            # The pages check everything the service does; a stale or tampered session.
            return redirect(pj.url("family"))
        if stop is not None:
            # Keep the answers: if the practitioner was wrong, they can send the request again.
            return redirect("support_requests:my_request_stop", request_id=support_request.pk)
        pj.clear(request)
        request.session[pj.SENT_KEY] = support_request.reference
        return redirect("support_requests:new_sent")
    answers[pj.CHECKING] = True
    pj.save(request, answers)
    context = {
        "page_title": "Check your answers before sending the request",
        "rows": _check_rows(answers, user),
        "concern": answers.get("concern") == YES,
        "back_url": pj.url("consent"),
    }
    return render(request, TEMPLATES + "check.html", context)


@requester_page("GET")
def new_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(pj.SENT_KEY)
    if not reference:
        return redirect("support_requests:new_start")
    support_request = (
        selectors.requests_submitted_by(request.user)
        .select_related("key_contact_team", "area")
        .filter(reference=reference)
        .first()
    )
    if support_request is None:
        raise Http404
    return render(
        request,
        TEMPLATES + "sent.html",
        {
            "support_request": support_request,
            "page_title": "Request sent",
            "council": selectors.council(),
        },
    )


# ---------------------------------------------------------------- the practitioner's requests


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("support_requests.see_own_requests", user):
        raise Http404
    page_obj = Paginator(selectors.my_requests(user), PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.elided_range = list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )
    rows = list(page_obj.object_list)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=SupportRequest._meta.label_lower,
        detail={"page": "my_requests", "count": len(rows)},
    )
    context = {
        "rows": rows,
        "page_obj": page_obj,
        "can_make_requests": rules.has_perm("support_requests.make_request", user),
    }
    return render(request, TEMPLATES + "mine.html", context)


@login_required
@require_GET
def my_request(request: HttpRequest, request_id) -> HttpResponse:
    """One of the user's own requests: what they asked, where it has got to, what happens next.

    Only ever the user's own (selectors.get_my_request): anyone else's is a 404. The
    triage outcome shows the decision, level of need and date, never the team leader's notes.
    """
    user = request.user
    support_request = get_object_or_404(
        selectors.requests_submitted_by(user)
        .select_related(
            "area",
            "family",
            "key_contact_team",
            "triage__need_level",
            "triage__single_agency",
            "lead_professional",
            "lead_agency",
        )
        .prefetch_related("children"),
        pk=request_id,
    )
    triage = getattr(support_request, "triage", None)
    if triage is not None and not triage.decision:
        triage = None  # a draft is the team leader's working notes
    assessments = []
    can_see_family = bool(
        support_request.family_id
        and families_for(user).filter(pk=support_request.family_id).exists()
    )
    for assessment in support_request.assessments.order_by("-number"):
        assessments.append({"assessment": assessment, "can_open": can_see_family})
    audit_record(actor=user, action=Action.VIEW, target=support_request, detail={"page": "mine"})
    context = {
        "support_request": support_request,
        "children": list(support_request.children.all()),
        "status": own_request_status(support_request.status),
        "triage": triage,
        "assessments": assessments,
        "can_see_family": can_see_family,
        "pending_stop": selectors.pending_submission_stop(
            actor=user, support_request=support_request
        ),
        "page_title": f"Request {support_request.reference}",
        "back_url": reverse("support_requests:my_requests"),
    }
    return render(request, TEMPLATES + "request.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_request_stop(request: HttpRequest, request_id) -> HttpResponse:
    """The safeguarding stop raised when the practitioner made the request."""
    user = request.user
    support_request = selectors.get_my_request(user, request_id)
    stop = selectors.pending_submission_stop(actor=user, support_request=support_request)
    if stop is None:
        return redirect("support_requests:my_requests")

    def record(*, next_step: str, reason: str) -> None:
        services.submission_stop_record_next_step(
            actor=user, stop=stop, next_step=next_step, reason=reason
        )

    def after(next_step: str) -> HttpResponse:
        answers = pj.load(request)
        if next_step == SafeguardingStop.NextStep.WAS_WRONG and answers:
            answers.pop("concern", None)
            answers[pj.CHECKING] = True
            pj.save(request, answers)
            messages.info(
                request,
                "The safeguarding stop and your reason have been recorded. "
                "Answer the concerns question again to send a new request.",
            )
            return redirect(pj.url("concern"))
        pj.clear(request)
        messages.success(request, "What you did has been recorded")
        return redirect("support_requests:my_requests")

    context = {"support_request": support_request, "form_action": request.path}
    return stop_page(request, stop=stop, record=record, after=after, context=context)


# ---------------------------------------------------------------- step-down from MASH


@login_required
@require_http_methods(["GET", "POST"])
def step_down_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("support_requests.record_step_down", user):
        raise Http404
    form_kwargs = {
        "families": selectors.families_to_request_for(user),
        "key_contacts": selectors.key_contacts_by_area(),
    }
    if request.method == "POST":
        form = StepDownForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                support_request = services.support_request_record_step_down(
                    actor=user, **form.service_kwargs()
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, "Step-down recorded. It is in the area’s queue.")
                if selectors.requests_for(user).filter(pk=support_request.pk).exists():
                    return redirect("support_requests:detail", request_id=support_request.pk)
                return redirect("support_requests:queue")
    else:
        form = StepDownForm(**form_kwargs)
    context = {"nav_section": "requests", "form": form}
    return render(request, TEMPLATES + "step_down.html", context)
