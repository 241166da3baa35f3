"""Forms for recording and withdrawing disguised compliance. They check shape only; the rules live
in ``patterns.services``."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovFormMixin
from patterns.services import REQUIRED, TEXT_LIMIT
from patterns.wording import long_date

LIMIT_MESSAGE = f"This must be {TEXT_LIMIT:,} characters or fewer"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(label, *, name, hint=""):
    field = forms.CharField(
        label=label, widget=forms.Textarea, max_length=TEXT_LIMIT, help_text=hint
    )
    field.error_messages["max_length"] = LIMIT_MESSAGE
    field.error_messages["required"] = REQUIRED[name]
    return field


def on_choices(contacts, reviews) -> list[tuple[str, str]]:
    """``contact:<id>`` / ``review:<id>``: where it was seen, newest first."""
    return [
        *(
            (f"contact:{c.pk}", f"{c.get_kind_display()} on {long_date(c.happened_on)}")
            for c in contacts
        ),
        *((f"review:{r.pk}", f"Plan review held on {long_date(r.held_on)}") for r in reviews),
    ]


class DisguisedComplianceForm(GovFormMixin, forms.Form):
    on = forms.ChoiceField(
        label="Where did you see it?",
        help_text="The contact or plan review it was seen at.",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the contact or plan review it was seen at",
            "invalid_choice": "Choose the contact or plan review it was seen at",
        },
    )
    agreed = _text("What was agreed", name="agreed", hint="The actions the family agreed to.")
    not_done = _text("What was not done", name="not_done")
    family_says = _text(
        "What the family says",
        name="family_says",
        hint="For example, that they are engaging or that it is done.",
    )
    evidence = _text(
        "The evidence",
        name="evidence",
        hint="What you saw or were told, by whom and when.",
    )

    def __init__(self, *args, contacts=(), reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].choices = on_choices(contacts, reviews)
        self.helper = _helper(
            Field.radios("on", legend_size=Size.SMALL),
            Field.textarea("agreed", label_size=Size.SMALL, rows=4),
            Field.textarea("not_done", label_size=Size.SMALL, rows=4),
            Field.textarea("family_says", label_size=Size.SMALL, rows=4),
            Field.textarea("evidence", label_size=Size.SMALL, rows=5),
        )


class WithdrawForm(GovFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this record withdrawn?",
        help_text="It stays on the record, marked withdrawn, with your reason.",
        widget=forms.Textarea,
        max_length=TEXT_LIMIT,
        error_messages={
            "required": "Enter why the record is withdrawn",
            "max_length": LIMIT_MESSAGE,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", label_size=Size.SMALL, rows=4))
