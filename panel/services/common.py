"""Pieces every panel service shares: the limits on free text, and asking a permission."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError

MAX_REASON = 1000
MAX_TEXT = 5000
MAX_INFORMATION = 5000


def require(perm: str, actor, obj, message: str) -> None:
    """PermissionDenied (403) unless ``actor`` has the permission (``panel.rules``)."""
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message)


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why"})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"The reason must be {MAX_REASON} characters or fewer"})
    return reason


def clean_text(value: str, name: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationError({name: f"{label} must be {MAX_TEXT} characters or fewer"})
    return value
