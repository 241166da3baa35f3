"""Forms for the neglect pages. They check shape only; the rules live in neglect.services."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovDateField, GovFormMixin
from neglect.models import Category, NeglectConcern

TEXT_LIMIT = "This must be 5,000 characters or fewer"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(label, *, message="", hint="", required=True):
    field = forms.CharField(
        label=label, required=required, widget=forms.Textarea, max_length=5000, help_text=hint
    )
    field.error_messages["max_length"] = TEXT_LIMIT
    if message:
        field.error_messages["required"] = message
    return field


def _version():
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


class ObservationFields(forms.Form):
    category = forms.ChoiceField(
        label="Category of neglect",
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a category of neglect"},
    )
    seen = _text("What was seen", message="Enter what was seen")
    seen_by = forms.CharField(
        label="Who saw it",
        help_text="Their name and role or agency, for example 'Sam Lee, health visitor'.",
        max_length=200,
        error_messages={
            "required": "Enter who saw it: their name and role or agency",
            "max_length": "This must be 200 characters or fewer",
        },
    )
    seen_on = GovDateField(noun="Date it was seen", label="When was it seen?", required=True)

    observation_layout = (
        Field.radios("category", legend_size=Size.SMALL),
        Field.textarea("seen", label_size=Size.SMALL, rows=4),
        Field.text("seen_by", label_size=Size.SMALL),
        Field("seen_on"),
    )


class ConcernRecordForm(GovFormMixin, ObservationFields):
    origin = forms.ChoiceField(
        label="Where did the concern come from?",
        error_messages={"required": "Choose where the concern came from"},
    )
    identified_on = GovDateField(
        noun="Date the concern was identified", label="When was it identified?", required=True
    )
    lived_experience = _text(
        "The child's daily lived experience",
        message="Describe the child's daily lived experience",
        hint="What a day is like for the child: what they eat, wear, who looks after them.",
    )
    field_order = ["origin", "identified_on", "lived_experience", "category", "seen", "seen_by"]

    def __init__(self, *args, origins=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin"].choices = [("", "Choose"), *origins]
        self.helper = _helper(
            Field.select("origin", label_size=Size.SMALL),
            Field("identified_on"),
            Field.textarea("lived_experience", label_size=Size.SMALL, rows=5),
            *self.observation_layout,
        )


class ObservationForm(GovFormMixin, ObservationFields):
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(*self.observation_layout, Field("version"))


class LivedExperienceForm(GovFormMixin, forms.Form):
    lived_experience = _text(
        "The child's daily lived experience",
        message="Describe the child's daily lived experience",
    )
    reason = _text("Why has it changed?", message="Say why it has changed")
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("lived_experience", label_size=Size.SMALL, rows=5),
            Field.textarea("reason", label_size=Size.SMALL, rows=3),
            Field("version"),
        )


class ConcernEndForm(GovFormMixin, forms.Form):
    ended_on = GovDateField(noun="Date the concern ended", label="When did it end?", required=True)
    reason = forms.ChoiceField(
        label="Why has the concern ended?",
        choices=NeglectConcern.EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the concern has ended"},
    )
    note = _text("More about why", hint="Needed for 'Other'.", required=False)
    version = _version()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("ended_on"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL, rows=3),
            Field("version"),
        )


class ToolResultForm(GovFormMixin, forms.Form):
    """A graded-care tool's grades: one choice of the tool's scale per area, and overall."""

    done_on = GovDateField(noun="Date the tool was used", label="When was it used?", required=True)
    concern = forms.ChoiceField(label="Which neglect concern is it part of?", required=False)

    def __init__(self, *args, tool, concerns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tool = tool
        self.fields["concern"].choices = [("", "None"), *concerns]
        scale = [(str(g), str(g)) for g in tool.grades]
        self.area_fields = []
        for index, area in enumerate(tool.areas):
            name = f"area_{index}"
            self.fields[name] = forms.TypedChoiceField(
                label=area,
                choices=scale,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a grade for {area}"},
            )
            self.area_fields.append((name, area))
        self.fields["overall_grade"] = forms.TypedChoiceField(
            label="Overall grade",
            choices=scale,
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose the overall grade"},
        )
        self.helper = _helper(
            Field("done_on"),
            *(
                Field.radios(name, legend_size=Size.SMALL, inline=True)
                for name, _ in self.area_fields
            ),
            Field.radios("overall_grade", legend_size=Size.SMALL, inline=True),
            Field.select("concern", label_size=Size.SMALL),
        )

    def area_grades(self) -> dict:
        return {area: self.cleaned_data[name] for name, area in self.area_fields}
