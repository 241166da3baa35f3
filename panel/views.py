"""Panel pages: the panels, a panel's seats and year of meetings, the calendar downloads,
and cancelling or moving a meeting.

Calendars hold no personal data, so any signed-in member of staff with a role may see
them and download them (downloads are audited as exports). Cancelling or moving a
meeting is for business support, early support team leaders and the panel's chair or
deputy (``panel.manage_calendar`` in ``panel.rules``); anyone else gets 403.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import clock, notices
from core.audit import Action, audit_record
from core.forms import add_service_errors as _add_service_errors
from offer import selectors as offer_selectors
from panel import exports, selectors, services
from panel.forms import AgencyResponseForm, MeetingCancelForm, MeetingMoveForm
from panel.models import PanelDecision

MIN_YEAR = 2000
MAX_YEAR = 2100


def _require(perm: str, user, obj=None) -> None:
    """403 unless ``user`` has the permission (``panel.rules``), asked before a form is read."""
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied


def _require_panel_access(user) -> None:
    _require("panel.view_panels", user)


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


@login_required
@require_GET
def panel_list(request: HttpRequest) -> HttpResponse:
    _require_panel_access(request.user)
    can_manage = rules.has_perm("panel.manage_membership", request.user)
    listed = selectors.panels_listed(request.user, with_inactive=can_manage)
    context = {
        "panels": [panel for panel in listed if panel.active],
        "retired_panels": [panel for panel in listed if not panel.active],
        "can_manage_membership": can_manage,
        "nav_section": "panel",
        "is_intake_staff": rules.has_perm("panel.log_referral", request.user),
        "can_download_recording_sheet": rules.has_perm(
            "panel.download_recording_sheet", request.user
        ),
    }
    return render(request, "panel/panel_list.html", context)


@login_required
@require_GET
def panel_detail(request: HttpRequest, panel_id: int) -> HttpResponse:
    user = request.user
    _require_panel_access(user)
    panel = selectors.get_panel(user, panel_id)
    this_year = clock.today().year
    year = _year(request.GET.get("year"), this_year)
    meetings = selectors.year_meetings(user, panel, year)
    can_manage = rules.has_perm("panel.manage_calendar", user, panel)
    context = {
        "panel": panel,
        "year": year,
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "meetings": meetings,
        "unscheduled": sum(1 for m in meetings if m.pk is None),
        "can_manage": can_manage,
        "can_manage_membership": rules.has_perm("panel.manage_membership", user, panel),
        "can_open_meetings": can_manage or bool(selectors.member_seats(user, panel)),
        "nav_section": "panel",
    }
    return render(request, "panel/panel_detail.html", context)


@login_required
@require_POST
def panel_schedule(request: HttpRequest, panel_id: int, year: int) -> HttpResponse:
    user = request.user
    _require_panel_access(user)
    panel = selectors.get_panel(user, panel_id)
    _require("panel.manage_calendar", user, panel)
    try:
        created = services.panel_schedule_year(actor=user, panel=panel, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{len(created)} meetings scheduled for {year}")
    return redirect(f"{panel_url(panel)}?year={year}")


def panel_url(panel) -> str:
    return reverse("panel:panel_detail", kwargs={"panel_id": panel.pk})


def _download(request, panel_id: int, year: int, fmt: str):
    user = request.user
    _require_panel_access(user)
    panel = selectors.get_panel(user, panel_id)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("No calendar for that year")
    meetings = selectors.year_meetings(user, panel, year)
    audit_record(
        actor=user,
        action=Action.EXPORT,
        target="panel.panelmeeting",
        detail={"panel": panel.pk, "year": year, "format": fmt, "count": len(meetings)},
    )
    return panel, meetings, f"{slugify(panel.name) or 'panel'}-{year}.{fmt}"


@login_required
@require_GET
def panel_calendar_ics(request: HttpRequest, panel_id: int, year: int) -> HttpResponse:
    panel, meetings, filename = _download(request, panel_id, year, "ics")
    response = HttpResponse(
        exports.meetings_ics(panel, meetings), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def panel_calendar_csv(request: HttpRequest, panel_id: int, year: int) -> HttpResponse:
    _panel, meetings, filename = _download(request, panel_id, year, "csv")
    response = HttpResponse(exports.meetings_csv(meetings), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _meeting_form_page(request, panel_id: int, meeting_id: int, form_class, template: str, save):
    user = request.user
    _require_panel_access(user)
    panel = selectors.get_panel(user, panel_id)
    meeting = selectors.get_meeting(user, panel, meeting_id)
    _require("panel.manage_calendar", user, panel)
    if not meeting.is_scheduled:
        messages.error(
            request, f"This meeting is {meeting.get_status_display().lower()}: it cannot be changed"
        )
        return redirect(f"{panel_url(panel)}?year={meeting.date.year}")
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = save(user, meeting, form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(f"{panel_url(panel)}?year={meeting.date.year}")
    return render(
        request,
        template,
        {"panel": panel, "meeting": meeting, "form": form, "nav_section": "panel"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: HttpRequest, panel_id: int, meeting_id: int) -> HttpResponse:
    def save(user, meeting, data):
        services.meeting_cancel(actor=user, meeting=meeting, reason=data["reason"])
        return f"Meeting on {meeting.date:%-d %B %Y} cancelled"

    return _meeting_form_page(
        request, panel_id, meeting_id, MeetingCancelForm, "panel/meeting_cancel.html", save
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_move(request: HttpRequest, panel_id: int, meeting_id: int) -> HttpResponse:
    """Move a meeting; when the new date's cut-off or publication deadline has passed, the page
    says what that means and moves it only once the person confirms (sends the form again)."""
    user = request.user
    _require_panel_access(user)
    panel = selectors.get_panel(user, panel_id)
    meeting = selectors.get_meeting(user, panel, meeting_id)
    _require("panel.manage_calendar", user, panel)
    back = f"{panel_url(panel)}?year={meeting.date.year}"
    if not meeting.is_scheduled:
        messages.error(
            request, f"This meeting is {meeting.get_status_display().lower()}: it cannot be changed"
        )
        return redirect(back)
    data = request.POST.copy() if request.method == "POST" else None
    form = MeetingMoveForm(data)
    warnings = []
    if data is not None and form.is_valid():
        new_date = form.cleaned_data["new_date"]
        try:
            new = services.meeting_move(
                actor=user,
                meeting=meeting,
                new_date=new_date,
                reason=form.cleaned_data["reason"],
                late_confirmed=form.cleaned_data["confirmed_date"] == new_date.isoformat(),
            )
        except services.LateMoveNotConfirmed as late:
            # Shown with the form again; sending it unchanged confirms the move to this date.
            warnings = late.warnings
            data["confirmed_date"] = new_date.isoformat()
            form = MeetingMoveForm(data)
            form.is_valid()
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request, f"Meeting on {meeting.date:%-d %B %Y} moved to {new.date:%-d %B %Y}"
            )
            return redirect(meeting_url(new))
    context = {
        "panel": panel,
        "meeting": meeting,
        "form": form,
        "warnings": warnings,
        "nav_section": "panel",
    }
    return render(request, "panel/meeting_move.html", context)


# ---------------------------------------------------------------- intake, meeting page, pack


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Pragma"] = "no-cache"
    return response


def meeting_url(meeting) -> str:
    return reverse(
        "panel:meeting_detail", kwargs={"panel_id": meeting.panel_id, "meeting_id": meeting.pk}
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals waiting to be logged (business support and early support team leaders)."""
    user = request.user
    _require("panel.log_referral", user)
    referrals = selectors.inbox(user)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target="assessments.panelreferral",
        detail={"page": "panel_inbox", "count": len(referrals)},
    )
    recent = list(selectors.cases_for(user)[:20])
    # What other apps spotted about each referral (a repeat referral), in a fixed number of queries.
    found = notices.notices_for_many("panel_referral", user=user, records=referrals)
    return _no_store(
        render(
            request,
            "panel/inbox.html",
            {
                "referrals": referrals,
                "recent": recent,
                "found": found,
                "nav_section": "panel_inbox",
            },
        )
    )


