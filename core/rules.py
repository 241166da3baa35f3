"""Who may see and run the service's own machinery (django-rules; autodiscovered)."""

import rules

from core.roles import Role


@rules.predicate
def is_system_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and user.has_role(
        Role.SYSTEM_ADMINISTRATOR
    )


# The background work page: scheduled jobs and message deliveries, and sending a failed one again.
rules.add_perm("core.manage_background_work", is_system_administrator)
# The council's values (contacts, timescales, sign-off) on the council page, with their history.
rules.add_perm("core.change_council_values", is_system_administrator)
