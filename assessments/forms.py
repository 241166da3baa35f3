"""Forms for the assessment pages other than the sections (see sections.py)."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from assessments.presenters import child_name
from core.forms import GovDateField, GovFormMixin


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class StartForm(GovFormMixin, forms.Form):
    children = forms.MultipleChoiceField(
        label="Which children is the assessment about?",
        help_text="Select all that apply. To add a child, add them to the family first.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the children this assessment is about"},
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = [
            Choice(
                str(c.pk),
                child_name(c),
                hint=(
                    f"Born {c.date_of_birth:%-d %B %Y}"
                    if c.date_of_birth
                    else f"Due {c.expected_date_of_delivery:%-d %B %Y}"
                    if c.expected_date_of_delivery
                    else ""
                ),
            )
            for c in children
        ]
        self.helper = _helper(Field.checkboxes("children", legend_size=Size.MEDIUM))


class ReasonForm(GovFormMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea, max_length=5000)

    def __init__(self, *args, label: str, required_message: str, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.required = required
        field.error_messages["required"] = required_message
        field.error_messages["max_length"] = "This must be 5,000 characters or fewer"
        self.helper = _helper(Field.textarea("reason", label_size=Size.SMALL, rows=4))


class ConsultationForm(GovFormMixin, forms.Form):
    child_views = forms.CharField(
        label="Views of the child or young person on the assessment and outcome",
        required=False,
        widget=forms.Textarea,
        max_length=10_000,
    )
    parent_views = forms.CharField(
        label="Views of parents, carers and significant others on the assessment and outcome",
        required=False,
        widget=forms.Textarea,
        max_length=10_000,
    )
    shared_on = GovDateField(
        noun="Date the assessment was shared",
        label="Date the assessment was shared with the family",
        help_text="For example, 3 4 2027",
    )
    copy_given_on = GovDateField(
        noun="Date a copy was given",
        label="Date a copy was given to the family",
        help_text="For example, 3 4 2027",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("child_views", label_size=Size.SMALL, rows=4),
            Field.textarea("parent_views", label_size=Size.SMALL, rows=4),
            Field("shared_on"),
            Field("copy_given_on"),
            Field("version"),
        )
