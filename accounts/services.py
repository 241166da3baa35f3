"""Writes for accounts: API tokens (ADR 0011), second-factor devices and staff accounts.

Every function is keyword-only, runs in one transaction and writes its own audit event, except
``api_token_mark_used``, whose use is audited by the caller.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import rules
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import selectors
from accounts.models import AccountChange, ApiToken, Role, RoleGrant, TeamChange, User
from core import clock
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.errors import ConflictError
from core.models import Agency, Area, Team

TOKEN_NAME_MAX = 100


@dataclass(frozen=True)
class IssuedApiToken:
    """A new token's row, and the token itself: shown once, then only its digest is kept."""

    token: ApiToken
    raw: str


@transaction.atomic
def api_token_create(*, actor: User | None, user: User, name: str, days: int) -> IssuedApiToken:
    """Make an API token for ``user`` that expires in ``days`` days.

    ``actor`` is the signed-in member of staff, who may only make tokens for themselves (the
    view has already checked their session gave a second factor); ``None`` is an operator at
    the server's shell (``manage.py create_api_token``).
    """
    if actor is not None and (
        actor.pk != user.pk or not rules.has_perm("accounts.create_api_token", actor)
    ):
        raise PermissionDenied("You can only make API tokens for yourself")
    if not user.is_active:
        raise ValidationError({"user": "API tokens cannot be made for a deactivated account"})
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter what the token is for"
    elif len(name) > TOKEN_NAME_MAX:
        errors["name"] = f"What the token is for must be {TOKEN_NAME_MAX} characters or fewer"
    if not isinstance(days, int) or not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = f"A token must expire within 1 to {settings.API_TOKEN_MAX_DAYS} days"
    if errors:
        raise ValidationError(errors)
    token, raw = ApiToken.objects.create(
        user=user, expiry=timedelta(days=days), name=name, created_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=token,
        detail={
            "token_user": user.pk,
            "expires_in_days": days,
            "made_by": "user" if actor is not None else "operator",
        },
    )
    return IssuedApiToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    """Revoke ``token`` (its owner, or a system administrator): its row is deleted, so knox refuses it."""
    if not rules.has_perm("accounts.revoke_api_token", actor, token):
        raise PermissionDenied("You cannot revoke this API token")
    locked = ApiToken.objects.select_for_update().filter(pk=token.pk).first()
    if locked is None:
        # Revoked already, by someone else in the meantime: the outcome asked for holds.
        return
    audit_record(
        actor=actor,
        action=Action.DELETE,
        target=locked,
        detail={"token_user": locked.user_id, "by_administrator": locked.user_id != actor.pk},
    )
    locked.delete()


def api_token_mark_used(*, token_id: int) -> None:
    """Note when a token was last used. One UPDATE, in the request's transaction with the audit
    event for the same use (``accounts.api_auth.record_token_use``); no savepoint of its own, so
    every API request made with a token costs no more queries than the update itself."""
    ApiToken.objects.filter(pk=token_id).update(last_used_at=clock.now())


def mfa_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator app the user is setting up: made the first time they ask, then the same
    one (and so the same secret) until they confirm it."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    return device


