"""Forms for the family plan pages: outcomes, actions, the contingency plan and reviews."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from casework import plans
from casework.models import PlanAction, PlanOutcome
from core.forms import GovDateField, GovFormMixin, PickField
from core.models import Agency
from offer import selectors as offer_selectors

YES, NO = "yes", "no"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(
    label: str, *, required: bool = False, message: str = "", hint: str = ""
) -> forms.CharField:
    field = forms.CharField(
        label=label, required=required, widget=forms.Textarea, max_length=5000, help_text=hint
    )
    if message:
        field.error_messages["required"] = message
    field.error_messages["max_length"] = "This must be 5,000 characters or fewer"
    return field


def _child_words(label: str, hint: str) -> forms.CharField:
    """Optional words for a child's copy. How long they may be is the service's rule (it says
    so on this field), so the page and the API refuse alike."""
    return forms.CharField(label=label, required=False, widget=forms.Textarea, help_text=hint)


class _VersionedForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OutcomeForm(_VersionedForm):
    need = _text(
        "The need",
        required=True,
        message="Enter the need",
        hint="From the assessment, in plain words",
    )
    outcome_family_words = _text(
        "The outcome, in the family’s words",
        required=True,
        message="Enter the outcome in the family’s words",
        hint="What the family want to be different. This is what the family’s copy of the plan shows.",
    )
    outcome_practitioner_words = _text(
        "The outcome, in the practitioner’s words", hint="Not shown on the family’s copy"
    )
    outcome_child_words = _child_words(
        "For a child’s copy: the outcome in words the child can read (optional)",
        "Shown on the copy of each child it concerns instead of the family’s words. "
        "For example, ‘You get to school on time and have breakfast first.’",
    )
    concerns = forms.MultipleChoiceField(
        label="Who is this outcome for?",
        help_text=(
            "Select everyone it is about. A child’s copy of the plan shows only the outcomes "
            "for that child."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": plans.CONCERNS_NOT_MEMBERS},
    )
    reason = forms.CharField(
        label="Why are you changing this? (optional)", required=False, max_length=500
    )

    def __init__(self, *args, suggestions=(), editing=False, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["reason"]
        self.suggestions = suggestions
        self.fields["concerns"].choices = people.concern_choices() if people else []
        fields = [
            Field.textarea(name, label_size=Size.SMALL, rows=3)
            for name in (
                "need",
                "outcome_family_words",
                "outcome_practitioner_words",
                "outcome_child_words",
            )
        ]
        fields.append(Field.checkboxes("concerns", legend_size=Size.SMALL, small=True))
        if editing:
            fields.append(Field.text("reason", label_size=Size.SMALL))
        self.helper = _helper(*fields, Field("version"))


class ActionForm(_VersionedForm):
    what = _text(
        "What will be done",
        required=True,
        message="Enter what will be done",
        hint="Specific and measurable",
    )
    what_child_words = _child_words(
        "For a child’s copy: the action in words the child can read (optional)",
        "Shown on the copy of each child it concerns instead of the family’s words. "
        "For example, ‘You and Mum make a picture chart of your morning.’",
    )
    doer = forms.ChoiceField(
        label="Who will do it",
        widget=forms.RadioSelect,
        error_messages={
            "required": plans.DOER_MISSING,
            "invalid_choice": plans.DOER_MISSING,
        },
    )
    who = forms.CharField(
        label="If someone else, who",
        help_text="Their name and role. Only for someone who is not on the record",
        max_length=200,
        required=False,
        error_messages={"max_length": plans.WHO_TOO_LONG},
    )
    concerns = forms.MultipleChoiceField(
        label="Who is this action for?",
        help_text=(
            "Leave empty if it is for the same people as the outcome. A child’s copy of the plan "
            "shows only the actions for that child."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": plans.CONCERNS_NOT_MEMBERS},
    )
    agency = forms.ModelChoiceField(
        label="The agency responsible (optional)",
        help_text="The agency that agreed to do it, if it is an agency’s action",
        queryset=Agency.objects.order_by("name"),
        required=False,
    )
    by_when = GovDateField(
        noun="Date it will be done by",
        label="By when",
        help_text="For example, 3 4 2027",
        required=True,
    )
    status = forms.ChoiceField(
        label="Status", choices=PlanAction.Status.choices, widget=forms.RadioSelect, required=False
    )
    service = PickField(
        label="Hand the family over to a service in the directory (optional)",
        help_text=(
            "Signpost or refer to a service the family will use for this action. "
            "Leave empty if there is none"
        ),
        queryset=offer_selectors.pickable_services(),
        required=False,
        empty_label="No service",
        error_messages={"invalid_choice": "Choose a service from the directory"},
    )
    handover_to = forms.CharField(
        label="If handing over: who at the service?",
        help_text="Their name and role",
        max_length=200,
        required=False,
        error_messages={"max_length": "This must be 200 characters or fewer"},
    )
    handover_on = GovDateField(
        noun="Date of the handover",
        label="If handing over: when?",
        help_text="For example, 3 4 2027",
        required=False,
    )
    agreed_with_family = forms.ChoiceField(
        label="If handing over: is it agreed with the family?",
        choices=[(YES, "Yes"), (NO, "No")],
        widget=forms.RadioSelect,
        required=False,
    )

    def signpost(self) -> plans.Signpost | None:
        """The handover to a directory service, if one was picked."""
        data = self.cleaned_data
        if data.get("service") is None:
            return None
        return plans.Signpost(
            service=data["service"],
            handover_to=data.get("handover_to", ""),
            handover_on=data.get("handover_on"),
            agreed_with_family=data.get("agreed_with_family") == YES,
        )

    def __init__(self, *args, editing=False, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doer"].choices = people.doer_choices() if people else []
        self.fields["concerns"].choices = people.concern_choices() if people else []
        fields = [
            Field.textarea("what", label_size=Size.SMALL, rows=3),
            Field.textarea("what_child_words", label_size=Size.SMALL, rows=2),
            Field.radios("doer", legend_size=Size.SMALL, small=True),
            Field.text("who", label_size=Size.SMALL),
            Field.checkboxes("concerns", legend_size=Size.SMALL, small=True),
            Field.select("agency", label_size=Size.SMALL),
            Field("by_when"),
        ]
        if editing:
            fields.append(Field.radios("status", legend_size=Size.SMALL, inline=True))
        else:
            del self.fields["status"]
        fields += [
            Field.select("service", label_size=Size.SMALL),
            Field.text("handover_to", label_size=Size.SMALL),
            Field("handover_on"),
            Field.radios("agreed_with_family", legend_size=Size.SMALL, small=True, inline=True),
        ]
        self.helper = _helper(*fields, Field("version"))


class ContingencyForm(_VersionedForm):
    contingency = _text(
        "What happens if things don’t improve", hint="The contingency plan, agreed with the family"
    )
    reason = forms.CharField(
        label="Why are you changing this? (optional)", required=False, max_length=500
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("contingency", label_size=Size.SMALL, rows=5),
            Field.text("reason", label_size=Size.SMALL),
            Field("version"),
        )


class RemoveOutcomeForm(_VersionedForm):
    reason = _text(
        "Why are you removing this outcome?",
        required=True,
        message="Enter why the outcome is being removed",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("reason", label_size=Size.SMALL, rows=3), Field("version")
        )


class ReviewForm(_VersionedForm):
    """A review: progress per outcome, status per action, the family's views and one box per child."""

    held_on = GovDateField(
        noun="Date the review was held",
        label="When was the review held?",
        help_text="For example, 3 4 2027",
        required=True,
    )

    def __init__(self, *args, outcomes=(), children=(), **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field("held_on")]
        self.outcome_fields, self.action_fields, self.child_fields = {}, {}, {}
        for number, outcome in enumerate(outcomes, start=1):
            name = f"progress_{outcome.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"Outcome {number}: {outcome.outcome_family_words}",
                choices=PlanOutcome.Progress.choices,
                widget=forms.RadioSelect,
                initial=outcome.progress,
                error_messages={"required": f"Select the progress for outcome {number}"},
            )
            self.outcome_fields[name] = outcome.pk
            layout.append(Field.radios(name, legend_size=Size.SMALL))
            for action in outcome.actions.all():
                aname = f"action_{action.pk}"
                who = plans.doer_name(action, action.outcome.plan.episode)
                self.fields[aname] = forms.ChoiceField(
                    label=f"Action: {action.what} ({who}, by {action.by_when:%-d %B %Y})",
                    choices=PlanAction.Status.choices,
                    widget=forms.RadioSelect,
                    initial=action.status,
                    error_messages={"required": "Select the status of each action"},
                )
                self.action_fields[aname] = action.pk
                layout.append(Field.radios(aname, legend_size=Size.SMALL, inline=True))
        self.fields["family_views"] = _text("The family’s views")
        layout.append(Field.textarea("family_views", label_size=Size.SMALL, rows=4))
        for person, name in children:
            cname = f"child_{person.pk}"
            self.fields[cname] = _text(f"{name}’s views", hint="In their own words where you can")
            self.child_fields[cname] = str(person.pk)
            layout.append(Field.textarea(cname, label_size=Size.SMALL, rows=3))
        self.fields["progress_notes"] = _text("Progress notes")
        self.fields["what_changes"] = _text(
            "What changes", hint="Changes to the plan agreed at the review"
        )
        layout += [
            Field.textarea("progress_notes", label_size=Size.SMALL, rows=4),
            Field.textarea("what_changes", label_size=Size.SMALL, rows=4),
            Field("version"),
        ]
        self.helper = _helper(*layout)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "family_views": data["family_views"],
            "children_views": {
                pid: data[name] for name, pid in self.child_fields.items() if data.get(name)
            },
            "progress": {pk: data[name] for name, pk in self.outcome_fields.items()},
            "action_status": {pk: data[name] for name, pk in self.action_fields.items()},
            "progress_notes": data["progress_notes"],
            "what_changes": data["what_changes"],
            "expected_version": data.get("version"),
        }
