"""Episode pages: the episode, a family's episodes, changes (stage, level, lead professional),
contacts, TAF meetings, closure, step up and step down, and the caseloads.

Episodes come only from casework.selectors, so one outside the user's scope is a 404. Every page
writes one view audit event in the request's transaction; changes go through casework.services,
which audit themselves.
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

from casework import oversight, plans, selectors, services
from casework.forms_episodes import (
    ClosureForm,
    ContactForm,
    LeadProfessionalForm,
    NeedLevelForm,
    OpenEpisodeForm,
    OversightForm,
    ReviewCadenceForm,
    StageForm,
    StepUpForm,
    TafMeetingForm,
)
from casework.models import Episode, EpisodeOversight
from core.audit import Action, audit_record
from core.forms import add_service_errors
from people.selectors import family_children, get_family

NAV_SECTION = "families"
EPISODE_LABEL = "casework.episode"


def _members(episode: Episode):
    return [
        m.person for m in episode.family.members.select_related("person").order_by("role", "pk")
    ]


def _episode_url(episode) -> str:
    return reverse("casework:episode_detail", kwargs={"episode_id": episode.pk})


# ---------------------------------------------------------------- the episode


@login_required
@require_GET
def episode_detail(request: HttpRequest, episode_id) -> HttpResponse:
    user = request.user
    episode = selectors.get_episode(user, episode_id)
    audit_record(actor=user, action=Action.VIEW, target=episode, detail={"page": "episode"})
    can_change = rules.has_perm("casework.change_episode", user, episode)
    return render(
        request,
        "casework/episodes/detail.html",
        {
            "nav_section": NAV_SECTION,
            "episode": episode,
            "family": episode.family,
            "stages": [
                {
                    "value": value,
                    "label": label,
                    "done": value < episode.stage,
                    "current": value == episode.stage,
                }
                for value, label in Episode.Stage.choices
            ],
            "chain": selectors.episode_chain(episode),
            "origins": selectors.episode_origins(episode),
            "returned_closure": selectors.returned_closure(episode),
            "contacts": episode.contacts.select_related("recorded_by").prefetch_related(
                "seen", "seen_alone", "not_brought"
            ),
            "taf_meetings": episode.taf_meetings.prefetch_related(
                "family_attendees", "professional_attendees"
            ),
            "history": episode.history.select_related("actor"),
            "closure": getattr(episode, "closure", None),
            "oversight": selectors.episode_oversight(episode),
            "can_oversee": rules.has_perm("casework.oversee_episode", user, episode),
            "can_change": can_change and episode.status == Episode.Status.OPEN,
            "can_record": can_change and episode.is_open,
            "can_step_down": not episode.is_open
            and not selectors.has_next_episode(episode)
            and rules.has_perm("casework.step_down_episode", user, episode),
        },
    )


@login_required
@require_GET
def family_episodes(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    family = get_family(user, family_id)
    episodes = list(
        selectors.episodes_for(user)
        .filter(family=family)
        .select_related("lead_professional", "need_level", "lead_agency")
    )
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=family,
        detail={"page": "episodes", "count": len(episodes)},
    )
    return render(
        request,
        "casework/episodes/family_episodes.html",
        {
            "nav_section": NAV_SECTION,
            "family": family,
            "episodes": episodes,
            "can_open": rules.has_perm("casework.open_episode", user)
            and not any(e.is_open for e in episodes),
        },
    )


def _form_page(request, *, template_context, form, title, button, back_url, audit_target, page):
    audit_record(actor=request.user, action=Action.VIEW, target=audit_target, detail={"page": page})
    return render(
        request,
        "casework/episodes/form.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "title": title,
            "button": button,
            "back_url": back_url,
            **template_context,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_open(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    family = get_family(user, family_id)
    if not rules.has_perm("casework.open_episode", user):
        raise PermissionDenied
    form = OpenEpisodeForm(
        request.POST or None, lead_professionals=selectors.lead_professional_choices()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode = services.episode_open(
                actor=user,
                family=family,
                lead_professional=data["lead_professional"],
                lead_agency=data["lead_agency"],
                need_level=data["need_level"],
                offer=data["offer"],
                started_on=data["started_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Episode opened")
            return redirect(_episode_url(episode))
    return _form_page(
        request,
        template_context={"family": family},
        form=form,
        title="Open an episode of early help",
        button="Open the episode",
        back_url=reverse("casework:family_episodes", kwargs={"family_id": family.pk}),
        audit_target=family,
        page="episode_open",
    )


def _episode_form_view(
    request, episode_id, *, form_class, form_kwargs, run, title, button, page, success
):
    """A change page for one episode: GET shows the form, POST runs the service."""
    user = request.user
    episode = selectors.get_episode(user, episode_id)
    if not rules.has_perm("casework.change_episode", user, episode):
        raise PermissionDenied
    form = form_class(request.POST or None, **form_kwargs(episode))
    if request.method == "POST" and form.is_valid():
        try:
            result = run(user, episode, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(_episode_url(episode))
    return _form_page(
        request,
        template_context={"episode": episode, "family": episode.family},
        form=form,
        title=title,
        button=button,
        back_url=_episode_url(episode),
        audit_target=episode,
        page=page,
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_stage(request: HttpRequest, episode_id) -> HttpResponse:
    return _episode_form_view(
        request,
        episode_id,
        form_class=StageForm,
        form_kwargs=lambda e: {"current": e.stage, "initial": {"to_stage": min(e.stage + 1, 4)}},
        run=lambda user, e, d: services.episode_change_stage(
            actor=user, episode=e, to_stage=d["to_stage"], reason=d["reason"]
        ),
        title="Change the stage",
        button="Save the stage",
        page="change_stage",
        success="Stage changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_need_level(request: HttpRequest, episode_id) -> HttpResponse:
    return _episode_form_view(
        request,
        episode_id,
        form_class=NeedLevelForm,
        form_kwargs=lambda e: {"initial": {"need_level": e.need_level_id}},
        run=lambda user, e, d: services.episode_change_need_level(
            actor=user, episode=e, need_level=d["need_level"], reason=d["reason"]
        ),
        title="Change the level of need",
        button="Save the level",
        page="change_need_level",
        success="Level of need changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_review_cadence(request: HttpRequest, episode_id) -> HttpResponse:
    return _episode_form_view(
        request,
        episode_id,
        form_class=ReviewCadenceForm,
        form_kwargs=lambda e: {"initial": {"weeks": e.review_every_weeks}},
        run=lambda user, e, d: services.episode_change_review_cadence(
            actor=user, episode=e, weeks=d["weeks"], reason=d["reason"]
        ),
        title="Change how often the plan is reviewed",
        button="Save",
        page="change_review_cadence",
        success="How often the plan is reviewed has changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_lead_professional(request: HttpRequest, episode_id) -> HttpResponse:
    return _episode_form_view(
        request,
        episode_id,
        form_class=LeadProfessionalForm,
        form_kwargs=lambda e: {
            "choices": selectors.lead_professional_choices().exclude(pk=e.lead_professional_id)
        },
        run=lambda user, e, d: services.episode_change_lead_professional(
            actor=user, episode=e, lead_professional=d["lead_professional"], reason=d["reason"]
        ),
        title="Change the lead professional",
        button="Save the lead professional",
        page="change_lead_professional",
        success="Lead professional changed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, episode_id) -> HttpResponse:
    def run(user, episode, d):
        people = {str(p.pk): p for p in _members(episode)}
        services.contact_record(
            actor=user,
            episode=episode,
            happened_on=d["happened_on"],
            kind=d["kind"],
            seen=[people[i] for i in d["seen"] if i in people],
            seen_alone=[people[i] for i in d["seen_alone"] if i in people],
            notes=d["notes"],
            not_brought=[people[i] for i in d["not_brought"] if i in people],
            appointment=d["appointment"],
            next_planned_on=d["next_planned_on"],
        )

    return _episode_form_view(
        request,
        episode_id,
        form_class=ContactForm,
        form_kwargs=lambda e: {"people": _members(e), "children": family_children(e.family)},
        run=run,
        title="Record a contact",
        button="Save the contact",
        page="contact_new",
        success="Contact recorded",
    )


def _taf_form_kwargs(episode) -> dict:
    """The TAF form's choices: the family's members, the lead professional and the professionals
    involved with the family, from the record (the same people the plan can name)."""
    people = plans.plan_people(episode)
    return {
        "people": _members(episode),
        "lead_label": f"{people.lead_name} (lead professional, {episode.lead_agency.name})",
        "professionals": [
            (p.pk, plans.professional_label(p))
            for p in people.professionals
            if not plans.same_person_as_lead(p, episode)
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def taf_meeting_new(request: HttpRequest, episode_id) -> HttpResponse:
    def run(user, episode, d):
        people = {str(p.pk): p for p in _members(episode)}
        professionals = {str(p.pk): p for p in plans.plan_people(episode).professionals}
        chosen = d["professional_attendees"]
        services.taf_meeting_record(
            actor=user,
            episode=episode,
            held_on=d["held_on"],
            family_attendees=[people[i] for i in d["family_attendees"] if i in people],
            lead_professional_attended=TafMeetingForm.LEAD in chosen,
            professional_attendees=[professionals[i] for i in chosen if i in professionals],
            agency_attendees=d["agency_attendees"],
            apologies=d["apologies"],
            child_views=d["child_views"],
            parent_views=d["parent_views"],
            decisions=d["decisions"],
            next_meeting_on=d["next_meeting_on"],
        )

    return _episode_form_view(
        request,
        episode_id,
        form_class=TafMeetingForm,
        form_kwargs=_taf_form_kwargs,
        run=run,
        title="Record a Team Around the Family meeting",
        button="Save the meeting",
        page="taf_meeting_new",
        success="Meeting recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def closure(request: HttpRequest, episode_id) -> HttpResponse:
    return _episode_form_view(
        request,
        episode_id,
        form_class=ClosureForm,
        form_kwargs=lambda e: {},
        run=lambda user, e, d: services.episode_send_closure(actor=user, episode=e, **d),
        title="Close the episode",
        button="Send the closure form",
        page="closure",
        success=_closure_sent,
    )


def _closure_sent(closure) -> str:
    # One closure route (ADR 0016): the panel decides a panel case's closure; any other episode
    # closes when the form is sent.
    if closure.episode.panel_case_id:
        return (
            "Closure form sent to the panel. The episode closes when the panel confirms it at "
            "its next meeting"
        )
    return "Closure form sent. The episode is closed"


@login_required
@require_http_methods(["GET", "POST"])
def step_up(request: HttpRequest, episode_id) -> HttpResponse:
    return _episode_form_view(
        request,
        episode_id,
        form_class=StepUpForm,
        form_kwargs=lambda e: {},
        run=lambda user, e, d: services.episode_step_up(actor=user, episode=e, **d),
        title="Step up to children’s social care",
        button="Step up",
        page="step_up",
        success="Stepped up to children’s social care",
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_down(request: HttpRequest, episode_id) -> HttpResponse:
    user = request.user
    episode = selectors.get_episode(user, episode_id)
    if not rules.has_perm("casework.step_down_episode", user, episode):
        raise PermissionDenied
    form = OpenEpisodeForm(
        request.POST or None,
        lead_professionals=selectors.lead_professional_choices(),
        step_down=True,
        plan_to_carry=selectors.plan_left_to_do(episode),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.episode_step_down(
                actor=user,
                from_episode=episode,
                lead_professional=data["lead_professional"],
                lead_agency=data["lead_agency"],
                need_level=data["need_level"],
                offer=data["offer"],
                started_on=data["started_on"],
                reason=data["reason"],
                carry_plan=data.get("carry_plan", False),
                stage=data["stage"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Stepped down: a new episode is open")
            return redirect(_episode_url(new))
    return _form_page(
        request,
        template_context={"episode": episode, "family": episode.family},
        form=form,
        title="Step down into a new episode",
        button="Open the new episode",
        back_url=_episode_url(episode),
        audit_target=episode,
        page="step_down",
    )


# ---------------------------------------------------------------- management oversight


def _oversight_kinds(episode: Episode) -> list:
    kinds = [EpisodeOversight.Kind.NOTE]
    if episode.status == Episode.Status.OPEN:
        kinds.append(EpisodeOversight.Kind.AGREE_STEP_UP)
    elif not episode.is_open and not selectors.has_next_episode(episode):
        kinds.append(EpisodeOversight.Kind.AGREE_STEP_DOWN)
    return [(kind.value, kind.label) for kind in kinds]


@login_required
@require_http_methods(["GET", "POST"])
def oversight_new(request: HttpRequest, episode_id) -> HttpResponse:
    """A manager's oversight note on the episode, or their agreement to a step up or down."""
    user = request.user
    episode = selectors.get_episode(user, episode_id)
    if not rules.has_perm("casework.oversee_episode", user, episode):
        raise PermissionDenied
    form = OversightForm(request.POST or None, kinds=_oversight_kinds(episode))
    if request.method == "POST" and form.is_valid():
        try:
            note = oversight.episode_oversight_record(
                actor=user,
                episode=episode,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{note.get_kind_display()} recorded")
            return redirect(_episode_url(episode))
    return _form_page(
        request,
        template_context={"episode": episode, "family": episode.family},
        form=form,
        title="Add a management oversight note",
        button="Save the note",
        back_url=_episode_url(episode),
        audit_target=episode,
        page="episode_oversight",
    )


# ---------------------------------------------------------------- caseloads


@login_required
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    rows = selectors.caseload_rows(selectors.episodes_for(user).filter(lead_professional=user))
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=EPISODE_LABEL,
        detail={"page": "caseload", "count": len(rows)},
    )
    return render(
        request,
        "casework/episodes/caseload.html",
        {"nav_section": "caseload", "rows": rows, "title": "Your caseload", "team_view": False},
    )


@login_required
@require_GET
def team_caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not rules.has_perm("casework.view_team_caseload", user):
        raise PermissionDenied
    rows = selectors.caseload_rows(selectors.team_caseload_for(user))
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=EPISODE_LABEL,
        detail={"page": "team_caseload", "count": len(rows)},
    )
    return render(
        request,
        "casework/episodes/caseload.html",
        {
            "nav_section": "team_caseload",
            "rows": rows,
            "title": "Your team’s caseload",
            "team_view": True,
        },
    )
