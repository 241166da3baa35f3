"""The panel's part of the work tray (``core.worktray``): what the panel is waiting on each person
for, each item linking to the page where it is done.

Items name a reference (a family's reference, an ESMAP number, a panel), a date and where it
stands; never a child's name or anything from the referral. Nothing here writes an audit row: a
list of references is not a read of a family's record.
"""

from __future__ import annotations

import rules
from django.urls import reverse

from core import clock
from core.worktray import TrayItem, TraySection, first
from panel import selectors


def _day(value) -> str:
    return f"{value:%-d %B %Y}"


def tray(user) -> list[TraySection]:
    if not rules.has_perm("panel.view_panels", user):
        return []
    sections = [_referrals_to_log(user)]
    seats = selectors.answering_seats(user)
    sections += [
        _packs_to_read(user, seats),
        _responses_owed(user, seats),
        _cases_to_allocate(user),
        _closures_to_decide(user),
        _reports(user),
    ]
    return [section for section in sections if section is not None]


def _referrals_to_log(user) -> TraySection | None:
    if not rules.has_perm("panel.log_referral", user):
        return None
    count, referrals = first(selectors.inbox_referrals(user))
    inbox = reverse("panel:inbox")
    # Referrals are logged from the inbox, a row each: it is the page where the work is done.
    items = [
        TrayItem(
            text=referral.family.reference,
            url=inbox,
            hint=f"Received {_day(clock.local(referral.submitted_at))}",
        )
        for referral in referrals
    ]
    return TraySection(
        key="referrals_to_log",
        title="Referrals to log",
        count=count,
        items=items,
        more_url=inbox,
    )


def _packs_to_read(user, seats) -> TraySection:
    count, meetings = first(selectors.packs_to_read(user, seats))
    items = []
    for meeting in meetings:
        seat = seats.get(meeting.panel_id)
        if seat is None:
            hint = f"Published {_day(clock.local(meeting.pack_published_at))}"
        elif meeting.responses_owed:
            owed = meeting.responses_owed
            hint = f"{owed} response{'' if owed == 1 else 's'} still owed from {seat.agency_name}"
        else:
            hint = f"Every response from {seat.agency_name} is in"
        items.append(
            TrayItem(
                text=f"{meeting.panel.name}, {_day(meeting.date)}",
                url=reverse(
                    "panel:meeting_pack",
                    kwargs={"panel_id": meeting.panel_id, "meeting_id": meeting.pk},
                ),
                hint=hint,
                due=meeting.date,
            )
        )
    return TraySection(key="packs_to_read", title="Panel packs to read", count=count, items=items)


def _responses_owed(user, seats) -> TraySection:
    count, cases = first(selectors.responses_owed(user, seats))
    items = [
        TrayItem(
            text=case.esmap_number,
            url=reverse(
                "panel:case_response",
                kwargs={
                    "panel_id": case.meeting.panel_id,
                    "meeting_id": case.meeting_id,
                    "case_id": case.pk,
                },
            ),
            hint=f"Due {_day(case.meeting.date)}, {case.meeting.panel.name}",
            due=case.meeting.date,
        )
        for case in cases
    ]
    return TraySection(
        key="responses_owed", title="Agency responses still owed", count=count, items=items
    )


def _cases_to_allocate(user) -> TraySection:
    count, cases = first(selectors.cases_to_allocate(user))
    items = [
        TrayItem(
            text=case.esmap_number,
            url=reverse("panel:case_allocate", kwargs={"case_id": case.pk}),
            hint=f"Lead agency decided {_day(clock.local(case.decision.decided_at))}",
        )
        for case in cases
    ]
    return TraySection(key="cases_to_allocate", title="Cases to allocate", count=count, items=items)


