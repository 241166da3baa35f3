"""Who may do what with the offer (django-rules; autodiscovered).

- Everyone who works with families sees the offer (programmes, places, waiting counts): the
  "Offer" navigation item is gated on ``offer.view_offer``.
- Early support team leaders, and the staff of the team that runs a programme, manage it: its
  groups, sessions, waiting list, enrolments, completion and impact measures.
- A group's facilitators record its attendance (as do those who manage the programme).
- Practitioners, lead professionals, team managers and team leaders refer families (to a
  programme, or signpost to any directory service). A referral is read by whoever made it and by
  those who manage its programme (any early support team leader for a signpost), and only when
  the family is in the reader's scope (the selectors decide that: out of scope is a 404).
"""

from __future__ import annotations

import rules

from accounts.models import Role
from core import scope

REFERRER_ROLES = (
    Role.PRACTITIONER,
    Role.LEAD_PROFESSIONAL,
    Role.TEAM_MANAGER,
    Role.EARLY_SUPPORT_TEAM_LEADER,
)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def sees_offer(user) -> bool:
    return scope.can_see_case_records(user)


@rules.predicate
def is_team_leader(user) -> bool:
    return sees_offer(user) and user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER)


@rules.predicate
def may_refer(user) -> bool:
    return sees_offer(user) and user.has_role(*REFERRER_ROLES)


def _team_id(programme) -> int | None:
    return getattr(programme, "team_id", None)


@rules.predicate
def manages_programme(user, programme) -> bool:
    if programme is None or not sees_offer(user):
        return False
    if user.has_role(Role.EARLY_SUPPORT_TEAM_LEADER):
        return True
    if user.has_role(Role.BUSINESS_SUPPORT) and not user.has_role(*REFERRER_ROLES):
        return False
    return _team_id(programme) in scope.team_ids_in_scope(user)


@rules.predicate
def manages_any_programme(user) -> bool:
    """Team leaders, and staff of a team that runs a programme (the caller passes no record:
    the selectors decide which ones)."""
    return is_team_leader(user) or (may_refer(user) and bool(scope.team_ids_in_scope(user)))


@rules.predicate
def records_attendance(user, group) -> bool:
    if group is None or not sees_offer(user):
        return False
    if manages_programme(user, group.programme):
        return True
    return any(f.pk == user.pk for f in group.facilitators.all())


@rules.predicate
def reads_referral(user, referral) -> bool:
    if referral is None or not sees_offer(user):
        return False
    if referral.made_by_id == user.pk:
        return True
    if referral.programme_id is None:
        return is_team_leader(user)
    return manages_programme(user, referral.programme)


@rules.predicate
def changes_referral(user, referral) -> bool:
    """Recording uptake, withdrawing: the referrer, or who manages the programme."""
    return reads_referral(user, referral) and (
        may_refer(user) or manages_programme(user, referral.programme)
    )


rules.add_perm("offer.view_offer", sees_offer)
rules.add_perm("offer.refer", may_refer)


@rules.predicate
def records_panel_decisions(user) -> bool:
    """Those who record the panel's decisions (business support, team leaders, panel chairs)
    hand a family over to a service when the panel signposts it; asked by name, as the panel
    sits above the offer."""
    return _active(user) and (
        rules.has_perm("panel.log_referral", user) or user.has_role(Role.PANEL_CHAIR)
    )


# A signpost made by the panel's decision: its recorder refers, whatever their caseload role.
rules.add_perm("offer.refer_for_panel", may_refer | records_panel_decisions)
rules.add_perm("offer.manage_programme", manages_programme)
rules.add_perm("offer.manage_any_programme", manages_any_programme)
rules.add_perm("offer.add_programme", is_team_leader)
rules.add_perm("offer.record_attendance", records_attendance)
rules.add_perm("offer.view_referral", reads_referral)
rules.add_perm("offer.change_referral", changes_referral)
