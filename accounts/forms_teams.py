"""Forms for managing teams and changing one's password: they shape the input;
accounts.services decides."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from accounts import selectors
from accounts.models import User
from core.forms import GovFormMixin
from core.models import Team


class TeamForm(GovFormMixin, forms.Form):
    """A team's name, agency and area (adding a team, or changing one)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label="Team name",
        help_text="For example, Family Support – North",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    agency = forms.ModelChoiceField(
        label="Agency", queryset=None, required=False, empty_label="Select an agency"
    )
    area = forms.ModelChoiceField(
        label="Early help area",
        help_text="Leave as 'All areas' for a team that works across the council",
        queryset=None,
        required=False,
        empty_label="All areas",
    )

    def __init__(self, *args, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.agencies_all()
        self.fields["area"].queryset = selectors.areas_all()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            Field.text("name", field_width=30),
            Field.select("agency"),
            Field.select("area"),
            Submit("submit", submit_label),
        )


class TeamManagersForm(GovFormMixin, forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    managers = forms.ModelMultipleChoiceField(
        label="Who manages this team?",
        help_text="Accounts with the team manager role. A manager sees the team's families and "
        "caseload",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managers"].queryset = selectors.team_manager_candidates(team)
        self.fields["managers"].label_from_instance = _manager_label
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            Field.checkboxes("managers", legend_size=Size.MEDIUM, small=True),
            Submit("submit", "Save managers"),
        )


def _manager_label(user: User) -> str:
    where = user.team.name if user.team else "no team"
    label = f"{user} ({where})"
    return label if user.is_active else f"{label}, account disabled"


class PasswordChangeForm(GovFormMixin, forms.Form):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="New password",
        help_text="At least 12 characters. Not a common password, all numbers, or like your name "
        "or username",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="Confirm your new password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("current_password", field_width=20),
            Field.text("new_password", field_width=20),
            Field.text("new_password_again", field_width=20),
            Submit("submit", "Change password"),
        )
