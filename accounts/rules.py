"""Who may do what with accounts' records (django-rules; loaded by rules' autodiscovery)."""

import rules

from accounts.models import Role


@rules.predicate
def is_system_administrator(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SYSTEM_ADMINISTRATOR)


@rules.predicate
def is_token_owner(user, token) -> bool:
    return token is not None and token.user_id == user.pk


is_active_staff = rules.is_authenticated & rules.is_active

# Checked with rules.has_perm, not user.has_perm, so Django's superuser flag grants nothing here.
# Whether the session has given its second factor is checked by the views
# (accounts.views_tokens.verified_session_required): a predicate cannot see the session.
rules.add_perm("accounts.create_api_token", is_active_staff)
rules.add_perm("accounts.list_all_api_tokens", is_active_staff & is_system_administrator)
rules.add_perm(
    "accounts.revoke_api_token", is_active_staff & (is_token_owner | is_system_administrator)
)

# Staff accounts (create, change, disable, enable, reset the authenticator): administrators only.
rules.add_perm("accounts.manage_staff", is_active_staff & is_system_administrator)

# Teams (add, rename, move, set their managers): administrators only.
rules.add_perm("accounts.manage_teams", is_active_staff & is_system_administrator)

# Changing one's own password: every member of staff who may sign in.
rules.add_perm("accounts.change_own_password", is_active_staff)
