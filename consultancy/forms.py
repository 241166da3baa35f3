"""Forms for casework consultancy. They check shape only; the rules are the services'."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from consultancy.models import ConsultancyRequest
from core.forms import GovDateField, GovFormMixin

Kind = ConsultancyRequest.Kind
NextStep = ConsultancyRequest.NextStep
TEXT_LIMIT = "This must be 5,000 characters or fewer"

KIND_HINTS = {
    Kind.CONSULTATION: "Advice and guidance to find ways to meet a family’s needs",
    Kind.COACHING: "Support for you to address or manage a particular issue yourself",
    Kind.CO_WORKING: "Joint visits or chairing review meetings with you, to build your "
    "confidence as lead professional",
}


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(label, *, required=False, message="", hint="", max_length=5000, rows=True):
    field = forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea if rows else forms.TextInput,
        max_length=max_length,
        help_text=hint,
    )
    field.error_messages["max_length"] = (
        TEXT_LIMIT if max_length == 5000 else f"This must be {max_length} characters or fewer"
    )
    if message:
        field.error_messages["required"] = message
    return field


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AskForm(GovFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of help do you want?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose consultation, coaching or co-working"},
    )
    family = forms.ChoiceField(
        label="Which family is it about? (optional)",
        required=False,
        help_text="Only the families you work with are listed",
    )
    help_wanted = _text(
        "What help do you want?",
        required=True,
        message="Enter what help you want",
        hint="What is happening, what you have tried, and what you would like from a consultant",
    )
    preferred_dates = _text(
        "When would suit you? (optional)",
        hint="Dates or times that suit you, and any that do not",
        max_length=500,
        rows=False,
    )

    def __init__(self, *args, families=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", "Not about one family")] + [
            (str(f.pk), f"{f.name} ({f.reference})") for f in families
        ]
        self.fields["family"].error_messages["invalid_choice"] = "Choose a family you work with"
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.select("family", label_size=Size.SMALL),
            Field.textarea("help_wanted", label_size=Size.SMALL, rows=6),
            Field.text("preferred_dates", label_size=Size.SMALL),
        )


class AssignForm(GovFormMixin, forms.Form):
    version = _version()
    consultant = forms.TypedChoiceField(
        label="Which consultant?",
        coerce=int,
        error_messages={"required": "Choose a casework consultant"},
    )

    def __init__(self, *args, consultants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].choices = [("", "Choose a consultant")] + [
            (c.pk, c.get_full_name() or c.username) for c in consultants
        ]
        self.fields["consultant"].error_messages["invalid_choice"] = "Choose a casework consultant"
        self.helper = _helper(Field.select("consultant", label_size=Size.SMALL), Field("version"))


class AcceptForm(GovFormMixin, forms.Form):
    version = _version()
    note = _text(
        "Anything to tell the person who asked? (optional)",
        hint="For example, when you will first meet",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("note", label_size=Size.SMALL, rows=3), Field("version")
        )


class DeclineForm(GovFormMixin, forms.Form):
    version = _version()
    reason = _text(
        "Why is it declined?",
        required=True,
        message="Enter why it is declined",
        hint="The person who asked will read this: say where else they could go for help",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL, rows=4), Field("version")
        )


class WithdrawForm(GovFormMixin, forms.Form):
    version = _version()
    reason = _text("Why are you withdrawing it? (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL, rows=3), Field("version")
        )


class CompleteForm(GovFormMixin, forms.Form):
    version = _version()
    what_was_done = _text(
        "What was done?",
        required=True,
        message="Enter what was done",
        hint="The advice given, what the coaching covered, or the joint visits and meetings",
    )
    coaching_sessions = forms.IntegerField(
        label="How many coaching sessions were held?",
        required=False,
        min_value=1,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter how many coaching sessions were held, from 1 to 100",
            "min_value": "Enter how many coaching sessions were held, from 1 to 100",
            "max_value": "Enter how many coaching sessions were held, from 1 to 100",
        },
    )
    co_working_from = GovDateField(
        noun="Date co-working started",
        label="When did co-working start?",
        help_text="For example, 3 11 2026",
    )
    co_working_to = GovDateField(
        noun="Date co-working ended",
        label="When did co-working end?",
        help_text="For example, 27 11 2026",
    )
    next_step = forms.ChoiceField(
        label="What happened next?",
        choices=NextStep.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened next"},
    )
    outcome_note = _text(
        "Note (optional)",
        hint="Where it was referred on to, or what else happened. Needed if you chose Other",
    )

    def __init__(self, *args, kind: str = Kind.CONSULTATION, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.textarea("what_was_done", label_size=Size.SMALL, rows=5)]
        if kind == Kind.COACHING:
            layout.append(Field.text("coaching_sessions", label_size=Size.SMALL, field_width=2))
        else:
            del self.fields["coaching_sessions"]
        if kind == Kind.CO_WORKING:
            layout += [Field("co_working_from"), Field("co_working_to")]
        else:
            del self.fields["co_working_from"]
            del self.fields["co_working_to"]
        layout += [
            Field.radios("next_step", legend_size=Size.SMALL, small=True),
            Field.textarea("outcome_note", label_size=Size.SMALL, rows=3),
            Field("version"),
        ]
        self.helper = _helper(*layout)


class ConsultantForm(GovFormMixin, forms.Form):
    user = forms.TypedChoiceField(
        label="Who?",
        coerce=int,
        help_text="Practitioners and lead professionals",
        error_messages={"required": "Choose a practitioner or lead professional"},
    )
    starts_on = GovDateField(
        noun="Date they start",
        label="From (optional)",
        help_text="Leave blank for today. For example, 1 12 2026",
    )
    ends_on = GovDateField(
        noun="Date they stop",
        label="Until (optional)",
        help_text="Leave blank if there is no end date",
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Choose someone")] + [
            (u.pk, _staff_label(u)) for u in candidates
        ]
        self.fields["user"].error_messages["invalid_choice"] = (
            "Choose a practitioner or lead professional"
        )
        self.helper = _helper(
            Field.select("user", label_size=Size.SMALL),
            Field("starts_on"),
            Field("ends_on"),
        )


def _staff_label(user) -> str:
    name = user.get_full_name() or user.username
    where = user.team.name if user.team else (user.agency.name if user.agency else "")
    return f"{name} ({where})" if where else name


class EndConsultantForm(GovFormMixin, forms.Form):
    version = _version()
    ends_on = GovDateField(
        noun="Date they stop",
        label="Until when are they a consultant? (optional)",
        help_text="Leave blank for today. For example, 31 12 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("ends_on"), Field("version"))


class PeriodForm(GovFormMixin, forms.Form):
    date_from = GovDateField(noun="Start date", label="From", help_text="For example, 1 4 2026")
    date_to = GovDateField(noun="End date", label="To", help_text="For example, 31 3 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("date_from"), Field("date_to"))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date")
        return data
