"""Who may open the partnership's reports (django-rules; loaded by rules' autodiscovery).

The reports are council-wide by design: they answer for the whole partnership, not for a
caseload, so they are for the strategic leads and the early support service's team leaders (who
see every family already). The Annex A list names no one but holds each child's date of birth, so
each download is audited."""

import rules

from accounts.models import Role

REPORT_ROLES = (Role.STRATEGIC_LEAD, Role.EARLY_SUPPORT_TEAM_LEADER)


@rules.predicate
def reads_reports(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_role(*REPORT_ROLES))


rules.add_perm("reporting.view_reports", reads_reports)
rules.add_perm("reporting.export_annex_a", reads_reports)
# The Supporting Families extract: one row per family episode, by reference, no names.
rules.add_perm("reporting.export_supporting_families", reads_reports)

# The dashboard and report cards show counts and rates only, small numbers suppressed: team
# managers see their own service's picture beside the partnership's.
DASHBOARD_ROLES = (*REPORT_ROLES, Role.TEAM_MANAGER)


@rules.predicate
def reads_dashboard(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.has_role(*DASHBOARD_ROLES)
    )


@rules.predicate
def is_strategic_lead(user) -> bool:
    return bool(
        user and user.is_authenticated and user.is_active and user.has_role(Role.STRATEGIC_LEAD)
    )


rules.add_perm("reporting.view_dashboard", reads_dashboard)
rules.add_perm("reporting.view_report_cards", reads_dashboard)
# The booklet is read by everyone who reads reports; it is issued (and archived) by a strategic
# lead for the board.
rules.add_perm("reporting.view_booklets", reads_reports)
rules.add_perm("reporting.issue_booklet", is_strategic_lead)
