"""Who may do what with the panel (django-rules; loaded by rules' autodiscovery).

The services ask these before writing, and the pages and API ask the same permission earlier,
before a form or body is read, so a role that may not is refused (403) whatever it sent. The scope
questions they are built from (intake staff, the chair, a seat's member, the lead professional)
are in ``panel.selectors``, which the reads start from too.
"""

import rules

from accounts.models import Role
from panel import selectors
from panel.models import PanelDecision


@rules.predicate
def sees_panels(user) -> bool:
    """Any active member of staff with a role: calendars and seats hold no family's data."""
    return selectors.can_see_panels(user)


@rules.predicate
def is_intake_staff(user) -> bool:
    """Business support and early support team leaders."""
    return selectors.is_intake_staff(user)


@rules.predicate
def is_business_support(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(Role.BUSINESS_SUPPORT))


@rules.predicate
def is_strategic_lead(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(Role.STRATEGIC_LEAD))


@rules.predicate
def is_system_administrator(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_role(Role.SYSTEM_ADMINISTRATOR)
    )


@rules.predicate
def chairs_panel(user, panel) -> bool:
    """The panel's chair or designated deputy."""
    return panel is not None and selectors.is_chair(user, panel)


@rules.predicate
def sits_in_seat(user, seat) -> bool:
    """A member or substitute of the seat, who answers for its agency."""
    return seat is not None and selectors.is_seat_member(user, seat)


@rules.predicate
def made_the_referral(user, case) -> bool:
    return bool(
        case is not None
        and user.is_authenticated
        and user.is_active
        and user.pk == case.referral.submitted_by_id
    )


@rules.predicate
def is_of_the_lead_agency(user, case) -> bool:
    """Someone of the agency the panel named to lead the case."""
    decision = getattr(case, "decision", None) if case is not None else None
    return bool(
        decision is not None
        and decision.kind == PanelDecision.Kind.LEAD_AGENCY
        and user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.agency_id == decision.lead_agency_id
    )


@rules.predicate
def lead_agency_named(user, case) -> bool:
    decision = getattr(case, "decision", None) if case is not None else None
    return decision is not None and decision.kind == PanelDecision.Kind.LEAD_AGENCY


@rules.predicate
def is_lead_professional(user, case) -> bool:
    return case is not None and selectors.is_lead_professional(user, case)


@rules.predicate
def has_part_in_pack(user, meeting) -> bool:
    """Intake staff, the chair or deputy, or a member of one of the panel's seats."""
    return meeting is not None and selectors.pack_access(user, meeting) is not None


# The panels, their seats and their calendars: any member of staff with a role.
rules.add_perm("panel.view_panels", sees_panels)
# Setting up a panel's seats, their members and substitutes, the chair and the deputy: the
# council's system administrators and business support (who run every panel's calendar and
# meetings). A chair does not choose their own panel or deputy.
rules.add_perm("panel.manage_membership", is_system_administrator | is_business_support)
# Scheduling a year, cancelling or moving a meeting (on the panel given).
rules.add_perm("panel.manage_calendar", sees_panels & (is_intake_staff | chairs_panel))
# The inbox of referrals waiting for an ESMAP number, logging them, and the list of cases.
rules.add_perm("panel.log_referral", is_intake_staff)
# Withdrawing a referral the panel has not decided on yet (on the case).
rules.add_perm("panel.withdraw_case", made_the_referral | is_business_support)
# Seeing a meeting's agenda and pack at all (members only once it is published: the selector).
rules.add_perm("panel.view_pack", has_part_in_pack)
# Publishing a meeting's pack to the panel's members (on the panel).
rules.add_perm("panel.publish_pack", is_intake_staff | chairs_panel)
# Recording what an agency knows about a case's family (on the seat answering).
rules.add_perm("panel.respond_for_agency", sits_in_seat)
# Running the meeting: attendance, and recording its decisions (on the panel). Business support
# minute it; the decision itself is the panel's, refused while inquorate by the service.
rules.add_perm("panel.run_meeting", is_intake_staff | chairs_panel)
# Confirming or returning a case closure, and deciding between meetings (on the panel).
rules.add_perm("panel.decide_closure", chairs_panel)
rules.add_perm("panel.decide_between_meetings", chairs_panel)
# Naming the lead professional (on the case): the lead agency, or business support for it.
rules.add_perm("panel.allocate", lead_agency_named & (is_business_support | is_of_the_lead_agency))
# Sending the case closure form (on the case): its current lead professional.
rules.add_perm("panel.request_closure", is_lead_professional)
# The data recording sheet: intake staff and strategic leads.
rules.add_perm("panel.download_recording_sheet", is_intake_staff | is_strategic_lead)
