"""Question pages for staff ways in: a practitioner's request for support, and a step-down
from MASH. Same GOV.UK patterns as the public journey (support_requests.forms): one question
or closely related group per page, errors that say how to fix them, answers kept as plain
JSON in the session (never in a URL)."""

from __future__ import annotations

import re

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms

from core import clock
from core.forms import GovDateField
from core.models import Area, NeedLevel
from people.models import Family
from support_requests.forms import (
    CONCERN_QUESTION,
    MAX_TEXT,
    NO,
    YES,
    YES_NO,
    QuestionForm,
    what_is_happening_within_limit,
)
from support_requests.models import SupportRequest, SupportRequestChild
from support_requests.services import (
    MAX_CHILD_AGE,
    PRACTITIONER_REQUEST_MESSAGES,
    WHAT_IS_HAPPENING_MAX_CHARACTERS,
    ChildDetails,
)

NO_FAMILY = "none"


def _helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields, Submit("continue", submit))
    return helper


def _area_choices(key_contacts: dict) -> list[Choice]:
    choices = []
    for area in Area.objects.order_by("sort_order", "name"):
        team = key_contacts.get(area.pk)
        hint = f"Key contact: {team.name}" if team else "No early support team is set up yet"
        choices.append(Choice(area.code, area.name, hint=hint))
    return choices


class FamilyChoiceForm(QuestionForm):
    family = forms.ChoiceField(
        label="Which family is the request about?",
        help_text="Families your team works with. If the family is not listed, you can name the children instead.",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the family, or select ‘The family is not listed’"},
    )
    answer_keys = ("family",)

    def __init__(self, *args, families=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            Choice(str(f.pk), f"{f.name} ({f.reference})", hint=f"Area: {f.area.name}")
            for f in families
        ]
        if choices:
            last = choices[-1]
            choices[-1] = Choice(last.value, last.label, hint=last.hint, divider="or")
        choices.append(Choice(NO_FAMILY, "The family is not listed – I’ll name the children"))
        self.fields["family"].choices = choices
        self.helper = _helper(Field.radios("family", legend_size=Size.LARGE, legend_tag="h1"))


class ChildrenForm(forms.Form):
    """Up to six children, each a first name and an age, on one page."""

    ROWS = SupportRequestChild.MAX_PER_REQUEST

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.required = required
        fieldsets = []
        for i in range(1, self.ROWS + 1):
            self.fields[f"child_{i}_name"] = forms.CharField(
                label="First name",
                required=False,
                max_length=100,
                error_messages={"max_length": "First name must be 100 characters or fewer"},
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
            self.fields[f"child_{i}_age"] = forms.CharField(
                label="Age",
                required=False,
                max_length=3,
                help_text="In years. For a baby under 1, enter 0",
                error_messages={"max_length": "Age must be a number, like 7"},
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
                ),
            )
            fieldsets.append(
                Fieldset(
                    Field.text(f"child_{i}_name", field_width=20),
                    Field.text(f"child_{i}_age", field_width=3),
                    legend=f"Child {i}",
                    legend_size=Size.SMALL,
                )
            )
        self.child_fieldsets = fieldsets

    def clean(self):
        data = super().clean()
        any_child = False
        for i in range(1, self.ROWS + 1):
            name_key, age_key = f"child_{i}_name", f"child_{i}_age"
            if name_key in self.errors or age_key in self.errors:
                any_child = True
                continue
            name = " ".join((data.get(name_key) or "").split())
            raw_age = (data.get(age_key) or "").strip()
            data[name_key] = name
            if not name and not raw_age:
                data[age_key] = None
                continue
            any_child = True
            if not name:
                self.add_error(name_key, f"Enter the first name of child {i}")
            if not raw_age:
                self.add_error(age_key, f"Enter the age of child {i}")
                continue
            if not re.fullmatch(r"[0-9]+", raw_age):
                self.add_error(age_key, "Age must be a number, like 7")
                continue
            age = int(raw_age)
            if age > MAX_CHILD_AGE:
                self.add_error(age_key, f"Age must be {MAX_CHILD_AGE} or under")
                continue
            data[age_key] = age
        if self.required and not any_child:
            self.add_error("child_1_name", "Enter the first name and age of at least one child")
        return data

    def children(self) -> list[dict]:
        rows = []
        for i in range(1, self.ROWS + 1):
            name = self.cleaned_data.get(f"child_{i}_name")
            age = self.cleaned_data.get(f"child_{i}_age")
            if name and age is not None:
                rows.append({"first_name": name, "age": age})
        return rows

    @classmethod
    def initial_for(cls, children: list[dict]) -> dict:
        initial = {}
        for i, child in enumerate(children[: cls.ROWS], start=1):
            initial[f"child_{i}_name"] = child.get("first_name", "")
            initial[f"child_{i}_age"] = "" if child.get("age") is None else str(child["age"])
        return initial