def _closures_to_decide(user) -> TraySection:
    count, closures = first(selectors.closures_to_decide(user))
    today = clock.today()
    items = []
    for closure in closures:
        case = closure.case
        meeting = case.meeting
        sent = f"Sent {_day(clock.local(closure.requested_at))}"
        if meeting is None:
            # Not on a meeting yet (none scheduled): the case's page says where it stands.
            url = reverse("panel:case_overview", kwargs={"case_id": case.pk})
            items.append(TrayItem(text=case.esmap_number, url=url, hint=f"{sent}, no meeting yet"))
            continue
        url = reverse(
            "panel:closure_decide",
            kwargs={"panel_id": case.panel_id, "meeting_id": meeting.pk, "closure_id": closure.pk},
        )
        items.append(
            TrayItem(
                text=case.esmap_number,
                url=url,
                hint=f"{sent}, for the meeting on {_day(meeting.date)}",
                due=meeting.date,
                overdue=meeting.date < today,
            )
        )
    return TraySection(
        key="closures_to_decide",
        title="Closures waiting for the panel",
        count=count,
        items=items,
    )


def _reports(user) -> TraySection | None:
    """The partnership's reports the panel keeps, for the strategic lead (SPEC §1: performance
    reports): each panel's data recording sheet. Something to open rather than work waiting, so it
    is shown apart and not counted. Intake staff, who may also download the sheet, reach it from
    the panel pages they work in every day."""
    if not rules.has_perm("panel.download_recording_sheet", user) or selectors.is_intake_staff(
        user
    ):
        return None
    count, panels = first(selectors.panels_listed(user).order_by("name", "pk"))
    if not count:
        return None
    sheet = reverse("panel:recording_sheet")
    hint = (
        "Each referral logged: its dates, decision, lead agency and the days from referral to "
        "decision and to allocation, to download as a spreadsheet"
    )
    # Every panel's sheet at once, then each panel's own.
    items = [TrayItem(text="Data recording sheet: every panel", url=sheet, hint=hint)]
    items += [
        TrayItem(text=f"Data recording sheet: {panel.name}", url=f"{sheet}?panel={panel.pk}")
        for panel in panels
    ]
    return TraySection(
        key="reports",
        title="Reports you can open",
        count=count + 1,
        items=items,
        more_url=sheet,
        more_text="Choose a panel and a year on the data recording sheet",
        informational=True,
    )


# ---------------------------------------------------------------- the messages the panel sent
#
# Core's tray lists the messages sent to a person; these say where one about a panel decision or
# a closure links (a path on this site; each page applies its own scope).


def decision_message_links(messages) -> dict[int, str]:
    found = selectors.decisions_for_messages(message.record_id for message in messages)
    links = {}
    for message in messages:
        record = found.get(int(message.record_id)) if message.record_id.isdigit() else None
        if record is None:
            continue
        case_id, assessment_id = record
        if message.template == "panel_outcome":
            # The referrer reads the assessment the panel decided on.
            links[message.pk] = reverse(
                "assessments:detail", kwargs={"assessment_id": assessment_id}
            )
        else:
            links[message.pk] = reverse("panel:case_overview", kwargs={"case_id": case_id})
    return links


def closure_message_links(messages) -> dict[int, str]:
    # The case's page: it says where the case stands and leads on to the closure form.
    found = selectors.closures_for_messages(message.record_id for message in messages)
    links = {}
    for message in messages:
        case_id = found.get(int(message.record_id)) if message.record_id.isdigit() else None
        if case_id is not None:
            links[message.pk] = reverse("panel:case_overview", kwargs={"case_id": case_id})
    return links


def meeting_message_links(messages) -> dict[int, str]:
    # "The pack is ready": the meeting's pack (its own page checks the reader is a member).
    found = selectors.meetings_for_messages(message.record_id for message in messages)
    links = {}
    for message in messages:
        panel_id = found.get(int(message.record_id)) if message.record_id.isdigit() else None
        if panel_id is not None:
            links[message.pk] = reverse(
                "panel:meeting_pack",
                kwargs={"panel_id": panel_id, "meeting_id": int(message.record_id)},
            )
    return links
