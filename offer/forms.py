"""Forms for the offer's pages. They check shape only; the rules are the services'."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovDateField, GovFormMixin
from offer.models import Attendance, Programme, ProgrammeGroup

TEXT_LIMIT = "This must be 5,000 characters or fewer"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(label, *, required=False, message="", hint="", max_length=5000):
    field = forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea if max_length > 200 else forms.TextInput,
        max_length=max_length,
        help_text=hint,
    )
    field.error_messages["max_length"] = (
        TEXT_LIMIT if max_length > 200 else f"This must be {max_length} characters or fewer"
    )
    if message:
        field.error_messages["required"] = message
    return field


def _places(label: str, message: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=500,
        error_messages={
            "required": message,
            "invalid": "Enter a whole number of places",
            "min_value": "Enter a number of places from 0 to 500",
            "max_value": "Enter a number of places from 0 to 500",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )


class _UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ReferForm(GovFormMixin, forms.Form):
    """Refer family members to a programme, or signpost the family to any directory service."""

    service = forms.ModelChoiceField(
        label="Which service?",
        queryset=None,
        error_messages={"required": "Choose a service from the directory"},
        help_text="The council’s programmes and services, and others in the directory",
    )
    people = forms.MultipleChoiceField(
        label="Who is it for?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who the referral is for"},
    )
    priority = forms.ChoiceField(
        label="Priority",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the priority"},
    )
    reason = _text(
        "Why are you referring them?",
        required=True,
        message="Enter the reason for the referral",
    )
    handover_to = _text(
        "Who at the service did you hand over to? (optional)",
        hint="Their name and role",
        max_length=200,
    )
    handover_on = GovDateField(
        noun="Date of the handover",
        label="When did you hand over? (optional)",
        help_text="For example, 3 11 2026",
    )
    agreed_with_family = forms.BooleanField(
        label="The family agreed to this referral", required=False
    )

    def __init__(self, *args, services, members, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["people"].choices = [(str(p.pk), p.full_name) for p in members]
        self.fields["priority"].choices = priorities
        if priorities and not self.is_bound:
            self.fields["priority"].initial = priorities[-1][0]
        self.helper = _helper(
            Field.select("service", label_size=Size.SMALL),
            Field.checkboxes("people", legend_size=Size.SMALL, small=True),
            Field.radios("priority", legend_size=Size.SMALL, small=True, inline=True),
            Field.textarea("reason", label_size=Size.SMALL, rows=4),
            Field.text("handover_to", label_size=Size.SMALL),
            Field("handover_on"),
            Field.checkbox("agreed_with_family", small=True),
        )


class FamilyReferenceForm(GovFormMixin, forms.Form):
    reference = _text(
        "Family reference",
        required=True,
        message="Enter the family’s reference",
        hint="As shown on the family’s page, for example FAM-00012",
        max_length=20,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("reference", label_size=Size.SMALL, field_width=10))


class UptakeForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    taken_up = forms.TypedChoiceField(
        label="Did the family take up the service?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes if the family took it up"},
    )
    note = _text("Notes (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("taken_up", legend_size=Size.SMALL, inline=True),
            Field.textarea("note", label_size=Size.SMALL, rows=3),
            Field("version"),
        )


class WithdrawForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = _text("Why is it withdrawn?", required=True, message="Enter why it is withdrawn")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", label_size=Size.SMALL, rows=3), "version")


class EnrolForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    group = forms.TypedChoiceField(
        label="Which group?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a group"},
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [
            (g.pk, f"{g.name}: starts {g.starts_on:%-d %B %Y}, {g.free} free of {g.capacity}")
            for g in groups
        ]
        self.helper = _helper(Field.radios("group", legend_size=Size.SMALL), "version")


class TakeOnForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version")


class FinishForm(GovFormMixin, forms.Form):
    """Completed or left early (a participant of a group, or a one-to-one referral)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=[("completed", "Completed"), ("left", "Left early")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose completed or left early"},
    )
    on = GovDateField(noun="Date", label="When? (optional: today if left blank)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("outcome", legend_size=Size.SMALL, inline=True), Field("on"), "version"
        )