@transaction.atomic(savepoint=False)
def mfa_device_confirm(*, user: User, device: TOTPDevice) -> TOTPDevice:
    """Confirm the app once it has given a right code (the caller checks the code), and audit.

    Without a savepoint: inside the request's transaction it adds no queries, and a failure
    rolls the whole request back anyway."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        actor=user,
        action=Action.UPDATE,
        target=user,
        detail={"fields": ["mfa_device"]},
    )
    return device


# ---------------------------------------------------------------------------------------------
# Staff accounts, managed by system administrators (accounts.manage_staff).

REASON_MAX = 1000
# Letters and digits that cannot be mistaken for each other when read aloud or copied by hand.
_TEMPORARY_PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class CreatedUser:
    """A new account, and its temporary password: shown once to the administrator, never kept."""

    user: User
    temporary_password: str


def _require_manage_staff(actor: User) -> None:
    if not rules.has_perm("accounts.manage_staff", actor):
        raise PermissionDenied("Only system administrators manage staff accounts")


def _placement_errors(
    *, agency: Agency | None, team: Team | None, roles: set[str], managed_teams: list[Team]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    unknown = roles - set(Role.values)
    if not roles:
        errors["roles"] = "Select at least one role"
    elif unknown:
        errors["roles"] = "Select roles from the list"
    if team is not None and agency is None:
        errors["agency"] = "Select the agency the team belongs to"
    elif team is not None and team.agency_id != agency.pk:
        errors["team"] = "Select a team of the account's agency"
    if managed_teams and Role.TEAM_MANAGER not in roles:
        errors["managed_teams"] = "Only a team manager manages teams: give the team manager role"
    return errors


def _set_roles(user: User, roles: set[str]) -> tuple[list[str], list[str]]:
    current = set(user.role_grants.values_list("role", flat=True))
    added, removed = sorted(roles - current), sorted(current - roles)
    if removed:
        user.role_grants.filter(role__in=removed).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=role) for role in added])
    user.__dict__.pop("roles", None)
    return added, removed


def _end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every session signed in as ``user`` (but the one keyed ``keep``): their next
    request is sent to sign in."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=clock.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk) and session.pk != keep
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _clean_reason(reason: str, *, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Enter why you are {what}"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {REASON_MAX} characters or fewer"})
    return reason


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    agency: Agency | None,
    team: Team | None,
    roles: Iterable[str],
    managed_teams: Iterable[Team] = (),
) -> CreatedUser:
    """Make a staff account with a temporary password (shown once to the administrator, who
    gives it to the new member of staff). They set up their authenticator app at their first
    sign-in, as everyone does, and then choose their own password (``must_change_password``)."""
    _require_manage_staff(actor)
    username = (username or "").strip()
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    email = (email or "").strip()
    roles, managed_teams = set(roles), list(managed_teams)
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "Enter a username"
    elif len(username) > 150:
        errors["username"] = "The username must be 150 characters or fewer"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = "An account with this username already exists: choose another"
    if not first_name:
        errors["first_name"] = "Enter their first name"
    if not last_name:
        errors["last_name"] = "Enter their last name"
    if not email:
        errors["email"] = "Enter their email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.org"
    errors.update(
        _placement_errors(agency=agency, team=team, roles=roles, managed_teams=managed_teams)
    )
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        agency=agency,
        team=team,
        must_change_password=True,
    )
    temporary_password = get_random_string(16, _TEMPORARY_PASSWORD_CHARS)
    validate_password(temporary_password, user)
    user.set_password(temporary_password)
    user.save()
    user.managed_teams.set(managed_teams)
    added, _ = _set_roles(user, roles)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=user,
        detail={
            "fields": ["username", "first_name", "last_name", "email", "agency", "team"]
            + (["managed_teams"] if managed_teams else []),
            "roles_added": added,
        },
    )
    return CreatedUser(user=user, temporary_password=temporary_password)


@transaction.atomic
def user_change(
    *,
    actor: User,
    user: User,
    expected_version: str,
    agency: Agency | None,
    team: Team | None,
    roles: Iterable[str],
    managed_teams: Iterable[Team] = (),
) -> User:
    """Change an account's agency, team, roles and managed teams, if nobody else has changed them
    since ``expected_version`` (``selectors.staff_version``) was read."""
    _require_manage_staff(actor)
    roles, managed_teams = set(roles), list(managed_teams)
    errors = _placement_errors(agency=agency, team=team, roles=roles, managed_teams=managed_teams)
    if user.pk == actor.pk and Role.SYSTEM_ADMINISTRATOR not in roles:
        errors["roles"] = "You cannot take away your own system administrator role"
    if errors:
        raise ValidationError(errors)
    locked = lock(User, user.pk)
    if selectors.staff_version(locked) != expected_version:
        raise StaleVersionError(
            "Someone else changed this account after you opened it. Check it and try again"
        )
    changed = [
        name
        for name, value in (("agency", agency), ("team", team))
        if getattr(locked, f"{name}_id") != (value.pk if value else None)
    ]
    locked.agency, locked.team = agency, team
    locked.save(update_fields=["agency", "team"])
    if {t.pk for t in managed_teams} != set(locked.managed_teams.values_list("pk", flat=True)):
        locked.managed_teams.set(managed_teams)
        changed.append("managed_teams")
    added, removed = _set_roles(locked, roles)
    if added or removed:
        changed.append("roles")
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": changed, "roles_added": added, "roles_removed": removed},
    )
    return locked


@transaction.atomic
def user_disable(*, actor: User, user: User, reason: str) -> User:
    """Disable an account: it cannot sign in, its open sessions end at once (their next request
    is sent to sign in) and its API tokens are revoked. The reason is recorded."""
    _require_manage_staff(actor)
    reason = _clean_reason(reason, what="disabling this account")
    if user.pk == actor.pk:
        raise ConflictError("You cannot disable your own account")
    locked = lock(User, user.pk)
    if not locked.is_active:
        raise ConflictError("This account is already disabled")
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    sessions = _end_sessions(locked)
    tokens, _ = ApiToken.objects.filter(user=locked).delete()
    AccountChange.objects.create(
        user=locked, kind=AccountChange.Kind.DISABLED, reason=reason, by=actor
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={
            "fields": ["is_active", "reason"],
            "change": AccountChange.Kind.DISABLED.value,
            "sessions_ended": sessions,
            "api_tokens_revoked": tokens,
        },
    )
    return locked


@transaction.atomic
def user_enable(*, actor: User, user: User, reason: str) -> User:
    """Let a disabled account sign in again (it makes new API tokens itself). The reason is
    recorded."""
    _require_manage_staff(actor)
    reason = _clean_reason(reason, what="enabling this account")
    locked = lock(User, user.pk)
    if locked.is_active:
        raise ConflictError("This account is already enabled")
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    AccountChange.objects.create(
        user=locked, kind=AccountChange.Kind.ENABLED, reason=reason, by=actor
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": ["is_active", "reason"], "change": AccountChange.Kind.ENABLED.value},
    )
    return locked


@transaction.atomic
def user_authenticator_reset(*, actor: User, user: User, reason: str) -> User:
    """Remove the account's authenticator apps, so its owner sets one up again at their next
    sign-in; sessions already verified with the old app end now. The reason is recorded."""
    _require_manage_staff(actor)
    reason = _clean_reason(reason, what="resetting their authenticator")
    locked = lock(User, user.pk)
    devices, _ = TOTPDevice.objects.filter(user=locked).delete()
    sessions = _end_sessions(locked)
    AccountChange.objects.create(
        user=locked, kind=AccountChange.Kind.AUTHENTICATOR_RESET, reason=reason, by=actor
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={
            "fields": ["mfa_device", "reason"],
            "change": AccountChange.Kind.AUTHENTICATOR_RESET.value,
            "devices_removed": devices,
            "sessions_ended": sessions,
        },
    )
    return locked


@transaction.atomic
def user_temporary_password_set(*, actor: User, user: User, reason: str) -> CreatedUser:
    """Give an account a new temporary password (shown once to the administrator), for someone
    who has forgotten theirs. Their open sessions end now; at their next sign-in, after their
    security code, they must choose their own password. Their authenticator app and API tokens
    are left alone. The reason is recorded."""
    _require_manage_staff(actor)
    reason = _clean_reason(reason, what="setting a temporary password")
    if user.pk == actor.pk:
        raise ConflictError("Change your own password on the 'Change your password' page")
    locked = lock(User, user.pk)
    temporary_password = get_random_string(16, _TEMPORARY_PASSWORD_CHARS)
    validate_password(temporary_password, locked)
    locked.set_password(temporary_password)
    locked.must_change_password = True
    locked.save(update_fields=["password", "must_change_password"])
    sessions = _end_sessions(locked)
    AccountChange.objects.create(
        user=locked, kind=AccountChange.Kind.TEMPORARY_PASSWORD, reason=reason, by=actor
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={
            "fields": ["password", "reason"],
            "change": AccountChange.Kind.TEMPORARY_PASSWORD.value,
            "sessions_ended": sessions,
        },
    )
    return CreatedUser(user=locked, temporary_password=temporary_password)


@transaction.atomic
def user_password_change(
    *,
    actor: User,
    current_password: str,
    new_password: str,
    new_password_again: str,
    keep_session: str | None = None,
) -> User:
    """The signed-in member of staff changes their own password, giving their current one.

    Django's password validators apply. Their other sessions end (the one keyed
    ``keep_session``, the one they are using, stays signed in: the page then calls
    ``update_session_auth_hash``), and a temporary password's "must change" is lifted."""
    if not rules.has_perm("accounts.change_own_password", actor):
        raise PermissionDenied("Sign in to change your password")
    if not actor.has_usable_password():
        raise ConflictError(
            "You sign in with your council account, so you change your password there"
        )
    current_password, new_password = current_password or "", new_password or ""
    new_password_again = new_password_again or ""
    errors: dict[str, list[str]] = {}
    if not current_password:
        errors["current_password"] = ["Enter your current password"]
    elif not actor.check_password(current_password):
        errors["current_password"] = ["Your current password is not right: enter it again"]
    if not new_password:
        errors["new_password"] = ["Enter a new password"]
    elif new_password == current_password:
        errors["new_password"] = ["Your new password must be different from your current one"]
    else:
        try:
            validate_password(new_password, actor)
        except ValidationError as error:
            errors["new_password"] = list(error.messages)
    if new_password and not errors.get("new_password"):
        if not new_password_again:
            errors["new_password_again"] = ["Enter your new password again"]
        elif new_password_again != new_password:
            errors["new_password_again"] = ["The passwords do not match: enter the same one twice"]
    if errors:
        raise ValidationError(errors)
    locked = lock(User, actor.pk)
    was_temporary = locked.must_change_password
    locked.set_password(new_password)
    locked.must_change_password = False
    locked.save(update_fields=["password", "must_change_password"])
    sessions = _end_sessions(locked, keep=keep_session)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={
            "fields": ["password"],
            "change": "password_changed",
            "was_temporary": was_temporary,
            "other_sessions_ended": sessions,
        },
    )
    return locked


