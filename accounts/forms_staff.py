"""Forms for managing staff accounts: they shape the input; accounts.services decides."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from accounts.models import Role
from core.forms import GovFormMixin
from core.models import Agency, Team


class StaffSearchForm(forms.Form):
    q = forms.CharField(label="Search by name or username", required=False, max_length=100)


class _PlacementFields(forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="No agency",
    )
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No team",
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    managed_teams = forms.ModelMultipleChoiceField(
        label="Teams they manage",
        help_text="Only for team managers",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def _placement_querysets(self) -> None:
        self.fields["agency"].queryset = Agency.objects.order_by("sort_order", "name")
        teams = Team.objects.select_related("agency").order_by("agency__sort_order", "name")
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda t: f"{t.name} ({t.agency.name})"
        self.fields["managed_teams"].queryset = teams
        self.fields["managed_teams"].label_from_instance = lambda t: f"{t.name} ({t.agency.name})"

    def _placement_layout(self) -> list:
        return [
            Field.select("agency"),
            Field.select("team"),
            Field.checkboxes("roles", legend_size=Size.SMALL, small=True),
            Field.checkboxes("managed_teams", legend_size=Size.SMALL, small=True),
        ]


class StaffCreateForm(GovFormMixin, _PlacementFields):
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    username = forms.CharField(
        label="Username",
        help_text="They sign in with this",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label="Email address",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    field_order = ["first_name", "last_name", "username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._placement_querysets()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Field.text("username", field_width=20),
            Field.text("email", field_width=30),
            *self._placement_layout(),
            Submit("submit", "Create account"),
        )


class StaffChangeForm(GovFormMixin, _PlacementFields):
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._placement_querysets()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version", *self._placement_layout(), Submit("submit", "Save changes")
        )


class ReasonForm(GovFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why?",
        help_text="This is kept with the account's history. Do not include personal details",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, label: str, submit_label: str, warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.SMALL),
            Submit("submit", submit_label, css_class="govuk-button--warning" if warning else ""),
        )
