"""The rules a section's answers must meet: every save, and before it is marked completed.

`assessments.services.section_save` refuses answers that break any of these, whoever calls it;
the section forms call the same functions only so that the page and the API put each message on
its question. Answers may be cleaned form values (dates as dates) or saved JSON answers (dates as
ISO strings).

Two kinds of rule:

- ``answer_errors``: what no saved answer may say, even in a draft (a date in the future, a child
  seen alone or last seen before they were first seen).
- ``completion_errors``: what a completed section needs (every required answer, a reason when a
  child was not seen alone, the family's consent before section 14).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django import forms

from assessments.models import Assessment
from core import clock
from core.forms import GovDateField

YES, NO = "yes", "no"
EMPTY = (None, "", [])
NON_FIELD = "__all__"  # a rule about the section as a whole (Django's NON_FIELD_ERRORS)


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


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# Dates that record something that has already happened, by section.
PAST_DATES: dict[str, tuple[str, ...]] = {
    "details": ("date_commenced",),
    "child_views": ("first_seen_on", "last_seen_on", "seen_alone_on"),
}


def answer_errors(
    *, key: str, form_class, answers: dict, already_failed: Collection[str] = ()
) -> dict[str, str]:
    """Field name → message for every answer no save may keep, draft or completed."""
    errors: dict[str, str] = {}
    today = clock.today()
    for name in PAST_DATES.get(key, ()):
        value = _as_date(answers.get(name))
        if value and value > today and name not in already_failed:
            errors[name] = f"{form_class.base_fields[name].noun} must be today or in the past"
    if key == "child_views":
        first, last = _as_date(answers.get("first_seen_on")), _as_date(answers.get("last_seen_on"))
        failed = {*already_failed, *errors}
        if first and last and last < first and "last_seen_on" not in failed:
            errors["last_seen_on"] = (
                "Date the child was last seen must be the same as or after the date first seen"
            )
        # A child cannot have been seen alone before they were first seen at all.
        alone = _as_date(answers.get("seen_alone_on"))
        if first and alone and alone < first and "seen_alone_on" not in failed:
            errors["seen_alone_on"] = (
                "Date the child was seen alone must be the same as or after the date first seen"
            )
    return errors


def _professionals(answers: dict, already_failed: Collection[str], context) -> dict[str, str]:
    # Each professional working with the family now: whether they contributed, and why not.
    errors = {}
    for involvement in (context.professionals if context else None) or []:
        asked, reason = f"contributed_{involvement.pk}", f"reason_{involvement.pk}"
        if asked in already_failed:
            continue
        if answers.get(asked) in EMPTY:
            errors[asked] = "Select yes if they have contributed to the assessment"
        elif answers.get(asked) == NO and answers.get(reason) in EMPTY:
            if reason not in already_failed:
                errors[reason] = "Enter why they have not contributed"
    return errors


def _child_seen_alone(answers: dict, already_failed: Collection[str], context) -> dict[str, str]:
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


def _family_record_correct(
    answers: dict, already_failed: Collection[str], context
) -> dict[str, str]:
    if answers.get("record_correct") == NO:
        return {
            "record_correct": "Update the family’s record first, then confirm the information is correct and complete"
        }
    return {}


def _panel_referral(answers: dict, already_failed: Collection[str], context) -> dict[str, str]:
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


def _decision(answers: dict, already_failed: Collection[str], context) -> dict[str, str]:
    if answers.get("decision") == Assessment.Decision.OTHER_AGENCY and not answers.get(
        "other_agency_details"
    ):
        return {"other_agency_details": "Enter the details of the agency you are referring to"}
    return {}


CONSENT_FIRST = (
    "Record the family’s consent to the assessment on the consent page before completing this "
    "section"
)


def _consent(answers: dict, already_failed: Collection[str], context) -> dict[str, str]:
    errors = {}
    # The declaration follows the family's consent to the assessment, recorded in the consent
    # app; without it the section cannot be completed, whatever the answers say.
    if context is None or not context.assessment_consent_given:
        errors[NON_FIELD] = CONSENT_FIRST
    if answers.get("privacy_notice_given") == NO:
        errors["privacy_notice_given"] = (
            "Give the family the privacy notice before completing this section"
        )
    if answers.get("child_agreed_on") and not answers.get("child_name"):
        errors["child_name"] = "Enter the name of the child or young person who agreed"
    return errors


_SECTION_RULES = {
    "family": _family_record_correct,
    "professionals": _professionals,
    "panel_referral": _panel_referral,
    "child_views": _child_seen_alone,
    "decision": _decision,
    "consent": _consent,
}


def completion_errors(
    *, key: str, form_class, answers: dict, context=None, already_failed: Collection[str] = ()
) -> dict[str, str]:
    """Field name → message for every completion rule these answers break (empty when none).

    ``context`` is the section's ``SectionContext`` (``selectors.section_context``): the
    professionals asked about in section 3 and the family's consent for section 14.
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
        for name, message in rule(answers, already_failed, context).items():
            errors.setdefault(name, message)
    return errors