# ---------------------------------------------------------------------------------------------
# Teams (core.Team), managed by system administrators (accounts.manage_teams). The council pack
# loads its teams by code (core.council_pack); a team added here gets a code by the same rules
# (a slug, unique), made from its name, and a team's code never changes.

TEAM_NAME_MAX = Team._meta.get_field("name").max_length
TEAM_CODE_MAX = Team._meta.get_field("code").max_length


def _require_manage_teams(actor: User) -> None:
    if not rules.has_perm("accounts.manage_teams", actor):
        raise PermissionDenied("Only system administrators manage teams")


def _team_errors(
    *, name: str, agency: Agency | None, exclude: Team | None = None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the team's name"
    elif len(name) > TEAM_NAME_MAX:
        errors["name"] = f"The team's name must be {TEAM_NAME_MAX} characters or fewer"
    if agency is None:
        errors["agency"] = "Select the team's agency"
    elif name and "name" not in errors:
        same = Team.objects.filter(agency=agency, name__iexact=name)
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            errors["name"] = "The agency already has a team with this name: choose another"
    return errors


def _team_code(name: str, agency: Agency) -> str:
    """A new team's code: its name as a slug (as the council pack's codes are), made unique."""
    base = slugify(name)[:TEAM_CODE_MAX].strip("-") or slugify(f"{agency.code}-team")
    code, number = base, 1
    while Team.objects.filter(code=code).exists():
        number += 1
        suffix = f"-{number}"
        code = f"{base[: TEAM_CODE_MAX - len(suffix)].rstrip('-')}{suffix}"
    return code


def _area_label(area: Area | None) -> str:
    return area.name if area else "All areas"


def _managers_label(managers: Iterable[User]) -> str:
    names = sorted(str(m) for m in managers)
    return ", ".join(names) if names else "None"


@transaction.atomic
def team_create(*, actor: User, name: str, agency: Agency | None, area: Area | None) -> Team:
    """Add a team to an agency (and to one early help area, or all of them)."""
    _require_manage_teams(actor)
    name = (name or "").strip()
    errors = _team_errors(name=name, agency=agency)
    if errors:
        raise ValidationError(errors)
    team = Team(code=_team_code(name, agency), name=name, agency=agency, area=area)
    team.full_clean()
    team.save()
    TeamChange.objects.create(
        team=team,
        kind=TeamChange.Kind.CREATED,
        after=f"{name} ({agency.name}, {_area_label(area)})",
        by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=team,
        detail={"fields": ["code", "name", "agency", "area"]},
    )
    return team


@transaction.atomic
def team_change(
    *,
    actor: User,
    team: Team,
    expected_version: str,
    name: str,
    agency: Agency | None,
    area: Area | None,
) -> Team:
    """Change a team's name, agency and area, if nobody else has changed the team since
    ``expected_version`` (``selectors.team_version``) was read. A team with staff in it keeps its
    agency: each account's team belongs to the account's agency."""
    _require_manage_teams(actor)
    name = (name or "").strip()
    errors = _team_errors(name=name, agency=agency, exclude=team)
    if errors:
        raise ValidationError(errors)
    locked = lock(Team, team.pk, select_related=("agency", "area"))
    if selectors.team_version(locked) != expected_version:
        raise StaleVersionError(
            "Someone else changed this team after you opened it. Check it and try again"
        )
    if locked.agency_id != agency.pk and locked.members.exists():
        raise ValidationError(
            {
                "agency": "Staff belong to this team: move them to other teams before you "
                "change its agency, or add a new team to the other agency"
            }
        )
    before = {"name": locked.name, "agency": locked.agency.name, "area": _area_label(locked.area)}
    after = {"name": name, "agency": agency.name, "area": _area_label(area)}
    changed = [
        field
        for field, differs in (
            ("name", locked.name != name),
            ("agency", locked.agency_id != agency.pk),
            ("area", locked.area_id != (area.pk if area else None)),
        )
        if differs
    ]
    if changed:
        locked.name, locked.agency, locked.area = name, agency, area
        locked.save(update_fields=changed)
        TeamChange.objects.bulk_create(
            [
                TeamChange(
                    team=locked,
                    kind=TeamChange.Kind(field),
                    before=before[field],
                    after=after[field],
                    by=actor,
                )
                for field in changed
            ]
        )
    audit_record(actor=actor, action=Action.UPDATE, target=locked, detail={"fields": changed})
    return locked


@transaction.atomic
def team_managers_set(
    *, actor: User, team: Team, expected_version: str, managers: Iterable[User]
) -> Team:
    """Set who manages a team (``User.managed_teams``, as on the staff pages): a manager sees the
    team's families and caseload. Someone newly made a manager must be an active team manager."""
    _require_manage_teams(actor)
    managers = list(managers)
    locked = lock(Team, team.pk)
    if selectors.team_version(locked) != expected_version:
        raise StaleVersionError(
            "Someone else changed this team after you opened it. Check it and try again"
        )
    current = list(locked.managers.all())
    current_ids, wanted_ids = {m.pk for m in current}, {m.pk for m in managers}
    added = [m for m in managers if m.pk not in current_ids]
    removed = [m for m in current if m.pk not in wanted_ids]
    eligible = set(
        User.objects.filter(
            pk__in=[m.pk for m in added], is_active=True, role_grants__role=Role.TEAM_MANAGER
        ).values_list("pk", flat=True)
    )
    if any(m.pk not in eligible for m in added):
        raise ValidationError(
            {"managers": "Select only active accounts with the team manager role"}
        )
    if added or removed:
        locked.managers.add(*added)
        locked.managers.remove(*removed)
        TeamChange.objects.create(
            team=locked,
            kind=TeamChange.Kind.MANAGERS,
            before=_managers_label(current),
            after=_managers_label(locked.managers.all()),
            by=actor,
        )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={
            "fields": ["managers"] if added or removed else [],
            "managers_added": sorted(m.pk for m in added),
            "managers_removed": sorted(m.pk for m in removed),
        },
    )
    return locked
