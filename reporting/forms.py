from datetime import date

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core import selectors as core_selectors
from core.forms import GovDateField, GovFormMixin
from reporting.indicators import Period, Slice

FORMATS = (
    Choice("xlsx", "Excel (XLSX)"),
    Choice("csv", "CSV", hint="Text with commas, for any spreadsheet or database"),
)


def format_field() -> forms.ChoiceField:
    """Which file a return or extract is wanted as: XLSX or CSV."""
    return forms.ChoiceField(
        label="Which file do you want?",
        choices=FORMATS,
        widget=forms.RadioSelect,
        initial="xlsx",
        error_messages={"required": "Choose the file you want"},
    )


class AnnexAForm(GovFormMixin, forms.Form):
    as_at = GovDateField(
        noun="Date the list runs to",
        label="What date does the list run to?",
        help_text=(
            "Usually the day Ofsted asked for the list. It covers the six months before, this "
            "day included. For example, 31 3 2027"
        ),
    )
    fmt = format_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("as_at"), Field.radios("fmt", legend_size=Size.SMALL))


def quarter_choices(today: date, count: int = 9) -> list[tuple[str, str]]:
    """This quarter and the eight before it, newest first, as ``("2026-4", "October to December
    2026")``."""
    year, number = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _ in range(count):
        period = Period.quarter(year, number)
        choices.append((f"{year}-{number}", f"{period.start:%B} to {period.end:%B %Y}"))
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)
    return choices


def latest_complete_quarter(today: date) -> str:
    return quarter_choices(today, 2)[1][0]


class ReportFilterForm(GovFormMixin, forms.Form):
    """The slice and period a dashboard or report card is about (a GET form: codes and dates are
    no one's data). A quarter, or a start and end date that replace it; nothing chosen for area,
    agency or team is the whole partnership."""

    area = forms.ModelChoiceField(
        label="Early help area",
        queryset=core_selectors.areas(),
        to_field_name="code",
        required=False,
        empty_label="All areas",
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=core_selectors.agencies(),
        to_field_name="code",
        required=False,
        empty_label="All agencies",
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=core_selectors.teams(),
        to_field_name="code",
        required=False,
        empty_label="All teams",
    )
    quarter = forms.ChoiceField(label="Quarter", required=False)
    start = GovDateField(noun="Start date", label="Or from", help_text="For example, 1 4 2026")
    end = GovDateField(noun="End date", label="To", help_text="For example, 30 6 2026")

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["quarter"].choices = quarter_choices(today)
        self.fields["quarter"].initial = latest_complete_quarter(today)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.select("area"),
            Field.select("agency"),
            Field.select("team"),
            Field.select("quarter"),
            Field("start"),
            Field("end"),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.has_error("start", None):
            missing = "end" if end is None else "start"
            self.add_error(missing, f"Enter the {missing} date too, or leave both empty")
        elif start and end and end < start:
            self.add_error("end", "The end date must be the same as or after the start date")
        elif end and end > self.today:
            self.add_error("end", "The end date must be today or in the past")
        return data

    def period(self) -> Period:
        """The period chosen (call once the form is valid; an unbound form gives the default)."""
        data = getattr(self, "cleaned_data", {})
        if data.get("start") and data.get("end"):
            return Period(data["start"], data["end"])
        year, number = (data.get("quarter") or self.fields["quarter"].initial).split("-")
        return Period.quarter(int(year), int(number))

    def slice(self) -> Slice:
        data = getattr(self, "cleaned_data", {})
        return Slice(area=data.get("area"), agency=data.get("agency"), team=data.get("team"))