def children_details(children: list[dict]) -> list[ChildDetails]:
    return [ChildDetails(first_name=c["first_name"], age_years=c["age"]) for c in children]


class PractitionerChildrenForm(ChildrenForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, required=True, **kwargs)
        self.helper = _helper(*self.child_fieldsets)


class PractitionerAreaForm(QuestionForm):
    area = forms.ChoiceField(
        label="Which area does the family live in?",
        help_text="The request goes to the early support team for this area, your key contact",
        widget=forms.RadioSelect,
        error_messages={"required": PRACTITIONER_REQUEST_MESSAGES["area"]},
    )
    answer_keys = ("area",)

    def __init__(self, *args, key_contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _area_choices(key_contacts or {})
        self.helper = _helper(Field.radios("area", legend_size=Size.LARGE, legend_tag="h1"))


class RouteForm(QuestionForm):
    """Seed 004 §3.27, way 2: through the area's key contact or through the MASH."""

    route = forms.ChoiceField(
        label="How do you want to send the request?",
        widget=forms.RadioSelect,
        error_messages={"required": PRACTITIONER_REQUEST_MESSAGES["route"]},
    )
    answer_keys = ("route",)

    def __init__(self, *args, key_contact=None, mash_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [
            Choice(
                SupportRequest.Route.KEY_CONTACT,
                "To the area’s key contact",
                hint=(
                    f"{key_contact.name}, who will triage it"
                    if key_contact
                    else "The area’s early support team, who will triage it"
                ),
            ),
            Choice(
                SupportRequest.Route.MASH,
                "Through the MASH",
                hint=(
                    f"{mash_name or 'The Multi-Agency Safeguarding Hub'} passes requests that "
                    "need early help on to the area’s early support team, who will triage it"
                ),
            ),
        ]
        self.helper = _helper(Field.radios("route", legend_size=Size.LARGE, legend_tag="h1"))


class PractitionerHappeningForm(QuestionForm):
    what_is_happening = forms.CharField(
        label="What is happening for the family?",
        help_text="What you are worried about, how long it has been happening and how it affects the children",
        # No max_length: its maxlength attribute would make the browser cut a long answer
        # without a word. The service refuses it instead, and the character count shows the limit.
        widget=forms.Textarea,
        error_messages={"required": PRACTITIONER_REQUEST_MESSAGES["what_is_happening"]},
    )
    single_agency_support_tried = forms.CharField(
        label="What support has your agency, or another single agency, already tried?",
        help_text="Early support is for when a universal or single-agency response no longer meets the family’s needs",
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={
            "required": PRACTITIONER_REQUEST_MESSAGES["single_agency_support_tried"],
            "max_length": f"The support tried must be {MAX_TEXT:,} characters or fewer",
        },
    )
    answer_keys = ("what_is_happening", "single_agency_support_tried")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            HTML('<h1 class="govuk-heading-l">What is happening and what has been tried</h1>'),
            Field.textarea(
                "what_is_happening",
                label_size=Size.MEDIUM,
                rows=6,
                max_characters=WHAT_IS_HAPPENING_MAX_CHARACTERS,
            ),
            Field.textarea("single_agency_support_tried", label_size=Size.MEDIUM, rows=5),
        )

    def clean_what_is_happening(self):
        return what_is_happening_within_limit(self.cleaned_data["what_is_happening"])

    def clean_single_agency_support_tried(self):
        return self.cleaned_data["single_agency_support_tried"].strip()


class ConcernForm(QuestionForm):
    concern = forms.ChoiceField(
        label=CONCERN_QUESTION,
        help_text=(
            "If you select yes, the request will not go to early help. You will be shown how to "
            "contact the duty team straight away."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": PRACTITIONER_REQUEST_MESSAGES["safeguarding_concern"]},
    )
    answer_keys = ("concern",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("concern", legend_size=Size.LARGE, legend_tag="h1", inline=True)
        )


class FamilyConsentForm(QuestionForm):
    consent = forms.ChoiceField(
        label="Does the family know about this request and agree to it?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": PRACTITIONER_REQUEST_MESSAGES["family_knows_and_consents"]},
    )
    answer_keys = ("consent",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("consent", legend_size=Size.LARGE, legend_tag="h1", inline=True),
        )


def yes_no_value(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


# ---- Recording a step-down from MASH: one page.


class StepDownForm(ChildrenForm):
    family_reference = forms.CharField(
        label="Family reference (optional)",
        help_text="If the family already has a record, for example FAM-00012. If not, name the children below.",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    area = forms.ChoiceField(
        label="Which area does the family live in?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the area the family lives in"},
    )
    social_care_reference = forms.CharField(
        label="Children’s social care reference (optional)",
        required=False,
        max_length=50,
        error_messages={"max_length": "The reference must be 50 characters or fewer"},
    )
    step_down_reason = forms.CharField(
        label="Reason for the step-down",
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the reason for the step-down",
            "max_length": f"The reason must be {MAX_TEXT:,} characters or fewer",
        },
    )
    allocation_meeting_date = GovDateField(
        noun="Date of the allocation meeting",
        label="Date of the allocation meeting",
        help_text="For example, 27 3 2026",
        required=True,
    )
    social_care_history = forms.CharField(
        label="What happened while children’s social care were involved",
        help_text="A summary of the history from social care: what happened and what changed",
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter what happened while children’s social care were involved",
            "max_length": f"The history must be {MAX_TEXT:,} characters or fewer",
        },
    )
    need_level_at_step_down = forms.ChoiceField(
        label="Level of need at step-down",
        help_text="On the Continuum of Need and Response",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level of need at step-down"},
    )
    social_worker_name = forms.CharField(
        label="Social worker’s name",
        max_length=200,
        error_messages={
            "required": "Enter the social worker’s name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )
    social_worker_contact = forms.CharField(
        label="Social worker’s phone number or email",
        max_length=200,
        error_messages={
            "required": "Enter the social worker’s phone number or email",
            "max_length": "This must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, families=None, key_contacts=None, **kwargs):
        super().__init__(*args, required=False, **kwargs)
        self.families = families if families is not None else Family.objects.none()
        self.fields["area"].choices = _area_choices(key_contacts or {})
        self.levels = {str(level.pk): level for level in NeedLevel.objects.order_by("level")}
        self.fields["need_level_at_step_down"].choices = [
            Choice(pk, str(level), hint=level.description) for pk, level in self.levels.items()
        ]
        self.areas = {area.code: area for area in Area.objects.all()}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            HTML.heading("h2", "m", "The family"),
            Field.text("family_reference", field_width=10),
            *self.child_fieldsets,
            Field.radios("area", legend_size=Size.MEDIUM),
            HTML.heading("h2", "m", "From children’s social care"),
            Field.text("social_care_reference", field_width=20),
            Field.textarea("step_down_reason", rows=4),
            Field("allocation_meeting_date"),
            Field.textarea("social_care_history", rows=6),
            Field.radios("need_level_at_step_down", legend_size=Size.SMALL),
            Field.text("social_worker_name", field_width=Fluid.TWO_THIRDS),
            Field.text("social_worker_contact", field_width=Fluid.TWO_THIRDS),
            Submit("continue", "Record step-down"),
        )

    def clean_family_reference(self):
        reference = self.cleaned_data["family_reference"].strip().upper()
        if not reference:
            self.family = None
            return ""
        self.family = self.families.filter(reference=reference).first()
        if self.family is None:
            raise forms.ValidationError(
                "No family with that reference is in your scope. Check it, or leave it blank and name the children"
            )
        return reference

    def clean_allocation_meeting_date(self):
        held = self.cleaned_data.get("allocation_meeting_date")
        if held and held > clock.today():
            raise forms.ValidationError(
                "Date of the allocation meeting must be today or in the past"
            )
        return held

    def clean(self):
        data = super().clean()
        has_family = bool(getattr(self, "family", None))
        if (
            not has_family
            and "family_reference" not in self.errors
            and not self.children()
            and not any(k.startswith("child_") for k in self.errors)
        ):
            self.add_error(
                "child_1_name",
                "Enter the family reference, or the first name and age of at least one child",
            )
        return data

    def children(self) -> list[dict]:
        if not hasattr(self, "cleaned_data"):
            return []
        return super().children()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "family": getattr(self, "family", None),
            "children": children_details(self.children()),
            "area": self.areas.get(data.get("area") or ""),
            "social_care_reference": data.get("social_care_reference", ""),
            "step_down_reason": data.get("step_down_reason", ""),
            "allocation_meeting_date": data.get("allocation_meeting_date"),
            "social_care_history": data.get("social_care_history", ""),
            "need_level_at_step_down": self.levels.get(data.get("need_level_at_step_down") or ""),
            "social_worker_name": data.get("social_worker_name", ""),
            "social_worker_contact": data.get("social_worker_contact", ""),
        }


class SetAreaForm(forms.Form):
    """An early support team leader chooses the area of a request whose area is not known."""

    area = forms.ChoiceField(
        label="Which area does the family live in?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the area the family lives in"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [
            Choice(area.code, area.name) for area in Area.objects.order_by("sort_order", "name")
        ]
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Field.radios("area", legend_size=Size.MEDIUM, legend_tag="h2"),
            Submit("set_area", "Save area"),
        )
        self.helper = helper

    def clean_area(self) -> Area:
        area = Area.objects.filter(code=self.cleaned_data["area"]).first()
        if area is None:
            raise forms.ValidationError("Select the area the family lives in")
        return area
