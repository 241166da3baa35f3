"""Reads for accounts: API tokens and second-factor devices. Token values are never stored, so
never shown here."""

import hashlib

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountChange, ApiToken, User


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work (expired ones are refused, and knox deletes them)."""
    return ApiToken.objects.live().filter(user=user)


def api_tokens_all() -> QuerySet[ApiToken]:
    """Every member of staff's working tokens, for system administrators."""
    return (
        ApiToken.objects.live()
        .select_related("user", "user__team")
        .order_by("user__last_name", "user__first_name", "-created")
    )


def user_by_id(user_id) -> User | None:
    """Any account by its id, or None; whoever asks checks it may be used for what they want."""
    return User.objects.filter(pk=user_id).first()


def mfa_devices_of(user: User) -> QuerySet[TOTPDevice]:
    """The authenticator apps the user has set up (a device not yet confirmed does not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def has_mfa_device(user: User) -> bool:
    return mfa_devices_of(user).exists()


# Staff accounts, for system administrators (accounts.manage_staff).


def staff_for(user: User, *, search: str = "") -> QuerySet[User]:
    """Every staff account, for someone who may manage them; each word of ``search`` must be in
    the first name, last name or username. Agency, team and roles come with each row (no query
    per row)."""
    if not rules.has_perm("accounts.manage_staff", user):
        raise PermissionDenied("Only system administrators manage staff accounts")
    queryset = User.objects.select_related("agency", "team").prefetch_related(
        "role_grants", "managed_teams"
    )
    for word in search.split():
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return queryset.order_by("last_name", "first_name", "username")


def staff_member_for(user: User, *, user_id) -> User:
    """One staff account, for someone who may manage them (404 if there is none)."""
    return get_object_or_404(staff_for(user), pk=user_id)


def staff_changes_of(member: User) -> QuerySet[AccountChange]:
    """The reasons recorded for disabling, enabling and resetting ``member``'s account."""
    return AccountChange.objects.filter(user=member).select_related("by")


def staff_version(member: User) -> str:
    """A digest of what the change page edits (agency, team, roles, managed teams, active): the
    page sends back the one it read, and the change is refused if the account has moved on.
    The User model has no version number; this compares the state itself."""
    roles = sorted(member.role_grants.values_list("role", flat=True))
    managed = sorted(member.managed_teams.values_list("pk", flat=True))
    state = f"{member.agency_id}|{member.team_id}|{roles}|{managed}|{member.is_active}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]
