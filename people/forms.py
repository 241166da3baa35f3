"""Forms for finding, adding and changing people, in the GOV.UK Design System's patterns.

Errors are worded as the Design System asks: say what went wrong and how to fix it,
name the field, no jargon. Each form can say where its non-field errors should link
to in the error summary (``non_field_error_anchor``).
"""

import re

from crispy_forms_gds.choices import Choice
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

from core.forms import GovDateField, GovFormMixin
from core.models import Agency, Area
from people import services
from people.models import (
    ChronologyEntry,
    FamilyMember,
    ParentalResponsibility,
    Person,
    PersonName,
    Relationship,
    YesNoUnknown,
)
from people.reference import Ethnicity, Gender


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


class _PersonRulesMixin:
    """Shows people.services.person_errors on the form: the rules live there, not here."""

    creating = True

    def _clean_person(self, data):
        dates = ("date_of_birth", "expected_date_of_delivery")
        unreadable_date = any(name in self.errors for name in dates)
        for name, message in services.person_errors(data, creating=self.creating).items():
            # A field that could not even be read already says so; and a date that could not
            # be read says nothing about how the other one fits the kind of person.
            if name in self.errors or (unreadable_date and name in dates):
                continue
            self.add_error(name, message)


class PersonCreateForm(GovFormMixin, _PersonRulesMixin, forms.Form):
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
        self._clean_person(data)
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


class PersonEditForm(GovFormMixin, _PersonRulesMixin, forms.Form):
    """Every field people.services lets staff change, plus the version the edit started from."""

    # Editing keeps what an existing record may rightly hold (see people.services.person_errors).
    creating = False

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
    # people.services.phone_error checks it, for this page and the API alike.
    phone = forms.CharField(
        label="Telephone number",
        required=False,
        help_text="A UK number, for example 01632 960 001 or 07700 900 982",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

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
            HTML('<h2 class="govuk-heading-m">Contact</h2>'),
            Field.text("phone", field_width=20),
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
        self._clean_person(data)
        if data.get("disability") != YesNoUnknown.YES:
            # Details only make sense for 'Yes'; a hidden, stale answer is not kept.
            data["disability_details"] = ""
        return data

    def changes(self) -> dict:
        from people.services import PERSON_EDITABLE_FIELDS

        changes = {name: self.cleaned_data[name] for name in PERSON_EDITABLE_FIELDS}
        for name in (
            "first_name",
            "middle_names",
            "last_name",
            "preferred_name",
            "first_language",
            "phone",
        ):
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
        return _not_in_future(
            self.cleaned_data["occurred_on"], "The date must be today or in the past"
        )


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
        return _not_in_future(
            self.cleaned_data["started_on"], "Start date must be today or in the past"
        )

    def clean(self):
        data = super().clean()
        if not (self.has_error("organisation") or self.has_error("agency")):
            for name, message in services.professional_errors(
                agency=data.get("agency"), organisation=data.get("organisation", "")
            ).items():
                self.add_error(name, message)
        return data


# ---------------------------------------------------------------- adding to a person's or family's record
#
# Labels, legends and hints are escaped by the project's copies of the crispy-forms-gds
# templates (templates/gds/, ADR 0009), so names go in them as they are. Names never go in
# HTML() or Submit(), which crispy renders as Django templates.

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]

# Loose on purpose: the shape of a UK postcode (outward code, then digit and two letters).
UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def _not_in_future(value, message: str):
    if error := services.past_date_error(value, message):
        raise ValidationError(error)
    return value


