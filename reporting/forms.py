from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovDateField, GovFormMixin

FORMATS = (
    Choice("xlsx", "Excel (XLSX)"),
    Choice("csv", "CSV", hint="Text with commas, for any spreadsheet or database"),
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
    fmt = forms.ChoiceField(
        label="Which file do you want?",
        choices=FORMATS,
        widget=forms.RadioSelect,
        initial="xlsx",
        error_messages={"required": "Choose the file you want"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("as_at"), Field.radios("fmt", legend_size=Size.SMALL))
