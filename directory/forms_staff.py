"""Forms for the staff pages that keep the directory. They shape the input; the services (and
the standard's schema, which the services check) decide."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from core.forms import GovFormMixin
from directory import selectors
from directory.services import (
    ADDRESS_TYPE_MESSAGE,
    ADDRESS_TYPES,
    DAYS,
    LOCATION_TYPES,
    STATUSES,
)

STATUS_LABELS = {
    "active": "Active",
    "inactive": "Inactive",
    "defunct": "Defunct (no longer runs)",
    "temporarily closed": "Temporarily closed",
}
DAY_LABELS = dict(
    zip(
        DAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _text(label, *, hint="", long=False, max_length=5000, required=False, message=""):
    field = forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput,
    )
    field.error_messages["max_length"] = f"This must be {max_length:,} characters or fewer"
    if message:
        field.error_messages["required"] = message
    return field


def _number(label, *, hint="", min_value=None, max_value=None, decimal=False):
    kind = forms.FloatField if decimal else forms.IntegerField
    field = kind(
        label=label, required=False, help_text=hint, min_value=min_value, max_value=max_value
    )
    field.error_messages["invalid"] = f"{label.split(' (')[0]} must be a number"
    if min_value is not None:
        field.error_messages["min_value"] = f"{label.split(' (')[0]} must be {min_value} or more"
    if max_value is not None:
        field.error_messages["max_value"] = f"{label.split(' (')[0]} must be {max_value} or less"
    return field


def _helper(*fields, submit="Save") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class _Versioned(GovFormMixin, forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or description", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *STATUS_LABELS.items()],
    )
    organization = forms.UUIDField(required=False)
    term = forms.UUIDField(required=False)


class ServiceForm(_Versioned):
    organization = forms.ChoiceField(label="Organisation that runs it", required=False)
    name = _text("Name", max_length=300, required=True, message="Enter the service’s name")
    description = _text("Description", long=True, hint="What the service does and who it is for")
    status = forms.ChoiceField(
        label="Status",
        choices=[(s, STATUS_LABELS.get(s, s)) for s in STATUSES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the service’s status"},
    )
    url = _text("Web address", hint="Starting https://", max_length=500)
    email = _text("Email address", max_length=254)
    fees = _text("Fees", long=True, hint="What it costs, in words. Leave empty if it is free")
    minimum_age = _number(
        "Youngest age (optional)",
        min_value=0,
        max_value=120,
        hint="In years. Leave empty if there is no youngest age",
    )
    maximum_age = _number(
        "Oldest age (optional)",
        min_value=0,
        max_value=120,
        hint="In years. Leave empty if there is no oldest age",
    )
    alert = _text(
        "Alert",
        long=True,
        hint="A short notice shown with the service, for example a change of opening times",
    )

    def __init__(self, *args, submit="Save service", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "No organisation")] + [
            (str(o.pk), o.name) for o in selectors.organizations()
        ]
        self.fields["url"].widget.attrs.update(spellcheck="false")
        self.fields["email"].widget = forms.EmailInput(attrs={"spellcheck": "false"})
        self.helper = _helper(
            "version",
            Field.select("organization"),
            Field.text("name"),
            Field.textarea("description"),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            Field.text("url"),
            Field.text("email", field_width=30),
            Field.textarea("fees"),
            Fieldset(
                Field.text("minimum_age", field_width=3),
                Field.text("maximum_age", field_width=3),
                legend="Who is it for?",
                legend_size=Size.SMALL,
            ),
            Field.textarea("alert"),
            submit=submit,
        )

    def clean_minimum_age(self):
        value = self.cleaned_data.get("minimum_age")
        return None if value is None else float(value)

    def clean_maximum_age(self):
        value = self.cleaned_data.get("maximum_age")
        return None if value is None else float(value)


class TermsForm(_Versioned):
    terms = forms.MultipleChoiceField(
        label="Which needs and categories describe the service?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["terms"].choices = [
            (str(t.pk), f"{t.name} ({t.taxonomy_detail.name})" if t.taxonomy_detail else t.name)
            for t in selectors.taxonomy_terms_with_taxonomy()
        ]
        self.helper = _helper(
            "version",
            Field.checkboxes("terms", legend_size=Size.SMALL, small=True),
            submit="Save terms",
        )


ADDRESS_FIELDS = ("address_1", "city", "state_province", "postcode")
ADDRESS_TYPE_LABELS = {"physical": "The place people visit", "postal": "A postal address"}
PHONE_HINT = "For example, 01632 960 001 or +44 808 157 0192"


class LocationForm(_Versioned):
    name = _text("Name of the place", max_length=300)
    location_type = forms.ChoiceField(
        label="Kind of location",
        choices=[(t, t.capitalize()) for t in LOCATION_TYPES],
        initial="physical",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of location"},
    )
    description = _text("Description", long=True)
    address_1 = _text("Address line", max_length=300)
    city = _text("Town or city", max_length=100)
    state_province = _text("County", max_length=100, hint="For example, West Yorkshire")
    postcode = _text("Postcode", max_length=10)
    latitude = _number(
        "Latitude (optional)",
        decimal=True,
        min_value=-90,
        max_value=90,
        hint="For distance searches, for example 53.6458",
    )
    longitude = _number(
        "Longitude (optional)",
        decimal=True,
        min_value=-180,
        max_value=180,
        hint="For example -1.7850",
    )
    accessibility = _text(
        "Accessibility", long=True, hint="Step-free access, hearing loops, accessible toilets"
    )

    def __init__(self, *args, adding: bool = True, **kwargs):
        """``adding``: the form to add a location, with its first address; a location's
        addresses are changed one at a time afterwards (AddressForm)."""
        super().__init__(*args, **kwargs)
        self.adding = adding
        address: tuple = ()
        if adding:
            address = (
                Fieldset(
                    Field.text("address_1"),
                    Field.text("city", field_width=20),
                    Field.text("state_province", field_width=20),
                    Field.text("postcode", field_width=10),
                    legend="Address",
                    legend_size=Size.SMALL,
                ),
            )
        else:
            for name in ADDRESS_FIELDS:
                del self.fields[name]
        self.helper = _helper(
            "version",
            Field.text("name"),
            Field.radios("location_type", legend_size=Size.SMALL, small=True, inline=True),
            Field.textarea("description"),
            *address,
            Field.text("latitude", field_width=10),
            Field.text("longitude", field_width=10),
            Field.textarea("accessibility"),
            submit="Save location",
        )

    def clean(self):
        data = super().clean()
        given = [data.get(k) for k in ADDRESS_FIELDS]
        if self.adding and any(given) and not all(given):
            for name, value in zip(ADDRESS_FIELDS, given, strict=True):
                if not value:
                    self.add_error(
                        name, "Enter the address line, town, county and postcode, or none of them"
                    )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", "Enter both the latitude and the longitude, or neither")
        return data


class ScheduleForm(_Versioned):
    byday = forms.MultipleChoiceField(
        label="Which days is it open?",
        choices=list(DAY_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_at = forms.RegexField(
        label="Opens at", regex=TIME, required=False, help_text="For example, 09:30"
    )
    closes_at = forms.RegexField(
        label="Closes at", regex=TIME, required=False, help_text="For example, 17:00"
    )
    description = _text(
        "Description", long=True, hint="For example, closed on bank holidays; term time only"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].error_messages["invalid"] = "Enter the time it opens like 09:30"
        self.fields["closes_at"].error_messages["invalid"] = "Enter the time it closes like 17:00"
        self.helper = _helper(
            "version",
            Field.checkboxes("byday", legend_size=Size.SMALL, small=True),
            Field.text("opens_at", field_width=5),
            Field.text("closes_at", field_width=5),
            Field.textarea("description"),
            submit="Save opening times",
        )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time")
        if not (data.get("byday") or data.get("description")):
            self.add_error("byday", "Choose the days it is open, or describe when it is open")
        return data


class ContactForm(_Versioned):
    name = _text("Name", max_length=200, hint="A person or a role, for example Duty desk")
    title = _text("Job title", max_length=200)
    phone = _text("Phone number", max_length=30, hint=PHONE_HINT)
    phone_description = _text(
        "About the number", max_length=300, hint="For example, text only; answered 9am to 5pm"
    )

    def __init__(self, *args, adding: bool = True, **kwargs):
        """``adding``: the form to add a contact, with its first phone; a contact's phones are
        added, changed and removed one at a time afterwards (PhoneForm)."""
        super().__init__(*args, **kwargs)
        phone: tuple = ()
        if adding:
            self.fields["phone"].widget = forms.TextInput(
                attrs={"type": "tel", "autocomplete": "off"}
            )
            phone = (Field.text("phone", field_width=20), Field.text("phone_description"))
        else:
            del self.fields["phone"], self.fields["phone_description"]
        self.helper = _helper(
            "version",
            Field.text("name"),
            Field.text("title", field_width=20),
            *phone,
            submit="Save contact",
        )

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("name", "title", "phone")):
            self.add_error("name", "Enter a name, a job title or a phone number")
        return data


class CostOptionForm(_Versioned):
    option = _text("What the cost is for", max_length=300, hint="For example, per family")
    amount = _number("Amount in pounds (optional)", decimal=True, min_value=0)
    amount_description = _text(
        "About the amount", max_length=300, hint="For example, per one-hour session"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "version",
            Field.text("option"),
            Field.text("amount", field_width=5),
            Field.text("amount_description"),
            submit="Save cost",
        )

    def clean(self):
        data = super().clean()
        if not data.get("option") and data.get("amount") is None:
            self.add_error("option", "Enter what the cost is for, or the amount")
        return data


class FundingForm(_Versioned):
    source = _text("Who funds it", long=True, required=True, message="Enter who funds the service")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("version", Field.textarea("source"), submit="Save funding")


class ServiceAreaForm(_Versioned):
    name = _text(
        "Area",
        max_length=300,
        required=True,
        message="Enter the area it serves",
        hint="For example, one of the council's early help areas, or the whole council area",
    )
    service_area = _text("Description", long=True)
    uri = _text(
        "Web address of the area’s boundary (optional)", max_length=500, hint="Starting https://"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "version",
            Field.text("name"),
            Field.textarea("service_area"),
            Field.text("uri"),
            submit="Save service area",
        )


class AddressForm(_Versioned):
    address_type = forms.ChoiceField(
        label="Kind of address",
        choices=[(t, ADDRESS_TYPE_LABELS[t]) for t in ADDRESS_TYPES],
        initial="physical",
        widget=forms.RadioSelect,
        error_messages={"required": ADDRESS_TYPE_MESSAGE},
    )
    attention = _text("For the attention of (optional)", max_length=200)
    address_1 = _text(
        "Address line", max_length=300, required=True, message="Enter the address line"
    )
    city = _text("Town or city", max_length=100, required=True, message="Enter the town or city")
    state_province = _text(
        "County",
        max_length=100,
        hint="For example, West Yorkshire",
        required=True,
        message="Enter the county",
    )
    postcode = _text("Postcode", max_length=10, required=True, message="Enter the postcode")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.helper = _helper(
            "version",
            Field.radios("address_type", legend_size=Size.SMALL, small=True),
            Field.text("attention", field_width=20),
            Field.text("address_1"),
            Field.text("city", field_width=20),
            Field.text("state_province", field_width=20),
            Field.text("postcode", field_width=10),
            submit="Save address",
        )


class PhoneForm(_Versioned):
    number = _text(
        "Phone number",
        max_length=30,
        hint=PHONE_HINT,
        required=True,
        message="Enter the telephone number",
    )
    description = _text(
        "About the number", max_length=300, hint="For example, text only; answered 9am to 5pm"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
        self.helper = _helper(
            "version",
            Field.text("number", field_width=20),
            Field.text("description"),
            submit="Save phone number",
        )


SUBPART_FORMS = {"address": AddressForm, "phone": PhoneForm}
# The parts whose forms add their first address or phone, and change only their own fields.
ADDING_FORMS = ("location", "contact")

PART_FORMS = {
    "location": LocationForm,
    "schedule": ScheduleForm,
    "contact": ContactForm,
    "cost_option": CostOptionForm,
    "funding": FundingForm,
    "service_area": ServiceAreaForm,
}


class RemoveForm(_Versioned):
    def __init__(self, *args, noun: str, **kwargs):
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            "version", Submit("submit", f"Remove {noun}", css_class="govuk-button--warning")
        )
        self.helper = helper


class OrganizationForm(_Versioned):
    name = _text("Name", max_length=300, required=True, message="Enter the organisation’s name")
    description = _text(
        "Description", long=True, required=True, message="Enter a description of the organisation"
    )
    email = _text("Email address", max_length=254)
    website = _text("Website", max_length=500, hint="Starting https://")

    def __init__(self, *args, submit="Save organisation", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget = forms.EmailInput(attrs={"spellcheck": "false"})
        self.helper = _helper(
            "version",
            Field.text("name"),
            Field.textarea("description"),
            Field.text("email", field_width=30),
            Field.text("website"),
            submit=submit,
        )


class TermForm(_Versioned):
    taxonomy = forms.ChoiceField(label="Taxonomy", required=False)
    name = _text("Name", max_length=300, required=True, message="Enter the term’s name")
    description = _text(
        "Description", long=True, required=True, message="Enter a description of the term"
    )
    term_uri = _text("Web address of the term (optional)", max_length=500, hint="Starting https://")

    def __init__(self, *args, submit="Save term", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taxonomy"].choices = [("", "None (the council’s own)")] + [
            (str(t.pk), t.name) for t in selectors.taxonomies()
        ]
        self.helper = _helper(
            "version",
            Field.select("taxonomy"),
            Field.text("name"),
            Field.textarea("description"),
            Field.text("term_uri"),
            submit=submit,
        )


class ImportForm(GovFormMixin, forms.Form):
    feed = forms.FileField(
        label="Open Referral UK 3.0 feed",
        help_text="A JSON file: a list of services, one service, or organisations with their "
        "services. At most 5 MB",
        error_messages={"required": "Choose a JSON file to check"},
    )
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=[
            ("service", "Services"),
            ("organization", "Organisations with their services"),
            ("taxonomy", "Taxonomies"),
            ("taxonomy_term", "Taxonomy terms"),
        ],
        initial="service",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds"},
    )
    retire_missing = forms.BooleanField(
        label="Mark defunct the services of these organisations that the feed no longer lists",
        help_text="Only for a feed that is an organisation’s whole directory. Services are "
        "marked defunct, not deleted",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("feed"),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.checkbox("retire_missing", small=True),
            submit="Check the feed",
        )
