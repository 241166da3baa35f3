"""The acknowledge form: it checks shape only; the rules live in radar.services."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovFormMixin
from radar.services import NOTE_MAX


class AcknowledgeForm(GovFormMixin, forms.Form):
    note = forms.CharField(
        label="What is being done about it",
        help_text="For example what was agreed in supervision, or why the case is not drifting.",
        widget=forms.Textarea,
        max_length=NOTE_MAX,
        error_messages={
            "required": "Enter a note saying what is being done",
            "max_length": f"The note must be {NOTE_MAX:,} characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.textarea("note", label_size=Size.MEDIUM, rows=5), Field("version")
        )
