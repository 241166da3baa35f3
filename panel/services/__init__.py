"""Writes for the panel: keyword-only, transactional, audited, each checking its permission
(``panel.rules``). Split by sub-domain; the names below are the package's public face, so
``from panel import services`` then ``services.meeting_cancel(...)`` works wherever it is called.

- ``membership``: panels, seats, members, the chair and deputy;
- ``meetings``: the calendar, cancelling and moving a meeting, carrying its cases forward;
- ``intake``: logging a referral (ESMAP number and meeting), withdrawing it;
- ``responses``: publishing the pack, the agencies' responses;
- ``running``: attendance, quorum and the panel's decisions;
- ``allocation``, ``lifecycle`` (step up and down) and ``closure``: after the decision;
- ``notifications``: the emails those send;
- ``workflows``: the status tables every status change goes through.

Reads are in ``panel.selectors``; who may do what in ``panel.rules``.
"""

# Reads other apps reached through the services before they moved to the selectors.
from panel.selectors import (
    LEAD_PROFESSIONAL_ROLES,
    current_lead_professional,
    next_meeting_after,
)
from panel.services.allocation import lead_professional_allocate, lead_professional_handover
from panel.services.closure import closure_confirm, closure_request_submit, closure_return
from panel.services.common import MAX_INFORMATION, MAX_REASON, MAX_TEXT
from panel.services.intake import panel_case_log, panel_case_withdraw
from panel.services.lifecycle import panel_case_step_down, panel_case_step_up
from panel.services.meetings import (
    NO_LATER_MEETING,
    OPEN_STATUSES,
    LateMoveNotConfirmed,
    meeting_cancel,
    meeting_carry_forward_cases,
    meeting_move,
    panel_schedule_year,
)
from panel.services.membership import (
    panel_change,
    panel_create,
    panel_seat_add,
    panel_seat_member_add,
    panel_seat_member_move,
    panel_seat_member_remove,
    panel_seat_remove,
    panel_set_chair_and_deputy,
)
from panel.services.responses import agency_response_record, meeting_publish_pack
from panel.services.running import (
    Inquorate,
    attendance_record_arrival,
    attendance_record_departure,
    panel_decision_record,
    panel_extraordinary_decision_record,
)
from panel.services.workflows import CASE_WORKFLOW, CLOSURE_WORKFLOW, MEETING_WORKFLOW

__all__ = [
    "CASE_WORKFLOW",
    "CLOSURE_WORKFLOW",
    "LEAD_PROFESSIONAL_ROLES",
    "MAX_INFORMATION",
    "MAX_REASON",
    "MAX_TEXT",
    "MEETING_WORKFLOW",
    "NO_LATER_MEETING",
    "OPEN_STATUSES",
    "Inquorate",
    "agency_response_record",
    "attendance_record_arrival",
    "attendance_record_departure",
    "closure_confirm",
    "closure_request_submit",
    "closure_return",
    "current_lead_professional",
    "lead_professional_allocate",
    "lead_professional_handover",
    "meeting_cancel",
    "meeting_carry_forward_cases",
    "LateMoveNotConfirmed",
    "meeting_move",
    "meeting_publish_pack",
    "next_meeting_after",
    "panel_case_log",
    "panel_case_step_down",
    "panel_case_step_up",
    "panel_case_withdraw",
    "panel_change",
    "panel_create",
    "panel_decision_record",
    "panel_extraordinary_decision_record",
    "panel_schedule_year",
    "panel_seat_add",
    "panel_seat_member_add",
    "panel_seat_member_move",
    "panel_seat_member_remove",
    "panel_seat_remove",
    "panel_set_chair_and_deputy",
]
