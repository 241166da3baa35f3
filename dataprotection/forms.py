from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms

from core.forms import GovDateField, GovFormMixin


class SubjectSearchForm(GovFormMixin, forms.Form):
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person’s last name"},
        help_text="Their last name now, or one they were known by before",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = GovDateField(
        label="Date of birth",
        noun="Date of birth",
        required=True,
        help_text="For example, 27 3 2015",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("last_name", field_width=20),
            Field("date_of_birth"),
            Submit("search", "Search"),
        )


class RectificationNoteForm(GovFormMixin, forms.Form):
    what = forms.CharField(
        label="What was corrected",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was corrected"},
        help_text="For example, the date of birth was wrong and has been changed on the record",
    )
    why = forms.CharField(
        label="Why it was corrected",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why it was corrected"},
        help_text="For example, the person asked for it to be corrected and showed their birth certificate",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("what"), Field.textarea("why"), Submit("save", "Save the note")
        )
