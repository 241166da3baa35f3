"""Forms for finding, adding and changing people, in the GOV.UK Design System's patterns.

Errors are worded as the Design System asks: say what went wrong and how to fix it,
name the field, no jargon. Each form can say where its non-field errors should link
to in the error summary (``non_field_error_anchor``).
"""

from datetime import date, timedelta

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    Field,
    Fieldset,
    Layout,
    Size,
    Submit,
)
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from core.models import Agency, Area
from people.models import ChronologyEntry, FamilyMember, Person, YesNoUnknown
from people.reference import Ethnicity, Gender

# A planned birth is at most about 42 weeks away; allow a little more.
MAX_EDD_AHEAD = timedelta(days=300)
# An unborn record may be made or kept a little after the due date (babies are late).
MAX_EDD_PAST = timedelta(days=31)


class GovDateField(DateInputField):
    """The GOV.UK date input, with error messages that name the date and say what to do."""

    def __init__(self, *, noun: str, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(require_all_fields=False, **kwargs)
        self.noun = noun
        self.error_messages["required"] = f"Enter the {noun.lower()}"
        self.error_messages["incomplete"] = f"{noun} must include a day, month and year"
        for part, subfield in zip(("day", "month", "year"), self.fields, strict=True):
            subfield.error_messages["incomplete"] = f"{noun} must include a {part}"
            subfield.validators = [RegexValidator(r"^[0-9]+$", f"{noun} must be a real date")]

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(f"{self.noun} must be a real date") from error


def _gender_field():
    return forms.ChoiceField(
        label="Gender",
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's gender, or select 'Not known'"},
    )


def _ethnicity_field():
    return forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        initial=Ethnicity.NOBT,
        help_text="Only record what the person (or for a young child, their family) has told you",
        error_messages={
            "required": "Select the person's ethnicity, or 'Information not yet obtained'"
        },
    )


def _kind_field(label="Who are you adding?"):
    return forms.ChoiceField(
        label=label,
        choices=Person.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the person is a child, an adult or an unborn baby"
        },
    )


class GovFormMixin:
    """Where the error summary links for errors that are not about one field."""

    non_field_error_anchor = ""
    # Fields laid out with ConditionalRadios (their inputs are numbered from 0, not 1).
    conditional_radios: tuple[str, ...] = ()


class PersonSearchForm(GovFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="Part of a name is enough, for example 'Jo Smi'. Spelling does not have to be exact.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = GovDateField(
        label="Date of birth (optional)",
        noun="Date of birth",
        help_text="For an unborn baby, enter the expected date of delivery. For example, 27 3 2015",
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    non_field_error_anchor = "id_name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field("date_of_birth"),
            Field.text("postcode", field_width=10),
            Submit("search", "Search"),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_postcode(self):
        return " ".join(self.cleaned_data["postcode"].upper().split())

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("name") or data.get("date_of_birth") or data.get("postcode")
        ):
            raise ValidationError("Enter a name, a date of birth or a postcode")
        return data

    def stored_terms(self) -> dict:
        """What is kept in the (server-side) session so that 'add a new person' can re-check."""
        dob = self.cleaned_data.get("date_of_birth")
        return {
            "name": self.cleaned_data.get("name", ""),
            "date_of_birth": dob.isoformat() if dob else "",
            "postcode": self.cleaned_data.get("postcode", ""),
        }


class _PersonDatesMixin:
    """Checks the date of birth and expected date of delivery against the kind of person."""

    allow_edd_for_born = False
    # Adding an unborn baby whose due date is long past is almost always a mistake. An
    # existing record may rightly keep one (a baby not yet recorded as born, or a loss),
    # so the edit form does not insist.
    refuse_past_edd = True

    def _clean_dates(self, data):
        kind = data.get("kind")
        dob = data.get("date_of_birth")
        edd = data.get("expected_date_of_delivery")
        today = timezone.localdate()
        if "date_of_birth" in self.errors or "expected_date_of_delivery" in self.errors:
            return
        if kind == Person.Kind.UNBORN:
            if dob:
                self.add_error(
                    "date_of_birth",
                    "An unborn baby does not have a date of birth. Leave it blank, or select "
                    "'Child or young person' if the baby has been born",
                )
            if not edd:
                self.add_error("expected_date_of_delivery", "Enter the expected date of delivery")
            elif edd > today + MAX_EDD_AHEAD:
                self.add_error(
                    "expected_date_of_delivery",
                    "Expected date of delivery must be within the next 10 months",
                )
            elif self.refuse_past_edd and edd < today - MAX_EDD_PAST:
                self.add_error(
                    "expected_date_of_delivery",
                    "Expected date of delivery must be in the last month or in the future. If the baby "
                    "has been born, select 'Child or young person' and enter the date of birth",
                )
        elif kind:
            if dob and dob > today:
                self.add_error("date_of_birth", "Date of birth must be today or in the past")
            elif dob and dob.year < 1900:
                self.add_error("date_of_birth", "Date of birth must be after 1900")
            if edd and not self.allow_edd_for_born:
                self.add_error(
                    "expected_date_of_delivery",
                    "Only enter an expected date of delivery for an unborn baby",
                )