class ProgrammeForm(GovFormMixin, forms.Form):
    service = forms.ModelChoiceField(
        label="Which service in the directory?",
        queryset=None,
        error_messages={"required": "Choose the service in the directory"},
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=Programme.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of programme"},
    )
    team = forms.ModelChoiceField(
        label="Which team runs it?",
        queryset=None,
        error_messages={"required": "Choose the team that runs it"},
    )
    area = forms.ModelChoiceField(label="Area (optional)", queryset=None, required=False)
    capacity = _places("Places at once (a one-to-one service)", "Enter the number of places")

    def __init__(self, *args, services, teams, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["team"].queryset = teams
        self.fields["area"].queryset = areas
        self.fields["capacity"].initial = 0
        self.helper = _helper(
            Field.select("service", label_size=Size.SMALL),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.select("team", label_size=Size.SMALL),
            Field.select("area", label_size=Size.SMALL),
            Field.text("capacity", label_size=Size.SMALL),
        )


class OfferPlaceForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = _text(
        "Notes (optional)", hint="For example, how you told the family and by when to answer"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("note", label_size=Size.SMALL, rows=3), "version")


class RunningForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    running = forms.TypedChoiceField(
        label="Is it taking referrals?",
        choices=[("yes", "Yes, taking referrals"), ("no", "No, not taking referrals")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is taking referrals"},
    )
    reason = _text("Why is it not taking referrals? (needed when it stops)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("running", legend_size=Size.SMALL),
            Field.textarea("reason", label_size=Size.SMALL, rows=3),
            "version",
        )


class CapacityForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    capacity = _places("Places at once", "Enter the number of places")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("capacity", label_size=Size.SMALL), "version")


class GroupForm(GovFormMixin, forms.Form):
    name = _text(
        "Name of the group", required=True, message="Enter the group’s name", max_length=200
    )
    starts_on = GovDateField(
        noun="Start date",
        label="When does it start?",
        help_text="For example, 3 11 2026",
        required=True,
    )
    capacity = _places("Places", "Enter the number of places")
    venue = forms.ModelChoiceField(label="Venue (optional)", queryset=None, required=False)
    venue_text = _text("Or another venue (optional)", max_length=200)
    facilitators = _UserChoice(
        label="Facilitators (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sites, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = sites
        self.fields["facilitators"].queryset = staff
        self.helper = _helper(
            Field.text("name", label_size=Size.SMALL),
            Field("starts_on"),
            Field.text("capacity", label_size=Size.SMALL),
            Field.select("venue", label_size=Size.SMALL),
            Field.text("venue_text", label_size=Size.SMALL),
            Field.checkboxes("facilitators", legend_size=Size.SMALL, small=True),
        )


class GroupChangeForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(
        label="Status",
        choices=ProgrammeGroup.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status"},
    )
    capacity = _places("Places", "Enter the number of places")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field.text("capacity", label_size=Size.SMALL),
            "version",
        )


class SessionForm(GovFormMixin, forms.Form):
    held_on = GovDateField(
        noun="Date of the session", label="Date", help_text="For example, 3 11 2026", required=True
    )
    starts_at = forms.TimeField(
        label="Starts at (optional)",
        required=False,
        help_text="For example, 09:30",
        error_messages={"invalid": "Enter a time such as 09:30"},
    )
    ends_at = forms.TimeField(
        label="Ends at (optional)",
        required=False,
        help_text="For example, 11:30",
        error_messages={"invalid": "Enter a time such as 11:30"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("held_on"),
            Field.text("starts_at", label_size=Size.SMALL, field_width=5),
            Field.text("ends_at", label_size=Size.SMALL, field_width=5),
        )


class AttendanceForm(GovFormMixin, forms.Form):
    """Each participant of a session: attended, absent or was not brought."""

    def __init__(self, *args, participants=(), initial_marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)  # (enrolment, label)
        layout = []
        for enrolment, label in self.participants:
            key = f"enrolment_{enrolment.pk}"
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=(initial_marks or {}).get(enrolment.pk),
            )
            layout.append(Field.radios(key, legend_size=Size.SMALL, inline=True, small=True))
        self.helper = _helper(*layout)

    def marks(self) -> dict[int, str]:
        data = self.cleaned_data
        return {
            enrolment.pk: data[f"enrolment_{enrolment.pk}"]
            for enrolment, _label in self.participants
            if data.get(f"enrolment_{enrolment.pk}")
        }


class ImpactForm(GovFormMixin, forms.Form):
    measure = forms.ChoiceField(
        label="Which impact did they report?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the impact measure"},
    )
    note = _text("Notes (optional)")

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measures
        self.helper = _helper(
            Field.radios("measure", legend_size=Size.SMALL, small=True),
            Field.textarea("note", label_size=Size.SMALL, rows=3),
        )
