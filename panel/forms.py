"""Forms for cancelling and moving a panel meeting (GOV.UK Design System patterns)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from core.forms import GovDateField, GovFormMixin
from panel.services import MAX_REASON


def _reason_field(label: str, error: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Panel members and business support will see this. Do not include anything about a family.",
        error_messages={
            "required": error,
            "max_length": f"The reason must be {MAX_REASON} characters or fewer",
        },
    )


class MeetingCancelForm(GovFormMixin, forms.Form):
    reason = _reason_field("Why is the meeting cancelled?", "Enter why the meeting is cancelled")
    non_field_error_anchor = "id_reason"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("reason", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Submit("cancel_meeting", "Cancel the meeting", css_class="govuk-button--warning"),
        )


class MeetingMoveForm(GovFormMixin, forms.Form):
    new_date = GovDateField(
        label="What is the new date?",
        noun="New date",
        required=True,
        help_text="For example, 14 4 2027",
    )
    reason = _reason_field("Why is the meeting moving?", "Enter why the meeting is moving")
    non_field_error_anchor = "id_new_date_0"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("new_date", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field("reason", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Submit("move_meeting", "Move the meeting"),
        )


class AgencyResponseForm(GovFormMixin, forms.Form):
    """What a member's agency knows about a family before the meeting."""

    known = forms.ChoiceField(
        label="Is this family known to your agency?",
        choices=[("yes", "Yes"), ("no", "No (not known to us)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family is known to your agency"},
    )
    information = forms.CharField(
        label="What does your agency know?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only what the panel needs to decide the lead agency.",
        error_messages={"max_length": "What your agency knows must be 5000 characters or fewer"},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    non_field_error_anchor = "id_known"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("known", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field("information", context={"label_size": Size.for_label(Size.MEDIUM)}),
            "version",
            Submit("save_response", "Save your agency's response"),
        )

    def clean(self):
        data = super().clean()
        if data.get("known") == "yes" and not (data.get("information") or "").strip():
            self.add_error("information", "Enter what your agency knows about the family")
        return data