class PersonCreateForm(GovFormMixin, _PersonDatesMixin, forms.Form):
    FAMILY_EXISTING = "existing"
    FAMILY_NEW = "new"

    kind = _kind_field()
    first_name = forms.CharField(
        label="First name",
        required=False,
        max_length=100,
        help_text="Leave blank for an unborn baby who has not been named",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = GovDateField(
        label="Date of birth",
        noun="Date of birth",
        help_text="For a child or adult. Leave blank if you do not know it. For example, 27 3 2015",
    )
    expected_date_of_delivery = GovDateField(
        label="Expected date of delivery",
        noun="Expected date of delivery",
        help_text="Only for an unborn baby. For example, 14 9 2026",
    )
    gender = _gender_field()
    ethnicity = _ethnicity_field()
    family_choice = forms.ChoiceField(
        label="Which family is this person part of?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select an existing family or a new family"},
    )
    family = forms.ModelChoiceField(
        label="Family",
        queryset=None,
        required=False,
        empty_label="Choose a family",
        error_messages={"invalid_choice": "Choose a family from the list"},
    )
    family_name = forms.CharField(
        label="Family name",
        required=False,
        max_length=200,
        help_text="How staff will refer to the family, for example 'Khan family'",
    )
    area = forms.ModelChoiceField(
        label="Early help area",
        queryset=Area.objects.all(),
        required=False,
        empty_label="Choose an area",
        error_messages={"invalid_choice": "Choose an early help area from the list"},
    )
    role = forms.ChoiceField(
        label="Their role in the family",
        choices=FamilyMember.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role in the family"},
    )

    non_field_error_anchor = "id_kind_1"

    def __init__(self, *args, families, can_start_family: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_start_family = can_start_family
        self.fields["family"].queryset = families.order_by("name", "reference")
        self.fields["family"].label_from_instance = lambda f: f"{f.name} ({f.reference})"
        self.has_families = families.exists()
        choices = []
        if self.has_families:
            choices.append((self.FAMILY_EXISTING, "A family already on the system"))
        if can_start_family:
            choices.append((self.FAMILY_NEW, "A new family"))
        self.fields["family_choice"].choices = choices
        if len(choices) == 1:
            # Only one way to answer: no question to ask, just the fields for it.
            self.fields["family_choice"].initial = choices[0][0]
            self.fields["family_choice"].widget = forms.HiddenInput()

        # Plain radios then labelled groups, not conditional reveals: GOV.UK Frontend's
        # reveal script puts aria-expanded on radio inputs, which is invalid ARIA and
        # fails the WCAG checks every page here must pass (govuk-frontend issue 979).
        family_parts = (
            [Field.radios("family_choice", legend_size=Size.MEDIUM)]
            if len(choices) > 1
            else [Field("family_choice")]
        )
        if self.has_families:
            family_parts.append(
                Fieldset(
                    Field.select("family"),
                    legend="If it is a family already on the system"
                    if len(choices) > 1
                    else "Family",
                    legend_size=Size.SMALL if len(choices) > 1 else Size.MEDIUM,
                )
            )
        if can_start_family:
            family_parts.append(
                Fieldset(
                    Field.text("family_name", field_width=20),
                    Field.select("area"),
                    legend="If it is a new family" if len(choices) > 1 else "The new family",
                    legend_size=Size.SMALL if len(choices) > 1 else Size.MEDIUM,
                )
            )
        if not can_start_family and self.has_families:
            family_parts.append(
                HTML(
                    '<p class="govuk-body">You can only add the person to a family already on the system. '
                    "You cannot start a new family because you are not a member of a team: ask your system "
                    "administrator to add you to one.</p>"
                )
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("first_name", field_width=20),
                Field.text("last_name", field_width=20),
                legend="Name",
                legend_size=Size.MEDIUM,
            ),
            HTML('<h2 class="govuk-heading-m">Date of birth or expected date of delivery</h2>'),
            Field("date_of_birth"),
            Field("expected_date_of_delivery"),
            Field.radios("gender", legend_size=Size.MEDIUM),
            Field("ethnicity", context={"label_size": Size.for_label(Size.MEDIUM)}),
            *family_parts,
            Field.radios("role", legend_size=Size.MEDIUM),
            Submit("save", "Add person"),
        )

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean(self):
        data = super().clean()
        self._clean_dates(data)
        kind = data.get("kind")
        if (
            kind
            and kind != Person.Kind.UNBORN
            and not data.get("first_name")
            and "first_name" not in self.errors
        ):
            self.add_error("first_name", "Enter the person's first name")
        choice = data.get("family_choice")
        if (
            choice == self.FAMILY_EXISTING
            and not data.get("family")
            and "family" not in self.errors
        ):
            self.add_error("family", "Choose the family the person is part of")
        if choice == self.FAMILY_NEW:
            if not data.get("family_name"):
                self.add_error("family_name", "Enter a name for the new family")
            if not data.get("area") and "area" not in self.errors:
                self.add_error("area", "Choose the early help area the family lives in")
        return data

    def person_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "date_of_birth": data["date_of_birth"] if data["kind"] != Person.Kind.UNBORN else None,
            "expected_date_of_delivery": data["expected_date_of_delivery"],
            "gender": data["gender"],
            "ethnicity": data["ethnicity"],
        }


