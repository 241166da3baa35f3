"""Writes for accounts: API tokens (ADR 0011) and second-factor devices.

Every function is keyword-only, runs in one transaction and writes its own audit event, except
``api_token_mark_used``, whose use is audited by the caller.
"""

from dataclasses import dataclass
from datetime import timedelta

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User
from core import clock
from core.audit import Action, audit_record

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
