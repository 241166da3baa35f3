from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms


class SignInForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Enter your username"},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template has the <form> (and its CSRF token); crispy would nest a second one.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field.text("password", field_width=20),
            Submit("submit", "Sign in"),
        )


class SecurityCodeForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the 6-digit security code from your authenticator app",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, submit_label: str = "Continue", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template has the <form> (and its CSRF token); crispy would nest a second one.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("token", field_width=5, label_size=Size.SMALL),
            Submit("submit", submit_label),
        )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        return token


class ApiTokenForm(forms.Form):
    DAY_CHOICES = [("7", "7 days"), ("30", "30 days"), ("60", "60 days"), ("90", "90 days")]

    name = forms.CharField(
        label="What is the token for?",
        help_text=(
            "For example, the name of the system or script that will use it. "
            "You will see this in your list of tokens."
        ),
        max_length=100,
        error_messages={
            "required": "Enter what the token is for",
            "max_length": "What the token is for must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    days = forms.TypedChoiceField(
        label="When should the token expire?",
        choices=DAY_CHOICES,
        coerce=int,
        initial="30",
        error_messages={"required": "Select when the token should expire"},
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The template has the <form> (and its CSRF token); crispy would nest a second one.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name", field_width=30, label_size=Size.SMALL),
            Field.radios("days", legend_size=Size.SMALL),
            Submit("submit", "Create token"),
        )
