"""Forms for the outcomes pages. They check shape only (a number, a date, a choice); the rules
live in ``outcomes.services`` so the page and the API refuse the same input with the same words."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovDateField, GovFormMixin
from outcomes.models import ScoreKind

TEXT_LIMIT = "This must be 5,000 characters or fewer"
SCORE_KINDS = [(k, label) for k, label in ScoreKind.choices if k != ScoreKind.SUSTAINED]


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class EvidenceFields(forms.Form):
    # Not bounded here: the service says what the council's scale is, for the page and the API.
    score = forms.IntegerField(
        label="Score",
        required=False,
        error_messages={"invalid": "Enter the score as a whole number"},
    )
    evidence_what = forms.CharField(
        label="What is the evidence?",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        error_messages={"max_length": TEXT_LIMIT},
    )
    evidence_source = forms.CharField(
        label="Where does the evidence come from?",
        help_text="For example 'School attendance records' or 'Health visitor'.",
        required=False,
        max_length=200,
        error_messages={"max_length": "This must be 200 characters or fewer"},
    )
    evidence_on = GovDateField(noun="Date of the evidence", label="When is the evidence from?")

    evidence_layout = (
        Field.text("score", field_width=2, label_size=Size.SMALL),
        Field.textarea("evidence_what", label_size=Size.SMALL, rows=4),
        Field.text("evidence_source", label_size=Size.SMALL),
        Field("evidence_on"),
    )


class ScoreForm(GovFormMixin, EvidenceFields):
    kind = forms.ChoiceField(
        label="What is the score for?",
        choices=SCORE_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the score is for"},
    )
    plan_review = forms.ChoiceField(label="Which review?", required=False)
    supersedes = forms.ChoiceField(
        label="Is this a correction of an earlier score?",
        required=False,
        help_text="The earlier score is kept, marked as corrected.",
    )
    correction_reason = forms.CharField(
        label="Why is it being corrected?",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        error_messages={"max_length": TEXT_LIMIT},
    )
    field_order = ["kind", "plan_review", "score", "evidence_what", "evidence_source"]

    def __init__(self, *args, reviews=(), corrections=(), scale_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_review"].choices = [("", "Not a review score"), *reviews]
        self.fields["supersedes"].choices = [("", "No, a new score"), *corrections]
        self.fields["score"].help_text = scale_hint
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.select("plan_review", label_size=Size.SMALL),
            *self.evidence_layout,
            Field.select("supersedes", label_size=Size.SMALL),
            Field.textarea("correction_reason", label_size=Size.SMALL, rows=3),
        )


class LinkForm(GovFormMixin, forms.Form):
    framework_outcome = forms.ChoiceField(
        label="Which framework outcome does it count towards?",
        error_messages={"required": "Choose a framework outcome"},
    )

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_outcome"].choices = [("", "Choose"), *outcomes]
        self.helper = _helper(Field.select("framework_outcome", label_size=Size.SMALL))


class LinkRemoveForm(GovFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the mapping being removed?",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        error_messages={"max_length": TEXT_LIMIT},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", label_size=Size.SMALL, rows=3))


class SustainedForm(GovFormMixin, EvidenceFields):
    sustained = forms.TypedChoiceField(
        label="Has the outcome been sustained?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    field_order = ["sustained", "score"]

    def __init__(self, *args, scale_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].help_text = scale_hint
        self.helper = _helper(
            Field.radios("sustained", legend_size=Size.SMALL, inline=True), *self.evidence_layout
        )
