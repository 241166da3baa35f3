"""Reads for accounts: API tokens. Token values are never stored, so never shown here."""

from django.db.models import QuerySet

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