@login_required
@require_POST
def inbox_log(request: HttpRequest, referral_id) -> HttpResponse:
    user = request.user
    _require("panel.log_referral", user)
    referral = selectors.get_inbox_referral(user, referral_id)
    try:
        case = services.panel_case_log(actor=user, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if case.meeting:
            messages.success(
                request,
                f"Logged as {case.esmap_number}: on the agenda for {case.panel.name} "
                f"on {case.meeting.date:%-d %B %Y}",
            )
        else:
            messages.success(
                request,
                f"Logged as {case.esmap_number}: not on a meeting yet. {case.placement_reason}",
            )
    return redirect("panel:inbox")


def _audit_pack_view(user, meeting, pack, page: str, sharing=None) -> None:
    """Every opening of the agenda or the pack is recorded; for the pack, one row per family
    with what consent withheld from the reader, and one per safeguarding override used to show
    the reader something the family did not agree to share."""
    cases = list(pack.cases)
    sharing = sharing or {}
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=meeting,
        detail={
            "page": page,
            "panel": meeting.panel_id,
            "published": meeting.pack_published,
            "as_member": pack.as_member,
            "cases": len(cases),
            "case_ids": [case.pk for case in cases],
        },
    )
    if page == "pack":
        for case in cases:
            shared = sharing.get(case.pk)
            detail = {"page": "panel_pack", "meeting": meeting.pk, "case": case.pk}
            if shared is not None and shared.answers:
                detail["withheld"] = [a.part for a in shared.withheld]
                detail["shown_under_override"] = [a.part for a in shared.overridden]
            audit_record(actor=user, action=Action.VIEW, target=case.referral.family, detail=detail)
            if shared is not None and shared.override is not None:
                audit_record(
                    actor=user,
                    action=Action.VIEW,
                    target=shared.override,
                    detail={
                        "page": "panel_pack",
                        "meeting": meeting.pk,
                        "case": case.pk,
                        "agency": shared.overridden[0].agency.code,
                        "parts": [a.part for a in shared.overridden],
                    },
                )


