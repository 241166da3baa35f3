"""Reads for accounts: API tokens and second-factor devices. Token values are never stored, so
never shown here."""

import hashlib

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountChange, ApiToken, Role, TeamChange, User
from core.models import Agency, Area, Team


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


# Teams, for system administrators (accounts.manage_teams).


def teams_for(user: User) -> QuerySet[Team]:
    """Every team, for someone who may manage them, with its agency, area, number of active
    staff and managers (no query per row)."""
    if not rules.has_perm("accounts.manage_teams", user):
        raise PermissionDenied("Only system administrators manage teams")
    return (
        Team.objects.select_related("agency", "area")
        .annotate(staff_count=Count("members", filter=Q(members__is_active=True), distinct=True))
        .prefetch_related(
            Prefetch("managers", queryset=User.objects.order_by("last_name", "first_name"))
        )
        .order_by("agency__sort_order", "agency__name", "name")
    )


def team_for(user: User, *, team_id) -> Team:
    """One team, for someone who may manage them (404 if there is none)."""
    return get_object_or_404(teams_for(user), pk=team_id)


def team_members_of(team: Team) -> QuerySet[User]:
    """The team's staff accounts, active ones first."""
    return User.objects.filter(team=team).order_by("-is_active", "last_name", "first_name")


def team_changes_of(team: Team) -> QuerySet[TeamChange]:
    """What has been changed on the team through the teams pages."""
    return TeamChange.objects.filter(team=team).select_related("by")


def team_manager_candidates(team: Team | None = None) -> QuerySet[User]:
    """Who may be made a team's manager: active accounts with the team manager role, and the
    team's current managers (so that one who no longer qualifies can still be taken off)."""
    query = Q(is_active=True, role_grants__role=Role.TEAM_MANAGER)
    if team is not None:
        query |= Q(managed_teams=team)
    return (
        User.objects.filter(query)
        .select_related("agency", "team")
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def team_version(team: Team) -> str:
    """A digest of what the team pages edit (name, agency, area, managers): a page sends back the
    one it read, and the change is refused if the team has moved on (Team has no version number)."""
    managers = sorted(team.managers.values_list("pk", flat=True))
    state = f"{team.name}|{team.agency_id}|{team.area_id}|{managers}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def agencies_all() -> QuerySet[Agency]:
    return Agency.objects.order_by("sort_order", "name")


def areas_all() -> QuerySet[Area]:
    return Area.objects.order_by("sort_order", "name")
