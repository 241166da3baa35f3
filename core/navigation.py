"""Service navigation by role: people see the parts of the product their work needs."""

from dataclasses import dataclass

import rules
from django.urls import reverse

from core import scope
from core.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    section: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [NavItem("Home", "core:home", "home")]
    # Other apps' "may I?" questions are asked by name, so core imports none of them.
    if rules.has_perm("support_requests.see_requests", user):
        items.append(NavItem("Requests", "support_requests:queue", "requests"))
    elif rules.has_perm("support_requests.make_request", user):
        items.append(NavItem("Requests for support", "support_requests:my_requests", "requests"))
    if user.has_role(Role.LEAD_PROFESSIONAL):
        items.append(NavItem("Caseload", "casework:caseload", "caseload"))
    if user.has_role(Role.TEAM_MANAGER, Role.EARLY_SUPPORT_TEAM_LEADER):
        items.append(NavItem("Team caseload", "casework:team_caseload", "team_caseload"))
    if rules.has_perm("offer.view_offer", user):
        # The offer's hub: programmes and waiting lists, and links to the directory, casework
        # consultancy and children's centres for those who use them.
        items.append(NavItem("Offer", "offer:index", "offer"))
    if rules.has_perm("radar.view_radar", user):
        items.append(NavItem("Radar", "radar:radar", "radar"))
    if rules.has_perm("oversight.use_supervision", user):
        items.append(NavItem("Supervision", "oversight:index", "supervision"))
    if rules.has_perm("reporting.view_dashboard", user):
        items.append(NavItem("Reports", "reporting:index", "reports"))
    if scope.can_see_case_records(user):
        items.append(NavItem("Find a person", "people:search", "people"))
        items.append(NavItem("Families", "people:family_list", "families"))
    if rules.has_perm("panel.log_referral", user):
        items.append(NavItem("Panel inbox", "panel:inbox", "panel_inbox"))
    if rules.has_perm("panel.view_panels", user):
        items.append(NavItem("Panels", "panel:panel_list", "panel"))
    if user.has_role(Role.SYSTEM_ADMINISTRATOR):
        items.append(NavItem("Configuration", "core:configuration", "configuration"))
    return items
