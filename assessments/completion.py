"""The rules a section must meet before it can be marked completed.

`assessments.services.section_save` refuses to mark a section completed when any of these
fail, whoever calls it; the section forms call the same function only so that the page and
the API put each message on its question. Answers may be cleaned form values (dates as dates)
or saved JSON answers (dates as ISO strings): the rules only ask whether a value is given.
"""

from __future__ import annotations

from collections.abc import Collection

from django import forms

from assessments.models import Assessment
from core.forms import GovDateField

YES, NO = "yes", "no"
EMPTY = (None, "", [])


def required_message(field, label: str) -> str:
    if isinstance(field, GovDateField):
        return f"Enter the {field.noun.lower()}"
    if isinstance(field, forms.ChoiceField):
        return (
            f"Select {label[0].lower() + label[1:].rstrip('?')}"
            if not label.endswith("?")
            else "Select yes or no"
        )
    return f"Enter {label[0].lower() + label[1:]}"


def _child_seen_alone(answers: dict, already_failed: Collection[str]) -> dict[str, str]:
    # Every child is expected to be seen alone: either when, or why not.
    errors = {}
    if (
        answers.get("seen_alone") == YES
        and not answers.get("seen_alone_on")
        and "seen_alone_on" not in already_failed
    ):
        errors["seen_alone_on"] = "Enter the date the child was seen alone"
    if answers.get("seen_alone") == NO and not answers.get("not_seen_alone_reason"):
        errors["not_seen_alone_reason"] = "Enter the reason the child was not seen alone"
    return errors


def _family_record_correct(answers: dict, already_failed: Collection[str]) -> dict[str, str]:
    if answers.get("record_correct") == NO:
        return {
            "record_correct": "Update the family’s record first, then confirm the information is correct and complete"
        }
    return {}


def _panel_referral(answers: dict, already_failed: Collection[str]) -> dict[str, str]:
    # Only a referral needs its date, reason and whether the referrer stays involved.
    if answers.get("referring") != YES:
        return {}
    errors = {}
    if not answers.get("referral_date") and "referral_date" not in already_failed:
        errors["referral_date"] = "Enter the date of referral"
    if not answers.get("presenting_reason"):
        errors["presenting_reason"] = (
            "Enter the presenting reason that brings you to refer to the panel"
        )
    if not answers.get("referrer_continues"):
        errors["referrer_continues"] = "Select whether you will keep working with the family"
    return errors


def _decision(answers: dict, already_failed: Collection[str]) -> dict[str, str]:
    if answers.get("decision") == Assessment.Decision.OTHER_AGENCY and not answers.get(
        "other_agency_details"
    ):
        return {"other_agency_details": "Enter the details of the agency you are referring to"}
    return {}


def _consent(answers: dict, already_failed: Collection[str]) -> dict[str, str]:
    errors = {}
    if answers.get("privacy_notice_given") == NO:
        errors["privacy_notice_given"] = (
            "Give the family the privacy notice before completing this section"
        )
    if answers.get("child_agreed_on") and not answers.get("child_name"):
        errors["child_name"] = "Enter the name of the child or young person who agreed"
    return errors


_SECTION_RULES = {
    "family": _family_record_correct,
    "panel_referral": _panel_referral,
    "child_views": _child_seen_alone,
    "decision": _decision,
    "consent": _consent,
}


def completion_errors(
    *, key: str, form_class, answers: dict, already_failed: Collection[str] = ()
) -> dict[str, str]:
    """Field name → message for every completion rule these answers break (empty when none).

    ``already_failed`` names questions whose answer failed its own format check: they get no
    second message.
    """
    errors: dict[str, str] = {}
    for name in form_class.required_to_complete:
        if name in already_failed or answers.get(name) not in EMPTY:
            continue
        field = form_class.base_fields[name]
        label = field.label or name
        errors[name] = form_class.required_messages.get(name) or required_message(field, label)
    rule = _SECTION_RULES.get(key)
    if rule is not None:
        for name, message in rule(answers, already_failed).items():
            errors.setdefault(name, message)
    return errors
