"""The council page's forms: one per group of values. They shape the input (text, whole numbers,
yes or no); ``core.services_council`` decides what is valid, so the pack and the page agree."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.db import models

from core.forms import GovFormMixin
from core.models import COUNCIL_VALUE_LABELS, Council
from core.services_council import REASON_MAX_LENGTH


@dataclass(frozen=True)
class Group:
    key: str  # in the change page's address
    title: str
    heading: str  # which heading of the council page it sits under
    fields: tuple[str, ...]


CONTACTS = "Contacts"
CADENCES = "Cadences and thresholds"

GROUPS = (
    Group("council", "Council and service", CONTACTS, ("name", "service_name")),
    Group(
        "duty-team",
        "Duty team (child in need and child protection)",
        CONTACTS,
        (
            "duty_team_name",
            "duty_team_phone",
            "duty_team_email",
            "duty_team_out_of_hours_phone",
            "duty_team_instructions",
        ),
    ),
    Group(
        "early-support",
        "Early support service",
        CONTACTS,
        ("early_support_phone", "early_support_email"),
    ),
    Group(
        "public-pages",
        "Pages for families and the public",
        CONTACTS,
        ("privacy_notice_url", "public_exit_url"),
    ),
    Group(
        "timescales",
        "Timescales and sign-off",
        CADENCES,
        ("public_response_working_days", "plan_review_weeks", "assessment_sign_off_required"),
    ),
)
GROUPS_BY_KEY = {group.key: group for group in GROUPS}

HINTS = {
    "service_name": "Shown at the top of every page",
    "duty_team_name": "Where child in need and child protection concerns go",
    "duty_team_instructions": "Shown when someone says a child may be in need or at risk",
    "privacy_notice_url": "The council's privacy notice, given to families",
    "public_exit_url": "A harmless page, such as the weather",
    "public_response_working_days": (
        f"How soon the council promises to be in touch: {Council.RESPONSE_WORKING_DAYS[0]} to "
        f"{Council.RESPONSE_WORKING_DAYS[1]}"
    ),
    "plan_review_weeks": (
        f"Unless an episode is set otherwise: {Council.PLAN_REVIEW_WEEKS[0]} to "
        f"{Council.PLAN_REVIEW_WEEKS[1]}"
    ),
}

YES, NO = "yes", "no"


def _field(name: str) -> forms.Field:
    model_field = Council._meta.get_field(name)
    label = COUNCIL_VALUE_LABELS[name]
    common = {"label": label, "help_text": HINTS.get(name, ""), "required": False}
    if isinstance(model_field, models.BooleanField):
        return forms.TypedChoiceField(
            choices=[(YES, "Yes"), (NO, "No")],
            coerce=lambda value: value == YES,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if model_field.get_internal_type() == "PositiveSmallIntegerField":
        return forms.IntegerField(
            min_value=0,
            error_messages={
                "invalid": f"{label} must be a whole number, like 5",
                "min_value": f"{label} must be a whole number, like 5",
            },
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            **common,
        )
    if model_field.get_internal_type() == "TextField":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), **common)
    attrs = {"spellcheck": "false"} if name.endswith(("_email", "_url", "_phone")) else {}
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


def _layout(name: str):
    field = Council._meta.get_field(name)
    if field.get_internal_type() == "BooleanField":
        return Field.radios(name, legend_size=Size.SMALL, inline=True)
    if field.get_internal_type() == "TextField":
        return Field.textarea(name, label_size=Size.SMALL, rows=5)
    if field.get_internal_type() == "PositiveSmallIntegerField":
        return Field.text(name, label_size=Size.SMALL, field_width=4)
    return Field.text(name, label_size=Size.SMALL, field_width=30)


def initial_for(group: Group, council: Council) -> dict:
    initial = {}
    for name in group.fields:
        value = getattr(council, name)
        initial[name] = (YES if value else NO) if isinstance(value, bool) else value
    return initial


class CouncilValuesForm(GovFormMixin, forms.Form):
    """One group's values, the reason for the change, and the version of the values shown."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        for name in group.fields:
            self.fields[name] = _field(name)
        self.fields["reason"] = forms.CharField(
            label="Reason for the change",
            help_text="Kept in the council's history with the change. Do not include personal "
            "details",
            required=False,
            max_length=REASON_MAX_LENGTH,
            error_messages={
                "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"
            },
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            *(_layout(name) for name in group.fields),
            Field.textarea("reason", label_size=Size.SMALL, rows=3),
            Submit("submit", "Save changes"),
        )

    def values(self) -> dict:
        """The group's values as typed, for the service (after ``is_valid``)."""
        return {name: self.cleaned_data.get(name) for name in self.group.fields}
