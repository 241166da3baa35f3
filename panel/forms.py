"""Forms for cancelling and moving a panel meeting (GOV.UK Design System patterns)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from core.forms import GovDateField, GovFormMixin, PickField
from offer import selectors as offer_selectors
from panel.models import Weekday
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
    # The date whose passed deadlines the person has been warned of (see the move page): a
    # different date is warned of again before it is moved to.
    confirmed_date = forms.CharField(required=False, widget=forms.HiddenInput)
    non_field_error_anchor = "id_new_date_0"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("new_date", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field("reason", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Field("confirmed_date"),
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


# ---------------------------------------------------------------- the meeting and after


class DecisionForm(GovFormMixin, forms.Form):
    """The panel's (or the chair's extraordinary) decision on one case."""

    kind = forms.ChoiceField(
        label="What did the panel decide?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the panel decided"},
    )
    lead_agency = forms.ModelChoiceField(
        label="Lead agency (or the single agency)",
        queryset=None,
        required=False,
        empty_label="Select an agency",
        help_text="For a lead agency or single agency decision",
    )
    supporting_agencies = forms.ModelMultipleChoiceField(
        label="Supporting agencies",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For a lead agency decision: agencies that will also support the family",
    )
    signpost_to = forms.CharField(
        label="Signposted to",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    handover = forms.CharField(
        label="Handover to the single agency",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to decline or to step up to children's social care",
    )
    discussion = forms.CharField(
        label="Discussion notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    actions = forms.CharField(
        label="Actions", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    signpost_service = PickField(
        label="Signpost or single agency: a service in the directory (optional)",
        help_text=(
            "Pick the service the family is handed over to, and we follow up whether they took "
            "it up. For a service not in the directory, type it above instead"
        ),
        queryset=offer_selectors.pickable_services(),
        required=False,
        empty_label="No service",
        error_messages={"invalid_choice": "Choose a service from the directory"},
    )
    handover_to = forms.CharField(
        label="Who at the service was it handed over to?",
        help_text="Their name and role",
        required=False,
        max_length=200,
        error_messages={"max_length": "This must be 200 characters or fewer"},
    )
    handover_on = GovDateField(noun="Date of the handover", label="When was it handed over?")
    agreed_with_family = forms.ChoiceField(
        label="Is the handover agreed with the family?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    non_field_error_anchor = "id_kind"

    def __init__(
        self, *args, agencies=None, submit_label="Record the decision", can_refer=True, **kwargs
    ):
        from core.models import Agency
        from panel.models import PanelDecision

        super().__init__(*args, **kwargs)
        agencies = agencies if agencies is not None else Agency.objects.all()
        self.fields["kind"].choices = PanelDecision.Kind.choices
        self.fields["lead_agency"].queryset = agencies
        self.fields["supporting_agencies"].queryset = agencies
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("kind", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            "lead_agency",
            "supporting_agencies",
            "signpost_to",
            "handover",
            *(
                [
                    Field.select("signpost_service"),
                    Field.text("handover_to"),
                    Field("handover_on"),
                    Field.radios("agreed_with_family", inline=True),
                ]
                if can_refer
                else []
            ),
            "reason",
            "discussion",
            "actions",
            Submit("record_decision", submit_label),
        )
        if not can_refer:
            # Only staff who refer families may hand one over to a directory service.
            for name in ("signpost_service", "handover_to", "handover_on", "agreed_with_family"):
                del self.fields[name]


class AllocateForm(GovFormMixin, forms.Form):
    lead_professional = forms.ModelChoiceField(
        label="Who is the lead professional?",
        queryset=None,
        empty_label="Select a member of staff",
        error_messages={"required": "Select the lead professional"},
    )
    non_field_error_anchor = "id_lead_professional"

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].queryset = choices
        self.fields["lead_professional"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_username()}{', ' + u.team.name if u.team_id else ''}"
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("lead_professional", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Submit("allocate", "Allocate the lead professional"),
        )


# ---------------------------------------------------------------- seats, members, chair and deputy


def _staff_label(user) -> str:
    name = user.get_full_name() or user.get_username()
    return f"{name}, {user.job_title}" if user.job_title else name


class SeatAddForm(GovFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label="Which agency takes the seat?",
        queryset=None,
        empty_label="Select an agency",
        error_messages={"required": "Select the agency", "invalid_choice": "Select the agency"},
    )
    non_field_error_anchor = "id_agency"

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("agency", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Submit("add_seat", "Add the seat"),
        )


class SeatMemberAddForm(GovFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label="Who sits in the seat?",
        queryset=None,
        empty_label="Select a member of staff",
        error_messages={
            "required": "Select who sits in the seat",
            "invalid_choice": "Select who sits in the seat",
        },
    )
    kind = forms.ChoiceField(
        label="Are they a member or a substitute?",
        choices=[("member", "Member"), ("substitute", "Substitute")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they are a member or a substitute"},
    )
    non_field_error_anchor = "id_user"

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = choices
        self.fields["user"].label_from_instance = _staff_label
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("user", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Field("kind", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Submit("add_member", "Add them to the seat"),
        )


class ChairForm(GovFormMixin, forms.Form):
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=None,
        empty_label="Select the chair",
        error_messages={"required": "Select the chair", "invalid_choice": "Select the chair"},
    )
    deputy = forms.ModelChoiceField(
        label="Deputy chair",
        queryset=None,
        required=False,
        empty_label="Select the deputy chair",
        help_text="The deputy chairs the meeting when the chair cannot. Leave it to keep the deputy as it is.",
        error_messages={"invalid_choice": "Select the deputy chair"},
    )
    non_field_error_anchor = "id_chair"

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "deputy"):
            self.fields[name].queryset = choices
            self.fields[name].label_from_instance = _staff_label
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("chair", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Field("deputy", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Submit("set_chair", "Save the chair and deputy"),
        )


# ---------------------------------------------------------------- a panel's settings, moving a member

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _time_field(label: str, noun: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        input_formats=TIME_FORMATS,
        help_text="Use the 24-hour clock, for example, 09:30 or 14:00",
        widget=forms.TimeInput(
            format="%H:%M", attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}
        ),
        error_messages={
            "required": f"Enter the {noun}",
            "invalid": f"Enter the {noun} as hours and minutes, for example, 09:30",
        },
    )


def _number_field(label: str, noun: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": f"Enter the {noun}",
            "invalid": f"Enter the {noun} as a whole number",
        },
    )


class PanelSettingsForm(GovFormMixin, forms.Form):
    """A new panel, or a panel's settings (``with_active``): only shapes the input; the model's
    ``clean()`` and ``panel_create``/``panel_change`` decide what is allowed."""

    name = forms.CharField(
        label="Name of the panel",
        max_length=200,
        error_messages={
            "required": "Enter the name of the panel",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    area = forms.ModelChoiceField(
        label="Which area does it cover?",
        queryset=None,
        required=False,
        empty_label="The whole council",
        help_text="Referrals of families in the area go to its panel; the rest go to the whole council’s panel",
        error_messages={"invalid_choice": "Select the area, or the whole council"},
    )
    weekday = forms.TypedChoiceField(
        label="Which day of the week does it meet?",
        coerce=int,
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the day it meets"},
    )
    first_meeting_date = GovDateField(
        label="Date of the first meeting",
        noun="Date of the first meeting",
        required=True,
        help_text="Every later meeting is two weeks on. For example, 6 1 2027",
    )
    start_time = _time_field("Start time", "start time")
    end_time = _time_field("End time", "end time")
    location = forms.CharField(
        label="Where does it usually meet? (optional)",
        required=False,
        max_length=300,
        error_messages={"max_length": "The place must be 300 characters or fewer"},
    )
    cutoff_days = _number_field(
        "Referral cut-off (days before the meeting)",
        "referral cut-off",
        "Referrals must arrive by 12 noon this many days before the meeting",
    )
    publication_working_days = _number_field(
        "Agenda published (working days before the meeting)",
        "number of working days",
        "The agenda and pack are published by 12 noon this many working days before",
    )
    quorum_members = _number_field(
        "Members needed for a quorum",
        "number of members needed for a quorum",
        "Members from different seats who must be there, with the chair or deputy, to decide",
    )
    non_field_error_anchor = "id_name"

    def __init__(self, *args, areas=None, with_active: bool = False, submit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["weekday"].choices = Weekday.choices
        fields = [
            Field("name", context={"label_size": Size.for_label(Size.SMALL)}),
            Field("area", context={"label_size": Size.for_label(Size.SMALL)}),
            Field("weekday", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field("first_meeting_date", context={"legend_size": Size.for_legend(Size.SMALL)}),
            "start_time",
            "end_time",
            "location",
            "cutoff_days",
            "publication_working_days",
            "quorum_members",
        ]
        if with_active:
            self.fields["active"] = forms.TypedChoiceField(
                label="Is the panel taking referrals?",
                coerce=lambda value: value == "yes",
                choices=[
                    ("yes", "Yes, it is active"),
                    ("no", "No, it is retired"),
                ],
                widget=forms.RadioSelect,
                help_text="A retired panel takes no new referrals and no new meetings; "
                "meetings already on its calendar stay",
                error_messages={"required": "Select whether the panel is taking referrals"},
            )
            self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput)
            fields += [
                Field("active", context={"legend_size": Size.for_legend(Size.SMALL)}),
                "version",
            ]
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields, Submit("save_panel", submit or "Save"))


class SeatMemberMoveForm(GovFormMixin, forms.Form):
    to_seat = forms.ModelChoiceField(
        label="Which panel do they move to?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the panel they move to",
            "invalid_choice": "Select the panel they move to",
        },
    )
    non_field_error_anchor = "id_to_seat"

    def __init__(self, *args, seats=None, offered=(), **kwargs):
        """``seats``: every seat the person may name (the service decides which may be moved
        to); ``offered``: the ones shown as choices."""
        super().__init__(*args, **kwargs)
        field = self.fields["to_seat"]
        field.queryset = seats
        field.choices = [
            (
                seat.pk,
                f"{seat.panel.name} ({seat.panel.area.name if seat.panel.area_id else 'the whole council'})",
            )
            for seat in offered
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("to_seat", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Submit("move_member", "Move them"),
        )
