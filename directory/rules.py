"""Who may change the directory (django-rules; autodiscovered). Reading it needs no one."""

import rules

from core.roles import Role
from core.rules import is_system_administrator

# Roles that keep the directory of services: the early support service's team leaders and
# business support (who signpost families to it every day) and the council's administrators.
DIRECTORY_KEEPERS = (
    Role.SYSTEM_ADMINISTRATOR,
    Role.EARLY_SUPPORT_TEAM_LEADER,
    Role.BUSINESS_SUPPORT,
)


@rules.predicate
def keeps_directory(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and user.has_role(
        *DIRECTORY_KEEPERS
    )


# Adding and changing services, organisations and taxonomy terms.
rules.add_perm("directory.edit", keeps_directory)
# Importing a feed can change many services at once (and mark missing ones defunct): the
# council's administrators only (ADR 0028), who load the feeds partners send.
rules.add_perm("directory.import_feed", is_system_administrator)