class PersonEditForm(GovFormMixin, _PersonDatesMixin, forms.Form):
    """Every field people.services lets staff change, plus the version the edit started from."""

    # A child's record keeps the expected date of delivery from before they were born.
    allow_edd_for_born = True
    refuse_past_edd = False

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This page is out of date. Go back to the record and open it again"
        },
    )
    kind = _kind_field("Is this person a child, an adult or an unborn baby?")
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    middle_names = forms.CharField(label="Middle names", required=False, max_length=200)
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name"},
    )
    preferred_name = forms.CharField(
        label="Preferred name",
        required=False,
        max_length=100,
        help_text="What they like to be called, if different",
    )
    date_of_birth = GovDateField(
        label="Date of birth",
        noun="Date of birth",
        help_text="Leave blank if you do not know it. For example, 27 3 2015",
    )
    expected_date_of_delivery = GovDateField(
        label="Expected date of delivery",
        noun="Expected date of delivery",
        help_text="For an unborn baby. For example, 14 9 2026",
    )
    gender = _gender_field()
    ethnicity = _ethnicity_field()
    disability = forms.ChoiceField(
        label="Does the person have a disability?",
        choices=YesNoUnknown.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the person has a disability, or 'Not known'"},
    )
    disability_details = forms.CharField(
        label="Details of the disability (if they have one)",
        required=False,
        widget=forms.Textarea,
        help_text="What it is and how it affects them day to day",
    )
    has_ehcp = forms.BooleanField(
        label="Has an education, health and care plan (EHCP)", required=False
    )
    is_young_carer = forms.BooleanField(label="Is a young carer", required=False)
    first_language = forms.CharField(label="First language", required=False, max_length=100)
    communication_needs = forms.CharField(
        label="Communication needs",
        required=False,
        widget=forms.Textarea,
        help_text="For example British Sign Language, a learning disability or speech and language needs",
    )
    interpreter_required = forms.BooleanField(label="Needs an interpreter", required=False)

    non_field_error_anchor = "current-saved-details"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("version"),
            Field.radios("kind", legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("first_name", field_width=20),
                Field.text("middle_names", field_width=20),
                Field.text("last_name", field_width=20),
                Field.text("preferred_name", field_width=20),
                legend="Name",
                legend_size=Size.MEDIUM,
            ),
            HTML('<h2 class="govuk-heading-m">Date of birth or expected date of delivery</h2>'),
            Field("date_of_birth"),
            Field("expected_date_of_delivery"),
            Field.radios("gender", legend_size=Size.MEDIUM),
            Field("ethnicity", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Field.radios("disability", legend_size=Size.MEDIUM, inline=True),
            Field.textarea("disability_details", rows=3),
            Fieldset(
                Field.checkbox("has_ehcp"),
                Field.checkbox("is_young_carer"),
                legend="Education and caring",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("first_language", field_width=20),
                Field.textarea("communication_needs", rows=3),
                Field.checkbox("interpreter_required"),
                legend="Language and communication",
                legend_size=Size.MEDIUM,
            ),
            Submit("save", "Save changes"),
        )

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        from people.services import PERSON_EDITABLE_FIELDS

        initial = {name: getattr(person, name) for name in PERSON_EDITABLE_FIELDS}
        initial["version"] = person.version
        return initial

    def clean(self):
        data = super().clean()
        self._clean_dates(data)
        kind = data.get("kind")
        if (
            kind
            and kind != Person.Kind.UNBORN
            and not data.get("first_name")
            and "first_name" not in self.errors
        ):
            self.add_error("first_name", "Enter the person's first name")
        if data.get("disability") != YesNoUnknown.YES:
            # Details only make sense for 'Yes'; a hidden, stale answer is not kept.
            data["disability_details"] = ""
        return data

    def changes(self) -> dict:
        from people.services import PERSON_EDITABLE_FIELDS

        changes = {name: self.cleaned_data[name] for name in PERSON_EDITABLE_FIELDS}
        for name in ("first_name", "middle_names", "last_name", "preferred_name", "first_language"):
            changes[name] = changes[name].strip()
        if changes["kind"] == Person.Kind.UNBORN:
            changes["date_of_birth"] = None
        return changes


