"""Reads for accounts: API tokens and second-factor devices. Token values are never stored, so
never shown here."""

from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, User


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
