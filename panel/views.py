"""Panel pages: the panels, a panel's seats and year of meetings, the calendar downloads,
and cancelling or moving a meeting.

Calendars hold no personal data, so any signed-in member of staff with a role may see
them and download them (downloads are audited as exports). Cancelling or moving a
meeting is for business support, early support team leaders and the panel's chair or
deputy (``selectors.can_manage_meetings``); anyone else gets 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import Action, audit_record
from panel import exports, selectors, services
from panel.calendar import LONDON
from panel.forms import MeetingCancelForm, MeetingMoveForm

MIN_YEAR = 2000
MAX_YEAR = 2100


def _require_panel_access(user) -> None:
    if not selectors.can_see_panels(user):
        raise PermissionDenied


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def panel_list(request: HttpRequest) -> HttpResponse:
    _require_panel_access(request.user)
    panels = selectors.panels_for(request.user).filter(active=True)
    return render(request, "panel/panel_list.html", {"panels": panels, "nav_section": "panel"})


@login_required
@require_GET
def panel_detail(request: HttpRequest, panel_id: int) -> HttpResponse:
    user = request.user
    _require_panel_access(user)
    panel = selectors.get_panel(user, panel_id)
    this_year = timezone.localdate(timezone=LONDON).year
    year = _year(request.GET.get("year"), this_year)
    meetings = selectors.year_meetings(user, panel, year)
    context = {
        "panel": panel,
        "year": year,
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "meetings": meetings,
        "unscheduled": sum(1 for m in meetings if m.pk is None),
        "can_manage": selectors.can_manage_meetings(user, panel),
        "nav_section": "panel",
    }
    return render(request, "panel/panel_detail.html", context)


@login_required
@require_POST
def panel_schedule(request: HttpRequest, panel_id: int, year: int) -> HttpResponse:
    user = request.user
    _require_panel_access(user)
    panel = selectors.get_panel(user, panel_id)
    if not selectors.can_manage_meetings(user, panel):
        raise PermissionDenied
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
    if not selectors.can_manage_meetings(user, panel):
        raise PermissionDenied
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
    def save(user, meeting, data):
        new = services.meeting_move(
            actor=user, meeting=meeting, new_date=data["new_date"], reason=data["reason"]
        )
        return f"Meeting on {meeting.date:%-d %B %Y} moved to {new.date:%-d %B %Y}"

    return _meeting_form_page(
        request, panel_id, meeting_id, MeetingMoveForm, "panel/meeting_move.html", save
    )
