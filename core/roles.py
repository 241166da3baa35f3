"""The staff roles. They live in core, the lowest layer, because core's scoping (who sees which
case records) is decided by role; accounts (users and their role grants) sits on top of core and
re-exports Role, so ``from accounts.models import Role`` keeps working."""

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    EARLY_SUPPORT_TEAM_LEADER = "early_support_team_leader", "Early support team leader"
    BUSINESS_SUPPORT = "business_support", "Business support"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member"
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
    TEAM_MANAGER = "team_manager", "Team manager"
    STRATEGIC_LEAD = "strategic_lead", "Strategic lead"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"
