"""The offer's pages, under /offer/: the programmes and services with their places and waiting
lists, groups with sessions and attendance, and referrals (signposting with handover, or a place
on a programme). Records come only from selectors (out of scope: 404); writes from services."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import clock
from core.audit import Action, audit_record
from core.errors import ConflictError
from core.forms import add_service_errors
from offer import forms, selectors, services
from offer.models import Programme, Referral

NAV_SECTION = "offer"


def _need(user, perm: str, record=None) -> None:
    if not rules.has_perm(perm, user, record):
        raise PermissionDenied


def _programme_url(programme) -> str:
    return reverse("offer:programme", kwargs={"programme_id": programme.pk})


def _group_url(group) -> str:
    return reverse("offer:group", kwargs={"group_id": group.pk})


def _referral_url(referral) -> str:
    return reverse("offer:referral", kwargs={"referral_id": referral.pk})


def _form_page(request, form, *, title, button, back_url, caption="", family=None, intro=""):
    return render(
        request,
        "offer/form.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "title": title,
            "button": button,
            "back_url": back_url,
            "caption": caption,
            "family": family,
            "intro": intro,
        },
    )


def _run(form, call) -> bool:
    """Run a service for a valid form: its errors land on the form. True when it worked."""
    try:
        call()
    except ValidationError as error:
        if isinstance(error, ConflictError):
            form.add_error(None, error.messages)
        else:
            add_service_errors(form, error)
        return False
    return True


# ---------------------------------------------------------------- the offer and programmes


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _need(user, "offer.view_offer")
    rows = selectors.offer_rows(user)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="offer.programme",
        detail={"page": "offer", "count": len(rows)},
    )
    return render(
        request,
        "offer/index.html",
        {
            "nav_section": NAV_SECTION,
            "rows": rows,
            "can_add": rules.has_perm("offer.add_programme", user),
            "can_refer": rules.has_perm("offer.refer", user),
            # The rest of the offer, asked by name: those apps sit beside this one.
            "can_keep_directory": rules.has_perm("directory.edit", user),
            "can_consult": rules.has_perm("consultancy.use", user),
            "can_see_reach": rules.has_perm("children_centres.view_reach", user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    _need(user, "offer.add_programme")
    form = forms.ProgrammeForm(
        request.POST or None,
        services=selectors.services_not_in_offer(),
        teams=selectors.team_choices(),
        areas=selectors.area_choices(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = {}
        if _run(
            form,
            lambda: result.setdefault(
                "programme",
                services.programme_create(
                    actor=user,
                    service=data["service"],
                    kind=data["kind"],
                    team=data["team"],
                    area=data.get("area"),
                    capacity=data["capacity"],
                ),
            ),
        ):
            messages.success(request, "Added to the offer")
            return redirect(_programme_url(result["programme"]))
    return _form_page(
        request,
        form,
        title="Add a programme or service to the offer",
        button="Add it",
        back_url=reverse("offer:index"),
        intro="Choose the service as the directory describes it. Its name and description come "
        "from the directory.",
    )


@login_required
@require_GET
def programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_programme(user, programme_id)
    manages = rules.has_perm("offer.manage_programme", user, found)
    places = selectors.programme_places(found)
    groups = selectors.programme_groups(found) if found.runs_groups else []
    rows = selectors.waiting_list(user, found) if manages else []
    offered = selectors.places_offered(user, found) if manages else []
    first_visible = next((row for row in rows if row.visible), None)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=found,
        detail={"page": "programme", "waiting": len(rows)},
    )
    return render(
        request,
        "offer/programme.html",
        {
            "nav_section": NAV_SECTION,
            "programme": found,
            "places": places,
            "groups": groups,
            "rows": rows,
            "first_row": rows[0] if rows else None,
            "first_visible": first_visible,
            "offered": offered,
            "manages": manages,
            "can_refer": found.active and rules.has_perm("offer.refer", user),
            "can_pause": rules.has_perm("offer.add_programme", user),
            "flag_weeks": selectors.policy().waiting_flag_weeks,
            "one_to_one": not found.runs_groups,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_capacity(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_programme(user, programme_id)
    _need(user, "offer.manage_programme", found)
    if found.runs_groups:
        raise Http404
    form = forms.CapacityForm(
        request.POST or None, initial={"version": found.version, "capacity": found.capacity}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.programme_set_capacity(
                actor=user,
                programme=found,
                capacity=data["capacity"],
                expected_version=data["version"],
            ),
        ):
            messages.success(request, "Places changed")
            return redirect(_programme_url(found))
    return _form_page(
        request,
        form,
        title="Change the places",
        caption=found.service.name,
        button="Save",
        back_url=_programme_url(found),
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_running(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Stop the programme taking referrals, or start it again (team leaders)."""
    user = request.user
    found = selectors.get_programme(user, programme_id)
    _need(user, "offer.add_programme")
    form = forms.RunningForm(
        request.POST or None,
        initial={
            "version": found.version,
            "running": "yes" if found.active else "no",
            "reason": found.not_running_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.programme_set_running(
                actor=user,
                programme=found,
                running=data["running"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
        ):
            messages.success(
                request, "Taking referrals" if data["running"] else "Not taking referrals"
            )
            return redirect(_programme_url(found))
    return _form_page(
        request,
        form,
        title="Whether it takes referrals",
        caption=found.service.name,
        button="Save",
        back_url=_programme_url(found),
        intro="Families already on it carry on. To stop, first enrol or withdraw everyone "
        "waiting or offered a place.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_programme(user, programme_id)
    _need(user, "offer.manage_programme", found)
    if not found.runs_groups:
        raise Http404
    form = forms.GroupForm(
        request.POST or None,
        sites=selectors.site_choices(),
        staff=selectors.facilitator_choices(found),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = {}
        if _run(
            form,
            lambda: result.setdefault(
                "group",
                services.group_create(
                    actor=user,
                    programme=found,
                    name=data["name"],
                    capacity=data["capacity"],
                    starts_on=data["starts_on"],
                    venue=data.get("venue"),
                    venue_text=data.get("venue_text", ""),
                    facilitators=data.get("facilitators") or [],
                ),
            ),
        ):
            messages.success(request, "Group added")
            return redirect(_group_url(result["group"]))
    return _form_page(
        request,
        form,
        title="Add a group",
        caption=found.service.name,
        button="Add the group",
        back_url=_programme_url(found),
    )


# ---------------------------------------------------------------- groups


@login_required
@require_GET
def group(request: HttpRequest, group_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_group(user, group_id)
    manages = rules.has_perm("offer.manage_programme", user, found.programme)
    records = rules.has_perm("offer.record_attendance", user, found)
    if not (manages or records):
        raise PermissionDenied
    enrolments = selectors.group_enrolments(found)
    visible = selectors.visible_person_ids(user, {e.person_id for e in enrolments})
    sessions = list(found.sessions.all())
    measures = dict(selectors.impact_measure_choices())
    rows = []
    for enrolment in enrolments:
        marks = {a.session_id: a for a in enrolment.attendance.all()}
        rows.append(
            {
                "enrolment": enrolment,
                "visible": enrolment.person_id in visible,
                "marks": [marks.get(s.pk) for s in sessions],
                "attended": sum(1 for a in marks.values() if a.status == a.Status.ATTENDED),
                "impacts": [
                    (measures.get(i.measure, i.measure), i) for i in enrolment.impacts.all()
                ],
            }
        )
    taken, free = selectors.group_places(found)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=found,
        detail={"page": "group", "participants": len(rows)},
    )
    return render(
        request,
        "offer/group.html",
        {
            "nav_section": NAV_SECTION,
            "group": found,
            "programme": found.programme,
            "sessions": sessions,
            "facilitators": list(found.facilitators.all()),
            "rows": rows,
            "taken": taken,
            "free": free,
            "manages": manages,
            "records": records,
            "today": clock.today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_change(request: HttpRequest, group_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_group(user, group_id)
    _need(user, "offer.manage_programme", found.programme)
    form = forms.GroupChangeForm(
        request.POST or None,
        initial={"version": found.version, "status": found.status, "capacity": found.capacity},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.group_update(
                actor=user,
                group=found,
                expected_version=data["version"],
                status=data["status"],
                capacity=data["capacity"],
            ),
        ):
            messages.success(request, "Group changed")
            return redirect(_group_url(found))
    return _form_page(
        request,
        form,
        title="Change the group",
        caption=found.name,
        button="Save",
        back_url=_group_url(found),
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, group_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_group(user, group_id)
    _need(user, "offer.manage_programme", found.programme)
    form = forms.SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.session_add(
                actor=user,
                group=found,
                held_on=data["held_on"],
                starts_at=data.get("starts_at"),
                ends_at=data.get("ends_at"),
            ),
        ):
            messages.success(request, "Session added")
            return redirect(_group_url(found))
    return _form_page(
        request,
        form,
        title="Add a session",
        caption=found.name,
        button="Add the session",
        back_url=_group_url(found),
    )


def _label(enrolment, visible: set) -> str:
    if enrolment.person_id in visible:
        return enrolment.person.full_name
    return f"Participant {enrolment.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, group_id: int, session_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_group(user, group_id)
    _need(user, "offer.record_attendance", found)
    session = selectors.get_session(found, session_id)
    enrolments = [e for e in selectors.group_enrolments(found) if e.status != e.Status.LEFT]
    visible = selectors.visible_person_ids(user, {e.person_id for e in enrolments})
    current = {
        e.pk: a.status for e in enrolments for a in e.attendance.all() if a.session_id == session.pk
    }
    form = forms.AttendanceForm(
        request.POST or None,
        participants=[(e, _label(e, visible)) for e in enrolments],
        initial_marks=current,
    )
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            lambda: services.attendance_record(actor=user, session=session, marks=form.marks()),
        ):
            messages.success(request, f"Attendance recorded for session {session.number}")
            return redirect(_group_url(found))
    audit_record(actor=user, action=Action.VIEW, target=found, detail={"page": "attendance"})
    return _form_page(
        request,
        form,
        title=f"Attendance at session {session.number}, {session.held_on:%-d %B %Y}",
        caption=found.name,
        button="Save attendance",
        back_url=_group_url(found),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_finish(request: HttpRequest, group_id: int, enrolment_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_group(user, group_id)
    _need(user, "offer.manage_programme", found.programme)
    enrolment = selectors.get_enrolment(found, enrolment_id)
    visible = selectors.visible_person_ids(user, {enrolment.person_id})
    form = forms.FinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["outcome"] == "completed":

            def call():
                return services.enrolment_complete(
                    actor=user, enrolment=enrolment, completed_on=data.get("on")
                )

        else:

            def call():
                return services.enrolment_leave(
                    actor=user, enrolment=enrolment, left_on=data.get("on")
                )

        if _run(form, call):
            messages.success(request, "Recorded")
            return redirect(_group_url(found))
    audit_record(
        actor=user, action=Action.VIEW, target=enrolment, detail={"page": "enrolment_finish"}
    )
    return _form_page(
        request,
        form,
        title=f"Completion: {_label(enrolment, visible)}",
        caption=found.name,
        button="Save",
        back_url=_group_url(found),
    )


@login_required
@require_http_methods(["GET", "POST"])
def impact_new(request: HttpRequest, group_id: int, enrolment_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_group(user, group_id)
    _need(user, "offer.manage_programme", found.programme)
    enrolment = selectors.get_enrolment(found, enrolment_id)
    visible = selectors.visible_person_ids(user, {enrolment.person_id})
    form = forms.ImpactForm(request.POST or None, measures=selectors.impact_measure_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            form,
            lambda: services.impact_record(
                actor=user, enrolment=enrolment, measure=data["measure"], note=data["note"]
            ),
        ):
            messages.success(request, "Impact recorded")
            return redirect(_group_url(found))
    audit_record(actor=user, action=Action.VIEW, target=enrolment, detail={"page": "impact"})
    return _form_page(
        request,
        form,
        title=f"Record an impact: {_label(enrolment, visible)}",
        caption=found.name,
        button="Record the impact",
        back_url=_group_url(found),
    )


# ---------------------------------------------------------------- referrals


@login_required
@require_http_methods(["GET", "POST"])
def refer_family(request: HttpRequest, family_id) -> HttpResponse:
    user = request.user
    _need(user, "offer.refer")
    family = selectors.family_for_referral(user, family_id)
    members = selectors.family_members(family)
    initial = {}
    chosen = request.GET.get("service")
    if chosen and selectors.pickable_service(chosen) is not None:
        initial["service"] = chosen
    form = forms.ReferForm(
        request.POST or None,
        initial=initial,
        services=selectors.pickable_services(),
        members=members,
        priorities=selectors.priority_choices(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {str(p.pk): p for p in members}
        result = {}
        if _run(
            form,
            lambda: result.setdefault(
                "referral",
                services.referral_make(
                    actor=user,
                    family=family,
                    service=data["service"],
                    people=[by_id[i] for i in data["people"] if i in by_id],
                    source=Referral.Source.DIRECT,
                    handover_to=data["handover_to"],
                    handover_on=data.get("handover_on"),
                    agreed_with_family=data["agreed_with_family"],
                    priority=data["priority"],
                    reason=data["reason"],
                ),
            ),
        ):
            referral = result["referral"]
            messages.success(request, f"Referral made: {referral.get_status_display().lower()}")
            return redirect(_referral_url(referral))
    audit_record(actor=user, action=Action.VIEW, target=family, detail={"page": "refer"})
    return _form_page(
        request,
        form,
        title="Refer or signpost the family",
        family=family,
        button="Make the referral",
        back_url=reverse("people:family_detail", kwargs={"family_id": family.pk}),
        intro="A referral to one of the council’s programmes takes a place, or joins the "
        "waiting list when there is none. Any other service is a signpost with a handover: "
        "record later whether the family took it up.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def refer_programme(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Find a family by its reference, then refer them to this programme."""
    user = request.user
    found = selectors.get_programme(user, programme_id)
    _need(user, "offer.refer")
    form = forms.FamilyReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        family = selectors.family_by_reference(user, form.cleaned_data["reference"])
        if family is None:
            form.add_error("reference", "No family you work with has this reference")
        else:
            url = reverse("offer:refer_family", kwargs={"family_id": family.pk})
            return redirect(f"{url}?service={found.service_id}")
    return render(
        request,
        "offer/refer_programme.html",
        {
            "nav_section": NAV_SECTION,
            "form": form,
            "programme": found,
            "back_url": _programme_url(found),
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    _need(user, "offer.refer")
    referrals = list(selectors.my_referrals(user)[:200])
    positions = selectors.waiting_positions(referrals)
    today = clock.today()
    weeks = selectors.policy().waiting_flag_weeks
    rows = [
        {
            "referral": r,
            "position": positions.get(r.pk),
            "weeks": selectors.weeks_between(r.waiting_since, today) if r.waiting_since else None,
            "flagged": bool(
                r.status == r.Status.WAITING and selectors.is_flagged(r.waiting_since, today, weeks)
            ),
        }
        for r in referrals
    ]
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="offer.referral",
        detail={"page": "my_referrals", "count": len(rows)},
    )
    return render(request, "offer/mine.html", {"nav_section": NAV_SECTION, "rows": rows})


@login_required
@require_GET
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = request.user
    found = selectors.get_referral(user, referral_id)
    today = clock.today()
    position = selectors.waiting_position(found)
    programme = found.programme
    manages = programme is not None and rules.has_perm("offer.manage_programme", user, programme)
    changes = rules.has_perm("offer.change_referral", user, found)
    audit_record(actor=user, action=Action.VIEW, target=found, detail={"page": "referral"})
    if found.family is not None:
        audit_record(
            actor=user, action=Action.VIEW, target=found.family, detail={"page": "referral"}
        )
    return render(
        request,
        "offer/referral.html",
        {
            "nav_section": NAV_SECTION,
            "referral": found,
            "family": found.family,
            "people": list(found.people.all()),
            "history": list(selectors.referral_history(found)),
            "position": position,
            "weeks": selectors.weeks_between(found.waiting_since, today)
            if found.waiting_since
            else None,
            "flagged": found.status == Referral.Status.WAITING
            and selectors.is_flagged(
                found.waiting_since, today, selectors.policy().waiting_flag_weeks
            ),
            "priority": dict(selectors.priority_choices()).get(found.priority, found.priority),
            "source_link": selectors.source_link(found),
            "can_uptake": changes and found.status == Referral.Status.HANDED_OVER,
            "can_withdraw": changes
            and services.WORKFLOW.can_move(found.status, Referral.Status.WITHDRAWN),
            "can_enrol": manages
            and services.WORKFLOW.can_move(found.status, Referral.Status.ENROLLED),
            "can_offer": manages and found.status == Referral.Status.WAITING,
            "can_finish": manages
            and programme is not None
            and not programme.runs_groups
            and found.status == Referral.Status.ENROLLED,
            "enrolments": list(found.enrolments.select_related("group")),
        },
    )


def _referral_change(request, referral_id, *, perm, form_class, title, button, run, success):
    user = request.user
    found = selectors.get_referral(user, referral_id)
    record = found.programme if perm == "offer.manage_programme" else found
    if record is None:
        raise Http404
    _need(user, perm, record)
    form = form_class(request.POST or None, initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda: run(user, found, form.cleaned_data)):
            messages.success(request, success)
            return redirect(_referral_url(found))
    audit_record(actor=user, action=Action.VIEW, target=found, detail={"page": title})
    return _form_page(
        request,
        form,
        title=title,
        caption=found.service.name,
        family=found.family,
        button=button,
        back_url=_referral_url(found),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_uptake(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _referral_change(
        request,
        referral_id,
        perm="offer.change_referral",
        form_class=forms.UptakeForm,
        title="Record the uptake",
        button="Save",
        run=lambda user, r, d: services.referral_uptake_record(
            actor=user,
            referral=r,
            taken_up=d["taken_up"],
            note=d["note"],
            expected_version=d["version"],
        ),
        success="Uptake recorded",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_offer_place(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _referral_change(
        request,
        referral_id,
        perm="offer.manage_programme",
        form_class=forms.OfferPlaceForm,
        title="Offer the place",
        button="Offer the place",
        run=lambda user, r, d: services.referral_offer_place(
            actor=user, referral=r, note=d["note"], expected_version=d["version"]
        ),
        success="Place offered: it is held until they are enrolled or decline",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_withdraw(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _referral_change(
        request,
        referral_id,
        perm="offer.change_referral",
        form_class=forms.WithdrawForm,
        title="Withdraw the referral",
        button="Withdraw it",
        run=lambda user, r, d: services.referral_withdraw(
            actor=user, referral=r, reason=d["reason"], expected_version=d["version"]
        ),
        success="Referral withdrawn",
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_enrol(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Enrol the referral in a group (a group programme) or take the family on (one-to-one)."""
    user = request.user
    found = selectors.get_referral(user, referral_id)
    programme: Programme | None = found.programme
    if programme is None:
        raise Http404
    _need(user, "offer.manage_programme", programme)
    if not programme.runs_groups:
        return _referral_change(
            request,
            referral_id,
            perm="offer.manage_programme",
            form_class=forms.TakeOnForm,
            title="Take the family on",
            button="Take them on",
            run=lambda u, r, d: services.referral_take_on(
                actor=u, referral=r, expected_version=d["version"]
            ),
            success="Taken on",
        )
    groups = list(selectors.programme_places(programme).groups)
    form = forms.EnrolForm(request.POST or None, groups=groups, initial={"version": found.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {g.pk: g for g in groups}.get(data["group"])
        if _run(
            form,
            lambda: services.referral_enrol(
                actor=user, referral=found, group=chosen, expected_version=data["version"]
            ),
        ):
            messages.success(request, "Enrolled")
            return redirect(_group_url(chosen))
    audit_record(actor=user, action=Action.VIEW, target=found, detail={"page": "enrol"})
    return _form_page(
        request,
        form,
        title="Enrol in a group",
        caption=programme.service.name,
        family=found.family,
        button="Enrol",
        back_url=_referral_url(found),
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_finish(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _referral_change(
        request,
        referral_id,
        perm="offer.manage_programme",
        form_class=forms.FinishForm,
        title="End the service",
        button="Save",
        run=lambda user, r, d: services.referral_finish(
            actor=user,
            referral=r,
            completed=d["outcome"] == "completed",
            expected_version=d.get("version"),
        ),
        success="Recorded",
    )
