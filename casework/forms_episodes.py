"""Forms for the episode pages. They check shape only; the rules live in casework.services."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from casework.models import Contact, Episode
from casework.services import CLOSURE_REASONS
from core.forms import GovDateField, GovFormMixin
from core.models import Agency, NeedLevel

TEXT_LIMIT = "This must be 5,000 characters or fewer"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(label, *, required=False, message="", hint="", rows=None):
    field = forms.CharField(
        label=label, required=required, widget=forms.Textarea, max_length=5000, help_text=hint
    )
    field.error_messages["max_length"] = TEXT_LIMIT
    if message:
        field.error_messages["required"] = message
    return field


def _person_name(person) -> str:
    return " ".join(p for p in (person.first_name, person.last_name) if p) or "Unborn baby"


def _people_choices(people):
    return [(str(p.pk), _person_name(p)) for p in people]


class StageForm(GovFormMixin, forms.Form):
    to_stage = forms.TypedChoiceField(
        label="Which stage is the work at now?",
        coerce=int,
        widget=forms.RadioSelect,
        choices=Episode.Stage.choices,
        error_messages={"required": "Choose a stage"},
    )
    reason = _text(
        "Why",
        hint="Needed when a stage is skipped or the work goes back a stage.",
    )

    def __init__(self, *args, current: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            Choice(value, label, hint="Current stage" if value == current else "")
            for value, label in Episode.Stage.choices
        ]
        self.helper = _helper(
            Field.radios("to_stage", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.SMALL, rows=4),
        )


class NeedLevelForm(GovFormMixin, forms.Form):
    need_level = forms.ModelChoiceField(
        label="Level of need",
        queryset=NeedLevel.objects.filter(is_statutory=False),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the level of need"},
    )
    reason = _text(
        "Why has the level changed?", required=True, message="Enter why the level has changed"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("need_level", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.SMALL, rows=4),
        )


class LeadProfessionalForm(GovFormMixin, forms.Form):
    lead_professional = forms.ModelChoiceField(
        label="New lead professional",
        queryset=None,
        error_messages={"required": "Choose the lead professional"},
    )
    reason = _text("Why is the lead professional changing?", required=True, message="Enter why")

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].queryset = choices
        self.fields["lead_professional"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )
        self.helper = _helper(
            Field("lead_professional"), Field.textarea("reason", label_size=Size.SMALL, rows=4)
        )


class ContactForm(GovFormMixin, forms.Form):
    happened_on = GovDateField(
        noun="Date of the contact", label="Date of the contact", required=True
    )
    kind = forms.ChoiceField(
        label="Type of contact",
        choices=Contact.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of contact"},
    )
    seen = forms.MultipleChoiceField(
        label="Who was seen?", required=False, widget=forms.CheckboxSelectMultiple
    )
    seen_alone = forms.MultipleChoiceField(
        label="Who was seen alone?", required=False, widget=forms.CheckboxSelectMultiple
    )
    # A missed appointment: who was not brought, and to what (the service decides what is needed).
    not_brought = forms.MultipleChoiceField(
        label="If a child was not brought, which child?",
        help_text="Only for a missed appointment.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    appointment = forms.CharField(
        label="If a child was not brought, what was the appointment?",
        help_text="Only for a missed appointment. For example, health visitor check.",
        required=False,
        max_length=200,
    )
    notes = _text("Notes")
    next_planned_on = GovDateField(
        noun="Date of the next contact",
        label="When is the next contact planned? (optional)",
        help_text="It shows in your work tray as it falls due. For example, 27 3 2027",
    )

    def __init__(self, *args, people=(), children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].choices = _people_choices(people)
        self.fields["seen_alone"].choices = _people_choices(people)
        self.fields["not_brought"].choices = _people_choices(children)
        self.fields["appointment"].error_messages["max_length"] = (
            "The appointment must be 200 characters or fewer"
        )
        self.helper = _helper(
            Field("happened_on"),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.checkboxes("seen", legend_size=Size.SMALL),
            Field.checkboxes("seen_alone", legend_size=Size.SMALL),
            Field.checkboxes("not_brought", legend_size=Size.SMALL),
            Field.text("appointment", label_size=Size.SMALL),
            Field.textarea("notes", label_size=Size.SMALL, rows=5),
            Field("next_planned_on"),
        )


class TafMeetingForm(GovFormMixin, forms.Form):
    held_on = GovDateField(noun="Date of the meeting", label="Date of the meeting", required=True)
    family_attendees = forms.MultipleChoiceField(
        label="Family members who came", required=False, widget=forms.CheckboxSelectMultiple
    )
    professional_attendees = forms.MultipleChoiceField(
        label="Professionals who came",
        help_text="The lead professional and the professionals involved with the family",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose professionals involved with this family"},
    )
    agency_attendees = _text(
        "Anyone else who came",
        hint="Only people who are not on the record. One per line: name and agency",
    )
    apologies = _text("Apologies")
    child_views = _text("The child’s views")
    parent_views = _text("The parents’ or carers’ views")
    decisions = _text("Decisions")
    next_meeting_on = GovDateField(
        noun="Date of the next meeting", label="Date of the next meeting"
    )

    LEAD = "lead_professional"

    def __init__(self, *args, people=(), lead_label="", professionals=(), **kwargs):
        """``professionals``: (id, label) pairs of the professionals involved, from the record."""
        super().__init__(*args, **kwargs)
        self.fields["family_attendees"].choices = _people_choices(people)
        self.fields["professional_attendees"].choices = [(self.LEAD, lead_label)] + [
            (str(pk), label) for pk, label in professionals
        ]
        self.helper = _helper(
            Field("held_on"),
            Field.checkboxes("family_attendees", legend_size=Size.SMALL),
            Field.checkboxes("professional_attendees", legend_size=Size.SMALL),
            *(
                Field.textarea(n, label_size=Size.SMALL, rows=4)
                for n in (
                    "agency_attendees",
                    "apologies",
                    "child_views",
                    "parent_views",
                    "decisions",
                )
            ),
            Field("next_meeting_on"),
        )


class ClosureForm(GovFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why is the work ending?",
        choices=[(v, Episode.EndReason(v).label) for v in CLOSURE_REASONS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the work is ending"},
    )
    outcomes_achieved = _text(
        "Outcomes achieved", required=True, message="Enter the outcomes achieved"
    )
    exit_plan = _text("Exit plan", required=True, message="Enter the exit plan")
    support_after = _text("Who supports the family after")
    family_view = _text("The family’s view")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("reason", legend_size=Size.MEDIUM),
            *(
                Field.textarea(n, label_size=Size.SMALL, rows=4)
                for n in ("outcomes_achieved", "exit_plan", "support_after", "family_view")
            ),
        )


class StepUpForm(GovFormMixin, forms.Form):
    reason = _text("Why is the family being stepped up?", required=True, message="Enter why")
    social_care_reference = forms.CharField(
        label="Children’s social care reference (if known)", required=False, max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL, rows=4),
            Field.text("social_care_reference", field_width=20),
        )


class OpenEpisodeForm(GovFormMixin, forms.Form):
    """Open an episode (or step a family down into a new one, when ``step_down``)."""

    lead_agency = forms.ModelChoiceField(
        label="Lead agency",
        queryset=Agency.objects.all(),
        error_messages={"required": "Choose the lead agency"},
    )
    lead_professional = forms.ModelChoiceField(
        label="Lead professional",
        queryset=None,
        error_messages={"required": "Choose the lead professional"},
    )
    need_level = forms.ModelChoiceField(
        label="Level of need",
        queryset=NeedLevel.objects.filter(is_statutory=False),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the level of need"},
    )
    offer = forms.ChoiceField(
        label="Offer",
        choices=Episode.Offer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the offer"},
    )
    started_on = GovDateField(noun="Start date", label="Start date", required=True)
    reason = _text("Why", required=False)

    def __init__(
        self,
        *args,
        lead_professionals,
        step_down: bool = False,
        plan_to_carry: tuple[int, int] | None = None,
        **kwargs,
    ):
        """``plan_to_carry``: on a step down, the previous plan's (outcomes, actions) still to
        do, when it has a plan: the form then asks whether to carry them over."""
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].queryset = lead_professionals
        self.fields["lead_professional"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )
        layout = [
            Field("lead_agency"),
            Field("lead_professional"),
            Field.radios("need_level", legend_size=Size.SMALL),
            Field.radios("offer", legend_size=Size.SMALL),
            Field("started_on"),
        ]
        if step_down:
            self.fields["reason"].required = True
            self.fields["reason"].label = "Why is the family being stepped down?"
            self.fields["reason"].error_messages["required"] = "Enter why"
            if plan_to_carry is not None:
                outcomes, actions = plan_to_carry
                self.fields["carry_plan"] = forms.TypedChoiceField(
                    label="Carry the family’s plan over to the new episode?",
                    help_text=(
                        f"The previous plan has {outcomes} outcome{'s' if outcomes != 1 else ''} "
                        f"not yet achieved and {actions} action{'s' if actions != 1 else ''} "
                        "still to do. Achieved outcomes and finished actions stay with the "
                        "previous episode."
                    ),
                    choices=[
                        ("yes", "Yes, carry them over"),
                        ("no", "No, start a new plan with the family"),
                    ],
                    coerce=lambda value: value == "yes",
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose whether to carry the plan over"},
                )
                layout.append(Field.radios("carry_plan", legend_size=Size.SMALL))
            self.fields["stage"] = forms.TypedChoiceField(
                label="Which stage does the work start at?",
                help_text="Start at engagement unless the family already knows the plan",
                choices=Episode.Stage.choices,
                coerce=int,
                initial=Episode.Stage.ENGAGEMENT,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the stage the work starts at"},
            )
            layout.append(Field.radios("stage", legend_size=Size.SMALL))
        layout.append(Field.textarea("reason", label_size=Size.SMALL, rows=4))
        self.helper = _helper(*layout)


class ReviewCadenceForm(GovFormMixin, forms.Form):
    weeks = forms.IntegerField(
        label="How many weeks between reviews?",
        help_text="The council’s usual gap is 6 weeks",
        min_value=1,
        max_value=26,
        error_messages={
            "required": "Enter the number of weeks between reviews",
            "invalid": "Enter the number of weeks as a whole number, like 6",
            "min_value": "Enter a number of weeks from 1 to 26",
            "max_value": "Enter a number of weeks from 1 to 26",
        },
    )
    reason = _text(
        "Why are reviews changing?", required=True, message="Enter why reviews are changing"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("weeks", field_width=2, label_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.SMALL, rows=4),
        )


class OversightForm(GovFormMixin, forms.Form):
    """A manager's oversight note on an episode, or their agreement to a step up or down."""

    kind = forms.ChoiceField(
        label="What are you recording?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are recording"},
    )
    text = _text(
        "Your note",
        required=True,
        message="Enter the note",
        hint=(
            "What you looked at, what you decided and why. For an agreement, why the step is right "
            "for the children now."
        ),
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("text", label_size=Size.SMALL, rows=6),
        )