@login_required
@require_GET
def meeting_detail(request: HttpRequest, panel_id: int, meeting_id: int) -> HttpResponse:
    """A meeting: its agenda, publishing the pack, and (chair and staff) who has responded."""
    user = request.user
    meeting, pack = selectors.get_pack_meeting(user, panel_id, meeting_id)
    _audit_pack_view(user, meeting, pack, "agenda")
    show_tracker = pack.visible and not pack.as_member
    may_change = rules.has_perm("panel.manage_calendar", user, meeting.panel)
    context = {
        "can_move": may_change and services.MEETING_WORKFLOW.can_move(meeting.status, "moved"),
        "can_cancel": may_change
        and services.MEETING_WORKFLOW.can_move(meeting.status, "cancelled"),
        "panel": meeting.panel,
        "meeting": meeting,
        "pack": pack,
        "agenda": pack.agenda(),
        "tracker": selectors.response_tracker(meeting) if show_tracker else None,
        "minutes_visible": selectors.minutes_visible(pack),
        "nav_section": "panel",
        **_run_context(meeting, pack, user),
    }
    return _no_store(render(request, "panel/meeting_detail.html", context))


@login_required
@require_POST
def meeting_publish(request: HttpRequest, panel_id: int, meeting_id: int) -> HttpResponse:
    user = request.user
    meeting, _pack = selectors.get_pack_meeting(user, panel_id, meeting_id)
    _require("panel.publish_pack", user, meeting.panel)
    try:
        services.meeting_publish_pack(actor=user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The pack is published to the panel's members")
    return redirect(meeting_url(meeting))


@login_required
@require_GET
def meeting_pack(request: HttpRequest, panel_id: int, meeting_id: int) -> HttpResponse:
    """The pack: agenda and each referral, read-only. Every opening is audited."""
    from assessments.presenters import document

    user = request.user
    meeting, pack = selectors.get_pack_meeting(user, panel_id, meeting_id)
    # What each family's consent lets this reader see: asked of consent, case by case.
    cases = list(pack.cases)
    sharing = {case.pk: selectors.pack_sharing(pack, case) for case in cases}
    _audit_pack_view(user, meeting, pack, "pack", sharing)
    referrals = []
    for case in cases:
        shared = sharing[case.pk]
        referrals.append(
            {
                "case": case,
                "referral": case.referral,
                "sharing": shared,
                "show_reason": shared.shows("presenting_reason"),
                "document": document(case.referral.assessment)
                if shared.shows("assessment")
                else None,
                "responses": selectors.responses_for_case(case)
                if shared.shows("agency_responses")
                else None,
            }
        )
    context = {
        "panel": meeting.panel,
        "meeting": meeting,
        "pack": pack,
        "agenda": pack.agenda(),
        "referrals": referrals,
        "viewer_name": user.get_full_name() or user.get_username(),
        "viewed_at": clock.local(clock.now()),
        "nav_section": "panel",
    }
    return _no_store(render(request, "panel/meeting_pack.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def case_response(
    request: HttpRequest, panel_id: int, meeting_id: int, case_id: int
) -> HttpResponse:
    """A member records what their agency knows about one case's family."""
    user = request.user
    meeting, _pack = selectors.get_pack_meeting(user, panel_id, meeting_id)
    case, pack = selectors.get_case_for_member(user, meeting, case_id)
    seat = pack.seats[0]
    _require("panel.respond_for_agency", user, seat)
    existing = case.responses.filter(seat=seat).first()
    initial = {"version": existing.version if existing else 0}
    if existing:
        initial.update(known="yes" if existing.known else "no", information=existing.information)
    form = AgencyResponseForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_response_record(
                actor=user,
                case=case,
                seat=seat,
                known=form.cleaned_data["known"] == "yes",
                information=form.cleaned_data["information"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Your agency's response on {case.esmap_number} is saved")
            return redirect(meeting_url(meeting))
    context = {
        "panel": meeting.panel,
        "meeting": meeting,
        "case": case,
        "seat": seat,
        "existing": existing,
        "form": form,
        "nav_section": "panel",
    }
    return _no_store(render(request, "panel/case_response.html", context))


# ---------------------------------------------------------------- running the meeting and after


def _run_context(meeting, pack, user) -> dict:
    """The "Run the meeting" area for the chair, deputy and business support (else empty)."""
    if not rules.has_perm("panel.run_meeting", user, meeting.panel) or not pack.visible:
        return {"can_run": False}
    return {
        "can_run": True,
        "quorum": selectors.meeting_quorum(meeting),
        "attendees": selectors.attendees(meeting),
        "observers": selectors.observers_present(meeting),
        "to_decide": list(selectors.cases_for_meeting(meeting, ("logged",))),
        "decided": selectors.decided_at_meeting(meeting),
        "closures": list(selectors.closures_for_meeting(meeting)),
        "is_meeting_chair": rules.has_perm("panel.decide_closure", user, meeting.panel),
        "started": clock.today() >= meeting.date,
    }


def _meeting_for_runner(request, panel_id: int, meeting_id: int):
    user = request.user
    meeting, pack = selectors.get_pack_meeting(user, panel_id, meeting_id)
    _require("panel.run_meeting", user, meeting.panel)
    return meeting, pack


def _service_error_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, panel_id: int, meeting_id: int) -> HttpResponse:
    """Mark someone as arrived or left (chair, deputy, business support)."""
    from panel.models import MeetingAttendance

    user = request.user
    meeting, _pack = _meeting_for_runner(request, panel_id, meeting_id)
    person = selectors.staff_member(request.POST.get("user_id", ""))
    if person is None:
        raise Http404("No such person")
    change = request.POST.get("change")
    try:
        if change == "arrived":
            role = request.POST.get("role", "")
            if role not in MeetingAttendance.Role.values:
                raise ValidationError("Choose how they attend")
            seat = None
            if request.POST.get("seat_id"):
                seat = selectors.panel_seat(meeting.panel, request.POST.get("seat_id"))
            services.attendance_record_arrival(
                actor=user, meeting=meeting, user=person, role=role, seat=seat
            )
            messages.success(request, f"{person.get_full_name() or person} is here")
        elif change == "left":
            services.attendance_record_departure(actor=user, meeting=meeting, user=person)
            messages.success(request, f"{person.get_full_name() or person} has left")
        else:
            raise ValidationError("Choose arrived or left")
    except ValidationError as error:
        messages.error(request, _service_error_message(error))
    return redirect(meeting_url(meeting) + "#run-the-meeting")


def _decision_kwargs(data) -> dict:
    return {
        "kind": data["kind"],
        "lead_agency": data.get("lead_agency"),
        "supporting_agencies": list(data.get("supporting_agencies") or []),
        "signpost_to": data.get("signpost_to", ""),
        "handover": data.get("handover", ""),
        "reason": data.get("reason", ""),
        "discussion": data.get("discussion", ""),
        "actions": data.get("actions", ""),
        "signpost_service": data.get("signpost_service"),
        "handover_to": data.get("handover_to", ""),
        "handover_on": data.get("handover_on"),
        "agreed_with_family": data.get("agreed_with_family") == "yes",
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_decision(
    request: HttpRequest, panel_id: int, meeting_id: int, case_id: int
) -> HttpResponse:
    """Record the panel's decision on a case (refused, with the reason, while inquorate)."""
    from panel.forms import DecisionForm

    user = request.user
    meeting, pack = _meeting_for_runner(request, panel_id, meeting_id)
    try:
        case = selectors.cases_for_meeting(meeting).get(pk=case_id)
    except Exception as error:
        raise Http404("No such case") from error
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        can_refer=rules.has_perm("offer.refer_for_panel", user),
    )
    quorum = selectors.meeting_quorum(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.panel_decision_record(
                actor=user, meeting=meeting, case=case, **_decision_kwargs(form.cleaned_data)
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request, f"{case.esmap_number}: {decision.outcome}. The referrer has been told."
            )
            return redirect(meeting_url(meeting) + "#run-the-meeting")
    context = {
        "panel": meeting.panel,
        "meeting": meeting,
        "case": case,
        "form": form,
        "quorum": quorum,
        "nav_section": "panel",
    }
    return _no_store(render(request, "panel/case_decision.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def closure_decide(
    request: HttpRequest, panel_id: int, meeting_id: int, closure_id: int
) -> HttpResponse:
    """The panel confirms a case closure, or returns it with a reason (chair or deputy)."""
    from panel.models import ClosureRequest

    user = request.user
    meeting, _pack = selectors.get_pack_meeting(user, panel_id, meeting_id)
    _require("panel.run_meeting", user, meeting.panel)
    try:
        closure = selectors.closures_for_meeting(meeting).get(pk=closure_id)
    except ClosureRequest.DoesNotExist as error:
        raise Http404("No such closure") from error
    errors, reason = [], ""
    if request.method == "POST":
        _require("panel.decide_closure", user, meeting.panel)
        reason = request.POST.get("reason", "")
        try:
            if request.POST.get("change") == "confirm":
                services.closure_confirm(actor=user, closure=closure)
                messages.success(request, f"{closure.case.esmap_number} is closed")
            elif request.POST.get("change") == "return":
                services.closure_return(actor=user, closure=closure, reason=reason)
                messages.success(
                    request, f"{closure.case.esmap_number} is returned to the lead professional"
                )
            else:
                raise ValidationError("Choose to confirm or return the closure")
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect(meeting_url(meeting) + "#run-the-meeting")
    context = {
        "panel": meeting.panel,
        "meeting": meeting,
        "closure": closure,
        "errors": errors,
        "reason": reason,
        "quorum": selectors.meeting_quorum(meeting),
        "is_meeting_chair": rules.has_perm("panel.decide_closure", user, meeting.panel),
        "nav_section": "panel",
    }
    return _no_store(render(request, "panel/closure_decide.html", context))


@login_required
@require_GET
def meeting_minutes(request: HttpRequest, panel_id: int, meeting_id: int) -> HttpResponse:
    """The minutes, generated from the meeting's record; seen by the same people as the pack."""
    user = request.user
    meeting, pack = selectors.get_pack_meeting(user, panel_id, meeting_id)
    if not selectors.minutes_visible(pack):
        raise Http404("No minutes yet")
    minutes = selectors.minutes_for(meeting)
    audit_record(
        actor=user,
        action=Action.VIEW,
        target=meeting,
        detail={
            "page": "minutes",
            "panel": meeting.panel_id,
            "as_member": pack.as_member,
            "case_ids": [d.case_id for d in minutes.decisions],
        },
    )
    context = {
        "panel": meeting.panel,
        "meeting": meeting,
        "minutes": minutes,
        "pack": pack,
        "nav_section": "panel",
    }
    return _no_store(render(request, "panel/meeting_minutes.html", context))


def case_url(name: str, case) -> str:
    return reverse(f"panel:{name}", kwargs={"case_id": case.pk})


@login_required
@require_GET
def case_overview(request: HttpRequest, case_id: int) -> HttpResponse:
    """The panel's decision on a case, for the panel, business support and the agencies involved."""
    user = request.user
    case, roles = selectors.get_case_after(user, case_id)
    audit_record(
        actor=user, action=Action.VIEW, target=case, detail={"page": "panel_case_overview"}
    )
    decision = getattr(case, "decision", None)
    context = {
        "case": case,
        "roles": roles,
        "decision": decision,
        "handover_referrals": _handover_referrals(user, case, decision),
        "lead_professional": selectors.current_lead_professional(case),
        "closures": list(case.closures.order_by("-requested_at")),
        "episode_link": selectors.open_episode_link(case),
        "nav_section": "panel",
    }
    return _no_store(render(request, "panel/case_overview.html", context))


def _handover_referrals(user, case, decision) -> list:
    """The offer app's referrals a signpost or single-agency decision made to a directory
    service (the handover and whether the family took it up), those the reader may see."""
    if decision is None or decision.kind not in (
        PanelDecision.Kind.SIGNPOST,
        PanelDecision.Kind.SINGLE_AGENCY,
    ):
        return []
    referrals = list(offer_selectors.referrals_for_source(user, "panel_case", str(case.pk)))
    positions = offer_selectors.waiting_positions(referrals)
    for referral in referrals:
        referral.waiting_position = positions.get(referral.pk)
    return referrals


@login_required
@require_http_methods(["GET", "POST"])
def case_allocate(request: HttpRequest, case_id: int) -> HttpResponse:
    """The lead agency names the case's lead professional."""
    from panel.forms import AllocateForm

    user = request.user
    case, _roles = selectors.get_case_after(user, case_id)
    _require("panel.allocate", user, case)
    choices = selectors.lead_professional_choices(case.decision.lead_agency).select_related("team")
    form = AllocateForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_professional_allocate(
                actor=user, case=case, lead_professional=form.cleaned_data["lead_professional"]
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, f"Lead professional allocated for {case.esmap_number}")
            return redirect(case_url("case_overview", case))
    context = {"case": case, "form": form, "nav_section": "panel"}
    return _no_store(render(request, "panel/case_allocate.html", context))


@login_required
@require_GET
def case_closure(request: HttpRequest, case_id: int) -> HttpResponse:
    """Where the panel's messages send the lead professional to close the case: the closure form
    is the family's episode's, the one closure route (ADR 0016), so this is a way there."""
    user = request.user
    case, _roles = selectors.get_case_after(user, case_id)
    _require("panel.request_closure", user, case)
    link = selectors.open_episode_link(case)
    if link is None:
        raise Http404("No open episode")
    return redirect(link.url)


@login_required
@require_http_methods(["GET", "POST"])
def case_extraordinary(request: HttpRequest, case_id: int) -> HttpResponse:
    """The chair's extraordinary decision between meetings."""
    from panel.forms import DecisionForm

    user = request.user
    case, _roles = selectors.get_case_after(user, case_id)
    _require("panel.decide_between_meetings", user, case.panel)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        submit_label="Record the extraordinary decision",
        can_refer=rules.has_perm("offer.refer_for_panel", user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.panel_extraordinary_decision_record(
                actor=user, case=case, **_decision_kwargs(form.cleaned_data)
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            where = (
                f"It will be reported at the meeting on {decision.reported_at_meeting.date:%-d %B %Y}"
                if decision.reported_at_meeting
                else "It will be reported at the next meeting"
            )
            messages.success(request, f"{case.esmap_number}: {decision.outcome}. {where}.")
            return redirect(case_url("case_overview", case))
    context = {"case": case, "form": form, "nav_section": "panel"}
    return _no_store(render(request, "panel/case_extraordinary.html", context))


# ---------------------------------------------------------------- part 8: the data recording sheet


def _recording_sheet_filters(request: HttpRequest):
    """The panel and year chosen in the query string (``?panel=<id>&year=<yyyy>``).

    404 for an unknown panel; a year out of range means every year.
    """
    user = request.user
    if not rules.has_perm("panel.download_recording_sheet", user):
        raise Http404("No such page")
    panel = None
    panel_id = request.GET.get("panel") or ""
    if panel_id:
        if not panel_id.isdigit():
            raise Http404("No such panel")
        panel = selectors.panels_for(user).filter(pk=int(panel_id)).first()
        if panel is None:
            raise Http404("No such panel")
    year = _year(request.GET.get("year"), 0) or None
    return panel, year


def _recording_sheet_download(request: HttpRequest, fmt: str) -> HttpResponse:
    from panel import recording_sheet

    panel, year = _recording_sheet_filters(request)
    rows = recording_sheet.rows(panel=panel, year=year)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        target="panel.panelcase",
        detail={
            "format": fmt,
            "rows": len(rows),
            "panel": panel.pk if panel else None,
            "year": year,
        },
    )
    if fmt == "xlsx":
        content = recording_sheet.as_xlsx(rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = recording_sheet.as_csv(rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{recording_sheet_filename(fmt, panel, year)}"'
    )
    return response


def recording_sheet_filename(fmt: str, panel=None, year: int | None = None) -> str:
    """``data-recording-sheet-<year>.<fmt>`` (``all-years`` when no year is chosen)."""
    return f"data-recording-sheet-{year or 'all-years'}.{fmt}"


@login_required
@require_GET
def recording_sheet(request: HttpRequest) -> HttpResponse:
    from urllib.parse import urlencode

    panel, year = _recording_sheet_filters(request)
    chosen = (("panel", panel.pk if panel else ""), ("year", year or ""))
    query = urlencode({key: value for key, value in chosen if value})
    this_year = clock.today().year
    context = {
        "panels": selectors.panels_for(request.user).order_by("name"),
        "selected_panel": panel,
        "selected_year": year,
        "years": list(range(this_year + 1, max(MIN_YEAR, this_year - 10) - 1, -1)),
        "query": f"?{query}" if query else "",
        "nav_section": "panel",
    }
    return render(request, "panel/recording_sheet.html", context)


@login_required
@require_GET
def recording_sheet_xlsx(request: HttpRequest) -> HttpResponse:
    return _recording_sheet_download(request, "xlsx")


@login_required
@require_GET
def recording_sheet_csv(request: HttpRequest) -> HttpResponse:
    return _recording_sheet_download(request, "csv")
