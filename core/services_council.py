"""Changing the council's values (contacts, timescales, sign-off) and keeping their history.

The council pack sets these values on every deploy (``core.council_pack``); a system
administrator may change them in between on the council page, giving a reason. Every change,
from either, is a ``CouncilValueChange`` row (old value, new value, who, when, why, which source),
written here in the transaction of the change. The loader leaves a value changed on the page
alone: see ``core.council_pack``.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import selectors_council
from core.audit import Action, audit_record
from core.concurrency import StaleVersionError, lock
from core.models import COUNCIL_VALUE_LABELS, Council, CouncilValueChange, council_value_text

CHANGEABLE = tuple(COUNCIL_VALUE_LABELS)
REASON_MAX_LENGTH = 1000

# What to say when a value the council must have is left empty.
_REQUIRED = {
    "name": "Enter the council's name",
    "service_name": "Enter the service's name",
    "duty_team_name": "Enter the duty team's name",
    "duty_team_phone": "Enter the duty team's phone number",
    "public_exit_url": "Enter where 'Leave this page quickly' goes",
    "public_response_working_days": "Enter the working days to reply to a family's request",
    "plan_review_weeks": "Enter the weeks between family plan reviews",
    "assessment_sign_off_required": "Select yes if a manager signs off each assessment",
}
_FORMAT = {
    "EmailField": "Enter an email address in the correct format, like name@example.com",
    "URLField": "Enter a web address in the correct format, like https://www.example.com",
}


def council_value_history_add(
    *,
    council: Council,
    field: str,
    old: Any,
    new: Any,
    source: str,
    actor=None,
    reason: str = "",
) -> CouncilValueChange:
    """Write one history row (the page's service and the pack's loader both call this)."""
    return CouncilValueChange.objects.create(
        council=council,
        field=field,
        old_value=council_value_text(old),
        new_value=council_value_text(new),
        source=source,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )


def _plain(error: ValidationError) -> dict[str, list[str]]:
    """The model's messages, in the words of the GOV.UK Design System, by field."""
    plain: dict[str, list[str]] = {}
    for name, errors in error.error_dict.items():
        if name not in COUNCIL_VALUE_LABELS:
            plain.setdefault(name, []).extend(m for e in errors for m in e.messages)
            continue
        field = Council._meta.get_field(name)
        label = COUNCIL_VALUE_LABELS[name]
        for each in errors:
            if each.code in ("blank", "null", "required"):
                message = _REQUIRED.get(name, f"Enter the {label.lower()}")
            elif each.code == "invalid" and type(field).__name__ in _FORMAT:
                message = _FORMAT[type(field).__name__]
            elif each.code == "max_length":
                message = f"{label} must be {field.max_length} characters or fewer"
            elif each.code in ("min_value", "max_value"):
                continue  # Council.clean says which numbers it takes, in its own words
            else:
                message = " ".join(each.messages)
            plain.setdefault(name, []).append(message)
    return plain


@transaction.atomic
def council_values_change(
    *,
    actor,
    council: Council,
    values: dict[str, Any],
    reason: str,
    expected_version: str,
) -> list[CouncilValueChange]:
    """Change some of the council's values, giving a reason; returns one history row per value
    that changed.

    ``expected_version`` is ``selectors_council.council_values_version`` of the values as the
    page showed them (the same fields as ``values``): if someone changed any of them since, on
    the page or by loading the pack, nothing is changed and ``StaleVersionError`` says so.
    """
    if not rules.has_perm("core.change_council_values", actor):
        raise PermissionDenied("Only system administrators change the council's values")
    unknown = sorted(set(values) - set(CHANGEABLE))
    if unknown or not values:
        raise ValueError(f"Not values the council page changes: {unknown or 'none given'}")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Enter the reason for the change"]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [f"The reason must be {REASON_MAX_LENGTH} characters or fewer"]
    locked = lock(Council, council.pk)
    before = {name: getattr(locked, name) for name in values}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None and not Council._meta.get_field(name).null:
            errors.setdefault(name, []).append(_REQUIRED.get(name, "Enter a value"))
            continue
        setattr(locked, name, value)
    others = [f.name for f in Council._meta.concrete_fields if f.name not in values]
    try:
        locked.full_clean(
            exclude=[*others, *errors], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for name, messages in _plain(error).items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    shown = Council(**before)
    if selectors_council.council_values_version(shown, values) != expected_version:
        raise StaleVersionError(
            "Someone changed these values after you opened this page. Check the values saved "
            "now, below, and make your change again if it is still needed"
        )
    changed = [name for name in values if getattr(locked, name) != before[name]]
    if not changed:
        raise ValidationError("You have not changed any of these values")
    locked.save(update_fields=changed)
    rows = [
        council_value_history_add(
            council=locked,
            field=name,
            old=before[name],
            new=getattr(locked, name),
            source=CouncilValueChange.Source.PAGE,
            actor=actor,
            reason=reason,
        )
        for name in changed
    ]
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=locked,
        detail={"fields": changed, "source": CouncilValueChange.Source.PAGE.value},
    )
    return rows
