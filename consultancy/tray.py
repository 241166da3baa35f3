"""Casework consultancy's part of the work tray (``core.worktray``).

* Consultants and early support team leaders: requests waiting for a consultant, and requests
  assigned but not answered yet (a consultant's own; every one for a team leader).
* Whoever asked: their requests that have been answered (accepted, or declined or completed in
  the last four weeks), for information.

One query counts all three for anyone who could have any (practitioners, lead professionals and
team leaders); a list is read only for a section with something in it. Items say the kind and the
agency, never a family or what was asked.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.dateformat import format as format_date

from accounts.models import Role
from consultancy import selectors
from consultancy.models import ConsultancyRequest
from core import clock
from core.worktray import TrayItem, TraySection, first


def _url(item) -> str:
    return reverse("consultancy:detail", kwargs={"request_id": item.pk})


def _asked(item) -> str:
    return f"Asked {format_date(item.requested_on, 'j F Y')}"


def tray(user) -> list[TraySection]:
    leader = user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER)
    requester = user.has_role(*selectors.CONSULTANT_ROLES)
    if not (leader or requester):
        return []
    today = clock.today()
    counts = selectors.tray_counts(user, leader=leader, requester=requester, today=today)
    sections = []
    more = reverse("consultancy:index")
    if counts.waiting:
        count, items = first(selectors.tray_waiting())
        sections.append(
            TraySection(
                key="consultancy_waiting",
                title="Consultancy requests waiting for a consultant",
                count=count,
                items=[
                    TrayItem(
                        text=f"{i.get_kind_display()} for {i.requester_agency.name}",
                        url=_url(i),
                        hint=_asked(i),
                    )
                    for i in items
                ],
                more_url=more,
                more_text="See casework consultancy",
            )
        )
    if counts.to_answer:
        count, items = first(selectors.tray_to_answer(user, leader=leader))
        sections.append(
            TraySection(
                key="consultancy_to_answer",
                title="Consultancy requests to answer",
                count=count,
                items=[
                    TrayItem(
                        text=f"{i.get_kind_display()} for {i.requester_agency.name}",
                        url=_url(i),
                        hint=_asked(i)
                        + (
                            f", assigned to {i.consultant.get_full_name() or i.consultant.username}"
                            if leader
                            else ""
                        ),
                    )
                    for i in items
                ],
                more_url=more,
                more_text="See casework consultancy",
            )
        )
    if counts.answered:
        count, items = first(selectors.tray_answered(user, today))
        sections.append(
            TraySection(
                key="consultancy_answered",
                title="Your consultancy requests answered",
                count=count,
                items=[
                    TrayItem(
                        text=f"{i.get_kind_display()}: {i.get_status_display().lower()}",
                        url=_url(i),
                        hint=(
                            f"Completed {format_date(i.completed_on, 'j F Y')}"
                            if i.status == ConsultancyRequest.Status.COMPLETED
                            else f"Answered {format_date(i.first_response_on, 'j F Y')}"
                        ),
                    )
                    for i in items
                ],
                more_url=more,
                more_text="See your requests",
                informational=True,
            )
        )
    return sections
