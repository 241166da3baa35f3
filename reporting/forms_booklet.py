"""The neglect booklet's two forms: a draft to ask for and an issue for the board (both POST).
They shape input only; whether a quarter may be issued is ``services.booklet_issue``'s to say."""

from __future__ import annotations

from datetime import date

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovFormMixin
from reporting.forms import latest_complete_quarter, quarter_choices
from reporting.services import COMMENTARY_LIMIT


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class _QuarterForm(GovFormMixin, forms.Form):
    quarter = forms.ChoiceField(
        label="Which quarter?",
        error_messages={
            "required": "Choose a quarter",
            "invalid_choice": "Choose a quarter from the list",
        },
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices(today)
        self.fields["quarter"].initial = latest_complete_quarter(today)

    def year_and_quarter(self) -> tuple[int, int]:
        year, number = self.cleaned_data["quarter"].split("-")
        return int(year), int(number)


class BookletDraftForm(_QuarterForm):
    """The file comes from which button was pressed (``fmt``: pdf or xlsx)."""

    fmt = forms.ChoiceField(
        choices=[("pdf", "PDF"), ("xlsx", "XLSX")],
        error_messages={"required": "Choose PDF or XLSX", "invalid_choice": "Choose PDF or XLSX"},
    )
    prefix = "draft"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].label = "Which quarter is the draft for?"
        self.helper = _helper(Field.select("quarter"))


class BookletIssueForm(_QuarterForm):
    commentary = forms.CharField(
        label="The board's commentary",
        help_text=(
            "What the board makes of the quarter and what it will do. Leave it empty to issue "
            "the booklet with ruled space for the board to write on."
        ),
        widget=forms.Textarea,
        required=False,
        max_length=COMMENTARY_LIMIT,
        strip=False,
        error_messages={
            "max_length": f"The commentary must be {COMMENTARY_LIMIT:,} characters or fewer"
        },
    )
    prefix = "issue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].label = "Which quarter are you issuing?"
        self.fields["quarter"].help_text = "Only a quarter that has ended can be issued."
        self.helper = _helper(
            Field.select("quarter"),
            Field.textarea(
                "commentary", label_size=Size.SMALL, rows=8, max_characters=COMMENTARY_LIMIT
            ),
        )
