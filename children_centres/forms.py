"""Forms for children's centres. They check shape only; the rules are the services'."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from children_centres.models import CentreRegistration
from children_centres.reach import Period
from core import clock
from core.forms import GovDateField, GovFormMixin

MAX_UPLOAD = 1024 * 1024


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _centre_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Children's centre",
        coerce=int,
        error_messages={"required": "Choose a children's centre"},
    )


def _centre_choices(centres) -> list[tuple[str, str]]:
    return [("", "Choose a centre")] + [(str(c.pk), f"{c.name} ({c.area.name})") for c in centres]


class RegistrationForm(GovFormMixin, forms.Form):
    centre = _centre_field()
    registered_on = GovDateField(
        noun="Date of registration",
        label="Date of registration",
        help_text="For example, 3 11 2026",
        required=True,
    )

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = {c.pk: c for c in centres}
        self.fields["centre"].choices = _centre_choices(centres)
        self.helper = _helper(Field.select("centre"), Field("registered_on"))

    def chosen_centre(self):
        return self.centres.get(self.cleaned_data.get("centre"))


class ContactForm(GovFormMixin, forms.Form):
    centre = _centre_field()
    seen_on = GovDateField(
        noun="Date the child was seen",
        label="When was the child seen?",
        help_text="For example, 3 11 2026",
        required=True,
    )
    kind = forms.ChoiceField(
        label="What kind of contact was it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of contact"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="What the child or family came for. Do not write anything you would not want "
        "the family to read",
        widget=forms.Textarea,
    )

    def __init__(self, *args, centres=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.centres = {c.pk: c for c in centres}
        self.fields["centre"].choices = _centre_choices(centres)
        self.fields["kind"].choices = [
            (k["key"], k["name"] + ("" if k.get("counts_as_reach") else " (not counted as reach)"))
            for k in kinds
        ]
        self.fields["note"].error_messages["max_length"] = (
            "The note must be 500 characters or fewer"
        )
        self.helper = _helper(
            Field.select("centre"),
            Field("seen_on"),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.textarea("note", rows=3),
        )

    def chosen_centre(self):
        return self.centres.get(self.cleaned_data.get("centre"))


class EndForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    ended_on = GovDateField(
        noun="Date the registration ended",
        label="When did the registration end?",
        help_text="For example, 3 11 2026",
        required=True,
    )
    reason = forms.ChoiceField(
        label="Why did it end?",
        choices=CentreRegistration.EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the registration ended"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("version"),
            Field("ended_on"),
            Field.radios("reason", legend_size=Size.SMALL, small=True),
        )


class PopulationForm(GovFormMixin, forms.Form):
    file = forms.FileField(
        label="Under-fives population (CSV file)",
        help_text="Columns year, centre, area, under_fives: a centre's code for a centre's reach "
        "area, or no centre and an area's code for an area's own figure. Each year in the file "
        "replaces what was loaded for that year. At most 1 MB",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("file"))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file must be 1 MB or smaller")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file must be a CSV file saved as UTF-8") from error


def year_choices(today) -> list[tuple[str, str]]:
    """This financial year and the five before it, newest first."""
    current = Period.financial_year_of(today).start.year
    return [(str(y), Period.financial_year(y).label) for y in range(current, current - 6, -1)]


class PeriodForm(GovFormMixin, forms.Form):
    """The period the figures are for (a GET form: dates are no one's data): a financial year,
    or a start and end date that replace it."""

    year = forms.ChoiceField(label="Financial year", required=False)
    start = GovDateField(noun="Start date", label="Or from", help_text="For example, 1 4 2026")
    end = GovDateField(noun="End date", label="To", help_text="For example, 31 3 2027")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        self.fields["year"].choices = year_choices(self.today)
        self.fields["year"].initial = self.fields["year"].choices[0][0]
        self.helper = _helper(Field.select("year"), Field("start"), Field("end"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.has_error("start", None):
            missing = "end" if end is None else "start"
            self.add_error(missing, f"Enter the {missing} date too, or leave both empty")
        elif start and end and end < start:
            self.add_error("end", "The end date must be the same as or after the start date")
        elif start and start > self.today:
            self.add_error("start", "The start date must be today or in the past")
        return data

    def period(self) -> Period:
        """The period chosen (an invalid or empty form: this financial year)."""
        data = getattr(self, "cleaned_data", None) or {}
        if self.is_bound and not self.errors and data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        year = data.get("year") if self.is_bound and not self.errors else None
        return Period.financial_year(int(year or self.fields["year"].initial))

    def query(self) -> str:
        """The chosen period as a query string (for the CSV link and the centre pages)."""
        period = self.period()
        if period.is_financial_year:
            return f"year={period.start.year}"
        return (
            f"start_0={period.start.day}&start_1={period.start.month}&start_2={period.start.year}"
            f"&end_0={period.end.day}&end_1={period.end.month}&end_2={period.end.year}"
        )