class PersonChoiceField(forms.ChoiceField):
    """Radios of people, each with a hint to tell them apart; cleans to the Person.

    Only the people given can be chosen: anyone else is an invalid choice, whatever is posted.
    """

    def __init__(self, *, people=(), hint=None, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(**kwargs)
        self.set_people(people, hint)

    def set_people(self, people, hint=None) -> None:
        people = list(people)
        self.people = {str(p.pk): p for p in people}
        self.choices = [
            Choice(str(p.pk), p.full_name, hint=hint(p) if hint else "") for p in people
        ]

    def clean(self, value):
        value = super().clean(value)
        return self.people.get(value) if value else None


class AddressForm(GovFormMixin, forms.Form):
    line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={
            "required": "Enter address line 1, typically the building and street",
            "max_length": "Address line 1 must be 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    line_2 = forms.CharField(
        label="Address line 2 (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Address line 2 must be 200 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    town = forms.CharField(
        label="Town or city",
        max_length=100,
        error_messages={
            "required": "Enter town or city",
            "max_length": "Town or city must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={
            "required": "Enter postcode",
            "max_length": "Enter a full UK postcode, like HD1 2AB",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    moved_in = GovDateField(
        label="When did they move in? (optional)",
        noun="Date they moved in",
        help_text="For example, 27 3 2024",
    )
    is_confidential = forms.ChoiceField(
        label="Is this address confidential?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="For example a refuge. A confidential address is shown only to staff whose team works "
        "with the family, and cannot be found by searching for its postcode.",
        error_messages={"required": "Select yes if the address is confidential"},
    )
    ends_current = forms.BooleanField(
        label="This is their current address \u2013 end the previous one",
        required=False,
        initial=True,
        help_text="Untick this if they live at both, for example a child who lives with each parent.",
    )

    non_field_error_anchor = "id_line_1"

    def __init__(self, *args, has_current_address: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_current_address:
            # Nothing to end: no question to ask.
            del self.fields["ends_current"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("line_1"),
            Field.text("line_2"),
            Field.text("town", field_width=20),
            Field.text("postcode", field_width=10),
            Field("moved_in"),
            Field.radios("is_confidential", legend_size=Size.MEDIUM, inline=True),
            *([Field.checkbox("ends_current")] if has_current_address else []),
            Submit("save", "Add address"),
        )

    def clean_postcode(self):
        compact = re.sub(r"\s+", "", self.cleaned_data["postcode"].upper())
        match = UK_POSTCODE.match(compact)
        if not match:
            raise ValidationError("Enter a full UK postcode, like HD1 2AB")
        return f"{match.group(1)} {match.group(2)}"

    def clean_moved_in(self):
        return _not_in_future(
            self.cleaned_data["moved_in"], "The date they moved in must be today or in the past"
        )

    def address_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "line_1": data["line_1"],
            "line_2": data["line_2"],
            "town": data["town"],
            "postcode": data["postcode"],
            "moved_in": data["moved_in"],
            "is_confidential": data["is_confidential"] == YES,
            "ends_current": data.get("ends_current", False),
        }


class _EndDateForm(GovFormMixin, forms.Form):
    """One past-or-today date that ends something (a stay at an address, parental responsibility)."""

    date_field = ""
    submit_label = ""
    future_message = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.non_field_error_anchor = f"id_{self.date_field}_0"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field(self.date_field, context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Submit("save", self.submit_label),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(self.date_field):
            try:
                _not_in_future(cleaned[self.date_field], self.future_message)
            except ValidationError as error:
                self.add_error(self.date_field, error)
        return cleaned


class AddressEndForm(_EndDateForm):
    moved_out = GovDateField(
        label="When did they move out?",
        noun="Date they moved out",
        required=True,
        help_text="If you only know the month, use the 1st. For example, 27 3 2026",
    )
    date_field = "moved_out"
    submit_label = "Save moving out date"
    future_message = "The date they moved out must be today or in the past"


class OtherNameForm(GovFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of name is it?",
        choices=PersonName.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of name it is"},
    )
    first_name = forms.CharField(
        label="First name",
        required=False,
        max_length=100,
        error_messages={"max_length": "First name must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        required=False,
        max_length=100,
        error_messages={"max_length": "Last name must be 100 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    non_field_error_anchor = "id_first_name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "kind"
        ].help_text = "Other names help find the person when someone searches for them by a name they used before"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.text("first_name", field_width=20),
            Field.text("last_name", field_width=20),
            Submit("save", "Add name"),
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            for name, message in services.other_name_errors(
                first_name=data.get("first_name", ""), last_name=data.get("last_name", "")
            ).items():
                self.add_error(name, message)
        return data


class RelationshipForm(GovFormMixin, forms.Form):
    relative = PersonChoiceField(
        label="Who are they related to?",
        error_messages={
            "required": "Select who they are related to",
            "invalid_choice": "Select who they are related to from the list",
        },
    )
    kind = forms.ChoiceField(
        choices=Relationship.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they are related"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=200,
        help_text="For example 'Paternal grandmother' or, if you chose 'Other', how they are related",
        error_messages={"max_length": "Notes must be 200 characters or fewer"},
    )

    non_field_error_anchor = "id_relative_1"

    def __init__(self, *args, person: Person, relatives, **kwargs):
        from people.presenters import person_hint

        super().__init__(*args, **kwargs)
        name = person.full_name
        self.fields["relative"].set_people(relatives, hint=person_hint)
        self.fields["relative"].help_text = f"Only people in the same families as {name} are listed"
        self.fields["kind"].label = f"{name} is the \u2026 of the person you chose"
        self.fields[
            "kind"
        ].help_text = f"To record that {name} is someone\u2019s child, add the relationship on the parent\u2019s page"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("relative", legend_size=Size.MEDIUM),
            Field.radios("kind", legend_size=Size.MEDIUM, small=True),
            Field.text("notes"),
            Submit("save", "Add relationship"),
        )

    def clean(self):
        data = super().clean()
        if "notes" not in self.errors:
            for name, message in services.relationship_errors(
                kind=data.get("kind", ""), notes=data.get("notes", "")
            ).items():
                self.add_error(name, message)
        return data


class ParentalResponsibilityForm(GovFormMixin, forms.Form):
    adult = PersonChoiceField(
        label="Who has parental responsibility?",
        error_messages={
            "required": "Select the adult who has parental responsibility",
            "invalid_choice": "Select an adult from the list. Only an adult can have parental responsibility",
        },
    )
    basis = forms.ChoiceField(
        label="How do they have it?",
        choices=ParentalResponsibility.Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they have parental responsibility"},
    )
    from_date = GovDateField(
        label="When did it start? (optional)",
        noun="Date it started",
        help_text="Leave blank if it has been since birth or you do not know. For example, 27 3 2024",
    )

    non_field_error_anchor = "id_adult_1"

    def __init__(self, *args, child: Person, adults, **kwargs):
        from people.presenters import person_hint

        super().__init__(*args, **kwargs)
        self.fields["adult"].set_people(adults, hint=person_hint)
        self.fields["adult"].help_text = (
            f"Adults in the same family as {child.full_name}. To choose someone else, "
            "add them to the family first"
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("adult", legend_size=Size.MEDIUM),
            Field.radios("basis", legend_size=Size.MEDIUM, small=True),
            Field("from_date"),
            Submit("save", "Record parental responsibility"),
        )

    def clean_from_date(self):
        return _not_in_future(
            self.cleaned_data["from_date"], "The date it started must be today or in the past"
        )


class ParentalResponsibilityEndForm(_EndDateForm):
    to_date = GovDateField(
        label="When did it end?",
        noun="Date it ended",
        required=True,
        help_text="For example, 27 3 2026",
    )
    date_field = "to_date"
    submit_label = "End parental responsibility"
    future_message = "The date it ended must be today or in the past"


class FamilyMemberAddForm(GovFormMixin, forms.Form):
    person = PersonChoiceField(
        label="Who do you want to add?",
        error_messages={
            "required": "Select the person to add to the family",
            "invalid_choice": "Select a person from the search results",
        },
    )
    role = forms.ChoiceField(
        label="Their role in the family",
        choices=FamilyMember.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role in the family"},
    )

    non_field_error_anchor = "id_person_1"

    def __init__(self, *args, rows=(), **kwargs):
        """``rows`` are presenters.SearchRow for the people who may be chosen."""
        from people.presenters import search_choice_hint

        super().__init__(*args, **kwargs)
        hints = {row.person.pk: search_choice_hint(row) for row in rows}
        self.fields["person"].set_people([row.person for row in rows], hint=lambda p: hints[p.pk])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("person", legend_size=Size.MEDIUM),
            Field.radios("role", legend_size=Size.MEDIUM),
            Submit("add", "Add to family"),
        )


class HouseholdForm(GovFormMixin, forms.Form):
    NO_ADDRESS = "none"

    name = forms.CharField(
        label="Name of the household",
        max_length=200,
        help_text="How staff will tell it apart, for example "
        "\u2018Mum\u2019s house\u2019 or \u2018Dad\u2019s flat\u2019",
        error_messages={
            "required": "Enter a name for the household",
            "max_length": "Name of the household must be 200 characters or fewer",
        },
    )
    address = forms.ChoiceField(
        label="Where is it?",
        widget=forms.RadioSelect,
        help_text="The current addresses of people in the family. To use another address, add it to "
        "someone\u2019s record first.",
        error_messages={
            "required": "Select the household\u2019s address, or \u2018No address or not known\u2019",
            "invalid_choice": "Select an address from the list",
        },
    )
    is_confidential = forms.ChoiceField(
        label="Is this household\u2019s address confidential?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="For example a refuge. It will be shown only to staff whose team works with the family.",
        error_messages={"required": "Select yes if the household\u2019s address is confidential"},
    )

    non_field_error_anchor = "id_name"

    def __init__(self, *args, address_options=(), **kwargs):
        """``address_options`` as selectors.household_address_options returns them."""
        super().__init__(*args, **kwargs)
        self.options = {str(option["address"].pk): option for option in address_options}
        choices = []
        for value, option in self.options.items():
            label = str(option["address"]) + (" (confidential)" if option["confidential"] else "")
            names = ", ".join(p.full_name for p in option["people"])
            choices.append(Choice(value, label, hint=f"Current address of {names}"))
        if choices:
            choices[-1].divider = "or"
        choices.append(Choice(self.NO_ADDRESS, "No address or not known"))
        self.fields["address"].choices = choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field.radios("address", legend_size=Size.MEDIUM),
            Field.radios("is_confidential", legend_size=Size.MEDIUM, inline=True),
            Submit("save", "Add household"),
        )

    # "At a confidential address the household must be confidential too" is
    # people.services.household_create's rule; its refusal shows on is_confidential.

    def household_fields(self) -> dict:
        option = self.options.get(self.cleaned_data["address"])
        return {
            "name": self.cleaned_data["name"],
            "address": option["address"] if option else None,
            "is_confidential": self.cleaned_data["is_confidential"] == YES,
        }


class HouseholdMembersForm(GovFormMixin, forms.Form):
    """Who lives in a household now. Rendered by hand: each ticked person reveals 'part time'."""

    residents = forms.MultipleChoiceField(
        label="Who lives here?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select people from the list"},
    )
    part_time = forms.MultipleChoiceField(
        label="Stays here only part of the time",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select people from the list"},
    )

    non_field_error_anchor = "id_residents_1"

    def __init__(self, *args, candidates, current=(), **kwargs):
        """``candidates``: people who may be ticked; ``current``: open HouseholdMember rows."""
        from people.presenters import person_hint

        current = list(current)
        kwargs.setdefault(
            "initial",
            {
                "residents": [str(m.person_id) for m in current],
                "part_time": [str(m.person_id) for m in current if m.stays_part_time],
            },
        )
        super().__init__(*args, **kwargs)
        self.candidates = {str(p.pk): p for p in candidates}
        choices = [(value, p.full_name) for value, p in self.candidates.items()]
        self.fields["residents"].choices = choices
        self.fields["part_time"].choices = choices
        self.rows = [
            {"value": value, "person": p, "hint": person_hint(p), "index": index}
            for index, (value, p) in enumerate(self.candidates.items(), start=1)
        ]

    def chosen_residents(self) -> dict:
        """Person -> stays part time. A 'part time' tick under an unticked person is ignored:
        it was hidden from the user when they unticked them."""
        part_time = set(self.cleaned_data["part_time"])
        return {
            self.candidates[value]: value in part_time for value in self.cleaned_data["residents"]
        }


class ConfirmForm(GovFormMixin, forms.Form):
    """A confirmation page: nothing to fill in, but somewhere to show why it was refused."""

    non_field_error_anchor = "confirm"


class FamilyTeamForm(GovFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label="Which team is starting to work with the family?",
        queryset=None,
        empty_label="Choose a team",
        help_text="Everyone in the team will be able to see the family\u2019s records",
        error_messages={
            "required": "Choose the team that is starting to work with the family",
            "invalid_choice": "Choose a team from the list",
        },
    )

    non_field_error_anchor = "id_team"

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda t: t.name_with_agency
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("team", label_size=Size.MEDIUM),
            Submit("save", "Add team"),
        )