class ChronologyEntryForm(GovFormMixin, forms.Form):
    occurred_on = GovDateField(
        label="When did it happen?",
        noun="Date",
        required=True,
        help_text="If you only know the month, use the 1st. For example, 27 3 2026",
    )
    category = forms.ChoiceField(
        label="What kind of event was it?",
        choices=ChronologyEntry.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of event it was"},
    )
    summary = forms.CharField(
        label="What happened?",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Facts, and the impact on the child. Write it so the family could read it.",
        error_messages={
            "required": "Enter what happened",
            "max_length": "What happened must be 2,000 characters or fewer",
        },
    )
    source = forms.CharField(
        label="Where did the information come from? (optional)",
        required=False,
        max_length=200,
        help_text="For example the school, a police notification or the family",
        error_messages={
            "max_length": "Where the information came from must be 200 characters or fewer"
        },
    )

    non_field_error_anchor = "id_occurred_on_0"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("occurred_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.radios("category", legend_size=Size.MEDIUM, small=True),
            Field.textarea("summary", label_size=Size.MEDIUM, rows=5, max_characters=2000),
            Field.text("source", field_width=20),
            Submit("save", "Add entry"),
        )

    def clean_occurred_on(self):
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on and occurred_on > timezone.localdate():
            raise ValidationError("The date must be today or in the past")
        if occurred_on and occurred_on.year < 1900:
            raise ValidationError("The date must be after 1900")
        return occurred_on


class ProfessionalForm(GovFormMixin, forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the professional's name"}
    )
    role = forms.CharField(
        label="Role",
        max_length=200,
        help_text="For example 'Health visitor' or 'Head of year 9'",
        error_messages={"required": "Enter the professional's role"},
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.all(),
        required=False,
        empty_label="Not one of these agencies",
        error_messages={"invalid_choice": "Choose an agency from the list"},
        help_text="Choose from the partnership's agencies, or leave this and enter the organisation below",
    )
    organisation = forms.CharField(
        label="Organisation (if not in the list)",
        required=False,
        max_length=200,
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    started_on = GovDateField(
        label="Working with the person since (optional)",
        noun="Start date",
        help_text="For example, 1 9 2025",
    )

    non_field_error_anchor = "id_agency"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field.text("role", field_width=20),
            Field.select("agency"),
            Field.text("organisation", field_width=20),
            Field.text("phone", field_width=20),
            Field.text("email", field_width=20),
            Field("started_on"),
            Submit("save", "Add professional"),
        )

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on and started_on > timezone.localdate():
            raise ValidationError("Start date must be today or in the past")
        return started_on

    def clean(self):
        data = super().clean()
        if data.get("agency") and data.get("organisation"):
            self.add_error("organisation", "Choose an agency or enter an organisation, not both")
        elif not (
            data.get("agency") or data.get("organisation") or self.has_error("organisation")
        ) and not (self.has_error("agency")):
            self.add_error(
                "organisation", "Choose an agency, or enter the organisation they work for"
            )
        return data
