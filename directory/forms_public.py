"""The find support search (a GET form: what is searched for is not personal, and a search can
be bookmarked or shared). Every criterion is optional; a distance needs a postcode."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from core.forms import GovFormMixin
from directory import selectors
from directory.geo import normalise_postcode

MAX_AGE = 120
DISTANCES = (("", "Any distance"), ("1", "1 mile"), ("3", "3 miles"), ("5", "5 miles"))
DISTANCES += (("10", "10 miles"), ("25", "25 miles"))


class FindSupportForm(GovFormMixin, forms.Form):
    need = forms.MultipleChoiceField(
        label="What do you need help with?",
        help_text="Select all that apply, or none to see every service",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select needs from the list"},
    )
    age = forms.CharField(
        label="Age of the child or person who needs support (optional)",
        help_text="In years, for example 7. Enter 0 for a baby under 1",
        required=False,
        max_length=10,
        error_messages={"max_length": f"Age must be a whole number of years, from 0 to {MAX_AGE}"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    area = forms.ChoiceField(label="Area (optional)", required=False)
    postcode = forms.CharField(
        label="Postcode (optional)",
        help_text="To see how far away services are, for example HD1 2TA",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a real postcode, like HD1 2TA"},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    distance = forms.ChoiceField(label="Distance (optional)", required=False, choices=DISTANCES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs = list(selectors.find_support_needs())
        self.areas = list(selectors.find_support_areas())
        self.fields["need"].choices = [(str(t.pk), t.name) for t in self.needs]
        self.fields["area"].choices = [("", "Any area")] + [(a.code, a.name) for a in self.areas]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        fields = (
            [Field.checkboxes("need", legend_size=Size.MEDIUM, small=True)] if self.needs else []
        )
        self.helper.layout = Layout(
            *fields,
            Field.text("age", field_width=3),
            Field.select("area"),
            Field.text("postcode", field_width=10),
            Field.select("distance"),
            Submit("search", "Search"),
        )

    def clean_age(self):
        raw = self.cleaned_data["age"].strip()
        if raw == "":
            return None
        if not raw.isdigit() or int(raw) > MAX_AGE:
            raise forms.ValidationError(f"Age must be a whole number of years, from 0 to {MAX_AGE}")
        return int(raw)

    def clean_area(self):
        code = self.cleaned_data["area"]
        return next((a for a in self.areas if a.code == code), None) if code else None

    def clean_postcode(self):
        raw = self.cleaned_data["postcode"].strip()
        if raw == "":
            return ""
        postcode = normalise_postcode(raw)
        if not postcode:
            raise forms.ValidationError("Enter a real postcode, like HD1 2TA")
        return postcode

    def clean_distance(self):
        raw = self.cleaned_data["distance"]
        return float(raw) if raw else None

    def clean(self):
        data = super().clean()
        postcode = data.get("postcode")
        if data.get("distance") and not postcode and not self.has_error("postcode"):
            self.add_error("postcode", "Enter a postcode to search within a distance")
        if postcode and not self.has_error("postcode"):
            data["point"] = selectors.postcode_point(postcode)
            if data["point"] is None:
                self.add_error(
                    "postcode",
                    "We do not know where that postcode is. Check it, or search by area instead",
                )
        return data
