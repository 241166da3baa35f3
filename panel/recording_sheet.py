"""Part 8: the data recording sheet, one row per logged referral, as XLSX and CSV.

It replaces the Excel sheet councils keep by hand. The file leaves the system, so it holds
no personal data: no names of children, family members or staff. It has the ESMAP number,
the family's reference (non-identifying by design), the area, dates, the decision and the
agencies' names (an agency's name is not personal data).

The rows come from a fixed number of queries whatever the number of cases.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from core import clock, spreadsheets
from core.spreadsheets import Column
from panel.models import ClosureRequest, LeadProfessionalAllocation, PanelCase

SHEET_TITLE = "Data recording sheet"

CONSENT_BASIS = {"consent": "Consent", "override": "Override"}


COLUMNS = [
    Column("esmap_number", "ESMAP number", 16),
    Column("panel", "Panel", 34),
    Column("family_reference", "Family reference", 16),
    Column("area", "Area", 18),
    Column("referred_on", "Date referred", 14, True),
    Column("logged_on", "Date logged", 14, True),
    Column("meeting_on", "Meeting date", 14, True),
    Column("referrer_agency", "Referrer's agency", 28),
    Column("referrer_continues", "Referrer continues working", 14),
    Column("consent_basis", "Consent basis", 14),
    Column("decision", "Decision", 40),
    Column("decided_on", "Decision date", 14, True),
    Column("extraordinary", "Extraordinary decision", 14),
    Column("lead_agency", "Lead agency", 28),
    Column("supporting_agencies", "Supporting agencies", 40),
    Column("allocated_on", "Lead professional allocated on", 16, True),
    Column("days_to_decision", "Days from referral to decision", 14),
    Column("days_to_allocation", "Days from referral to allocation", 14),
    Column("status", "Status", 28),
    Column("closed_on", "Closed on", 14, True),
    Column("closure_meeting_on", "Closure decided at meeting", 16, True),
]
HEADERS = spreadsheets.headers(COLUMNS)


def _london_date(moment: datetime | None) -> date | None:
    return clock.local(moment).date() if moment else None


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _days(start: date | None, end: date | None) -> int | None:
    return (end - start).days if start and end else None


def cases(*, panel=None, year: int | None = None) -> QuerySet[PanelCase]:
    """Every logged case (optionally one panel's, one logging year's), in ESMAP number order."""
    queryset = (
        PanelCase.objects.select_related(
            "panel",
            "meeting",
            "decision__meeting",
            "referral__family__area",
            "referral__submitted_by__agency",
            "decision__lead_agency",
        )
        .prefetch_related(
            "decision__supporting_agencies",
            Prefetch(
                "allocations",
                queryset=LeadProfessionalAllocation.objects.order_by("allocated_at", "id"),
                to_attr="sheet_allocations",
            ),
            Prefetch(
                "closures",
                queryset=ClosureRequest.objects.filter(status=ClosureRequest.Status.CONFIRMED)
                .select_related("decided_at_meeting")
                .order_by("decided_at", "id"),
                to_attr="sheet_closures",
            ),
        )
        .order_by("year", "sequence")
    )
    if panel is not None:
        queryset = queryset.filter(panel=panel)
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset


def _decision(case: PanelCase):
    try:
        return case.decision
    except ObjectDoesNotExist:
        return None


def _meeting_on(case: PanelCase, decision) -> date | None:
    """The date of the meeting that decided the case: the decision's meeting, never the meeting
    the case is listed on now (after the decision a case is listed again for its allocation
    report and its closure). An extraordinary decision was made between meetings: no date. A case
    not decided yet: the meeting whose agenda it is on, if any."""
    if decision is not None:
        return decision.meeting.date if decision.meeting_id else None
    return case.meeting.date if case.meeting_id else None


def row_for(case: PanelCase) -> dict:
    referral = case.referral
    family = referral.family
    agency = referral.submitted_by.agency
    decision = _decision(case)
    referred_on = _london_date(referral.submitted_at)
    decided_on = _london_date(decision.decided_at) if decision else None
    allocation = case.sheet_allocations[0] if case.sheet_allocations else None
    allocated_on = _london_date(allocation.allocated_at) if allocation else None
    closed_on = closure_meeting_on = None
    if case.sheet_closures:
        closure = case.sheet_closures[-1]
        closed_on = _london_date(closure.decided_at)
        # The meeting that confirmed the closure, not the one it was first listed on.
        if closure.decided_at_meeting_id:
            closure_meeting_on = closure.decided_at_meeting.date
    elif case.status == PanelCase.Status.CLOSED and decision is not None:
        closed_on = decided_on  # signpost, single agency, step up and decline close at the decision
    return {
        "esmap_number": case.esmap_number,
        "panel": case.panel.name,
        "family_reference": family.reference,
        "area": family.area.name if family.area_id else "",
        "referred_on": referred_on,
        "logged_on": _london_date(case.logged_at),
        "meeting_on": _meeting_on(case, decision),
        "referrer_agency": agency.name if agency else "",
        "referrer_continues": _yes_no(referral.referrer_continues),
        "consent_basis": CONSENT_BASIS.get(referral.consent_basis, referral.consent_basis),
        "decision": decision.get_kind_display() if decision else "",
        "decided_on": decided_on,
        "extraordinary": _yes_no(decision.is_extraordinary) if decision else "",
        "lead_agency": decision.lead_agency.name if decision and decision.lead_agency_id else "",
        "supporting_agencies": "; ".join(sorted(a.name for a in decision.supporting_agencies.all()))
        if decision
        else "",
        "allocated_on": allocated_on,
        "days_to_decision": _days(referred_on, decided_on),
        "days_to_allocation": _days(referred_on, allocated_on),
        "status": case.get_status_display(),
        "closed_on": closed_on,
        "closure_meeting_on": closure_meeting_on,
    }


def rows(*, panel=None, year: int | None = None) -> list[dict]:
    """One dict per case, keyed by ``Column.key``.

    Dates are ``date``, day counts ``int``; blanks are ``None`` (or "" for text).
    """
    return [row_for(case) for case in cases(panel=panel, year=year)]


def as_csv(sheet_rows: list[dict]) -> bytes:
    return spreadsheets.as_csv(COLUMNS, sheet_rows)


def as_xlsx(sheet_rows: list[dict]) -> bytes:
    return spreadsheets.as_xlsx(COLUMNS, sheet_rows, title=SHEET_TITLE)
