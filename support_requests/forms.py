"""Question pages of the public "ask for help" journey, in the GOV.UK Design System's patterns.

One question (or one closely related group, like safe contact) per page; when a page has one
question its label or legend is the page's heading. Errors say what went wrong and how to fix
it. Each form turns its answers into plain JSON for the session (``to_answers``) and back
(``initial_from``), so nothing typed goes in a URL.
"""

from __future__ import annotations

import re
from datetime import date

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from core import clock
from core.forms import GovDateField, PickField
from core.models import Agency, Area, NeedLevel
from offer import selectors as offer_selectors
from support_requests import services
from support_requests.models import (
    TARGETED_OFFER_INDICATORS,
    SafeguardingStop,
    SupportRequest,
    Triage,
)
from support_requests.services import DATE_OF_BIRTH_IN_FUTURE, MAX_CHILD_AGE, TriageAnswers

NOT_SURE = "not-sure"
YES, NO = "yes", "no"
YES_NO = ((YES, "Yes"), (NO, "No"))
MAX_TEXT = 5000


def _helper(*fields, submit: str = "Continue") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page template has the form element and its token
    helper.layout = Layout(*fields, Submit("continue", submit))
    return helper


def _yes_no(label: str, required_message: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


def _text(value: str) -> str:
    return " ".join(value.split())


def what_is_happening_within_limit(value: str) -> str:
    """The answer, stripped; the service's refusal of one over the limit shows on the field."""
    services.check_what_is_happening(value)
    return value.strip()


class QuestionForm(forms.Form):
    """A page of the journey: knows which session keys it reads and writes."""

    answer_keys: tuple[str, ...] = ()

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        return {key: answers[key] for key in cls.answer_keys if key in answers}

    def to_answers(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in self.answer_keys}


class AreaForm(QuestionForm):
    area = forms.ChoiceField(
        label="Which area do you live in?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the area you live in, or select ‘I’m not sure’"},
    )
    answer_keys = ("area",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = list(Area.objects.order_by("sort_order", "name"))
        choices = [Choice(area.code, area.name) for area in areas]
        if choices:
            choices[-1] = Choice(areas[-1].code, areas[-1].name, divider="or")
        choices.append(Choice(NOT_SURE, "I’m not sure"))
        self.fields["area"].choices = choices
        self.helper = _helper(Field.radios("area", legend_size=Size.LARGE, legend_tag="h1"))


class LocationForm(QuestionForm):
    location = forms.CharField(
        label="What is your town or postcode?",
        help_text="We’ll use this to find the early help team for where you live",
        max_length=100,
        error_messages={
            "required": "Enter your town or postcode",
            "max_length": "Town or postcode must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    answer_keys = ("location",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("location", label_size=Size.LARGE, label_tag="h1", field_width=20)
        )

    def clean_location(self):
        # The service's rule, so a postcode is refused on this page, not at the end.
        return services.town_or_postcode(self.cleaned_data["location"])


class WhoForm(QuestionForm):
    relationship = forms.ChoiceField(
        label="Who is asking for help?",
        widget=forms.RadioSelect,
        choices=(
            Choice(SupportRequest.Relationship.PARENT_CARER, "I’m a parent or carer"),
            Choice(
                SupportRequest.Relationship.YOUNG_PERSON,
                "I’m a young person asking for help for myself",
            ),
            Choice(
                SupportRequest.Relationship.OTHER_FAMILY,
                "I’m another family member",
                hint="For example, a grandparent, aunt or uncle, or an older brother or sister",
            ),
        ),
        error_messages={"required": "Select who is asking for help"},
    )
    answer_keys = ("relationship",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("relationship", legend_size=Size.LARGE, legend_tag="h1"))


class ChildForm(forms.Form):
    """One child or young person (the journey keeps a list of these)."""

    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={
            "required": "Enter their first name",
            "max_length": "First name must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    age = forms.CharField(
        label="Age",
        required=False,
        max_length=3,
        help_text="In years. For a baby under 1, enter 0",
        error_messages={"max_length": "Age must be a number, like 7"},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    date_of_birth = GovDateField(
        label="Date of birth (optional)",
        noun="Date of birth",
        help_text="If you know it. For example, 27 3 2015",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("first_name", field_width=20),
            Field.text("age", field_width=3),
            Field("date_of_birth"),
        )

    def clean_first_name(self):
        return _text(self.cleaned_data["first_name"])

    def clean_age(self):
        raw = self.cleaned_data["age"].strip()
        if not raw:
            return None
        if not re.fullmatch(r"[0-9]+", raw):
            raise forms.ValidationError("Age must be a number, like 7")
        value = int(raw)
        if value > MAX_CHILD_AGE:
            raise forms.ValidationError(f"Age must be {MAX_CHILD_AGE} or under")
        return value

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > clock.today():
            raise forms.ValidationError(DATE_OF_BIRTH_IN_FUTURE)
        if born and born.year < clock.today().year - MAX_CHILD_AGE - 1:
            raise forms.ValidationError(
                f"Date of birth must be for someone aged {MAX_CHILD_AGE} or under"
            )
        return born

    def clean(self):
        data = super().clean()
        if (
            "age" not in self.errors
            and "date_of_birth" not in self.errors
            and data.get("age") is None
            and data.get("date_of_birth") is None
        ):
            self.add_error("age", "Enter their age, or their date of birth")
        if "age" not in self.errors and "date_of_birth" not in self.errors:
            try:
                services.check_age_matches_date_of_birth(data.get("age"), data.get("date_of_birth"))
            except forms.ValidationError as error:
                self.add_error("age", error.messages)
        return data

    def to_child(self) -> dict:
        born: date | None = self.cleaned_data.get("date_of_birth")
        return {
            "first_name": self.cleaned_data["first_name"],
            "age": self.cleaned_data.get("age"),
            "date_of_birth": born.isoformat() if born else "",
        }

    @staticmethod
    def initial_for(child: dict) -> dict:
        initial = {"first_name": child.get("first_name", "")}
        if child.get("age") is not None:
            initial["age"] = str(child["age"])
        if child.get("date_of_birth"):
            initial["date_of_birth"] = date.fromisoformat(child["date_of_birth"])
        return initial


class AddAnotherForm(forms.Form):
    add_another = _yes_no(
        "Do you need to add another child or young person?",
        "Select yes if you need to add another child or young person",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("add_another", legend_size=Size.MEDIUM, inline=True))


class HappeningForm(QuestionForm):
    what_is_happening = forms.CharField(
        label="What is happening that you would like help with?",
        help_text=(
            "Tell us in your own words. For example, what is worrying you, how long it has been "
            "happening and how it affects your family."
        ),
        # No max_length: its maxlength attribute would make the browser cut a long answer
        # without a word. The service refuses it instead, and the character count shows the limit.
        error_messages={"required": "Tell us what is happening"},
        widget=forms.Textarea,
    )
    answer_keys = ("what_is_happening",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea(
                "what_is_happening",
                label_size=Size.LARGE,
                label_tag="h1",
                rows=8,
                max_characters=services.WHAT_IS_HAPPENING_MAX_CHARACTERS,
            )
        )

    def clean_what_is_happening(self):
        return what_is_happening_within_limit(self.cleaned_data["what_is_happening"])


class HelpWantedForm(QuestionForm):
    help_wanted = forms.CharField(
        label="What help would you like? (optional)",
        help_text=(
            "For example, help with your child’s behaviour, support for you as a parent, or help "
            "with school. If you’re not sure, you can leave this blank."
        ),
        required=False,
        max_length=MAX_TEXT,
        error_messages={
            "max_length": f"What help you would like must be {MAX_TEXT:,} characters or fewer"
        },
        widget=forms.Textarea,
    )
    answer_keys = ("help_wanted",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("help_wanted", label_size=Size.LARGE, label_tag="h1", rows=6)
        )

    def clean_help_wanted(self):
        return self.cleaned_data["help_wanted"].strip()


class NameForm(QuestionForm):
    requester_name = forms.CharField(
        label="What is your name?",
        help_text="We’ll use this when we contact you. You can give just your first name if you prefer.",
        max_length=200,
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    answer_keys = ("requester_name",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("requester_name", label_size=Size.LARGE, label_tag="h1", field_width=20)
        )

    def clean_requester_name(self):
        return _text(self.cleaned_data["requester_name"])


PHONE_RE = re.compile(r"^\+?[0-9 ()-]+$")


class ContactForm(QuestionForm):
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=30,
        help_text="For example, 07700 900 982 or 01632 960 001",
        error_messages={"max_length": "Enter a phone number, like 07700 900 982 or 01632 960 001"},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "spellcheck": "false"}),
    )
    can_call = _yes_no(
        "Is it safe for us to call you?", "Select yes if it is safe for us to call you"
    )
    can_leave_message = _yes_no(
        "Can we leave a voicemail or send you a text message?",
        "Select yes if we can leave a voicemail or send you a text message",
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    safe_to_write = _yes_no(
        "Is it safe for us to email you or write to you?",
        "Select yes if it is safe for us to email you or write to you",
        help_text="Select no if someone else might read your emails or letters",
    )
    best_times = forms.CharField(
        label="Best times to contact you (optional)",
        required=False,
        max_length=200,
        help_text="For example, weekday mornings, or after 3pm",
        error_messages={"max_length": "Best times must be 200 characters or fewer"},
    )
    safety_notes = forms.CharField(
        label="Is there anything else we should know to contact you safely? (optional)",
        required=False,
        max_length=2000,
        help_text=(
            "For example, if someone else answers your phone or reads your messages, or a safe "
            "way to reach you, such as through your child’s school"
        ),
        error_messages={"max_length": "This must be 2,000 characters or fewer"},
        widget=forms.Textarea,
    )
    answer_keys = (
        "phone",
        "can_call",
        "can_leave_message",
        "email",
        "safe_to_write",
        "best_times",
        "safety_notes",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            HTML.heading("h2", "m", "Phone"),
            Field.text("phone", field_width=20),
            Field.radios("can_call", legend_size=Size.SMALL, inline=True),
            Field.radios("can_leave_message", legend_size=Size.SMALL, inline=True),
            HTML.heading("h2", "m", "Email and letters"),
            Field.text("email", field_width=30),
            Field.radios("safe_to_write", legend_size=Size.SMALL, inline=True),
            HTML.heading("h2", "m", "Anything else"),
            Field.text("best_times", field_width=30),
            Field.textarea("safety_notes", rows=4),
        )

    def clean_phone(self):
        phone = _text(self.cleaned_data["phone"])
        if phone and (not PHONE_RE.match(phone) or not 10 <= len(re.sub(r"\D", "", phone)) <= 15):
            raise forms.ValidationError("Enter a phone number, like 07700 900 982 or 01632 960 001")
        return phone

    def clean_best_times(self):
        return _text(self.cleaned_data["best_times"])

    def clean_safety_notes(self):
        return self.cleaned_data["safety_notes"].strip()

    def clean(self):
        data = super().clean()
        phone_ok = data.get("can_call") == YES or data.get("can_leave_message") == YES
        if phone_ok and "phone" not in self.errors and not data.get("phone"):
            self.add_error(
                "phone",
                "Enter a phone number, or select no if it is not safe for us to call or message you",
            )
        if (
            data.get("safe_to_write") == YES
            and "email" not in self.errors
            and not data.get("email")
        ):
            self.add_error(
                "email",
                "Enter an email address, or select no if it is not safe for us to email you or write to you",
            )
        if (
            data.get("can_call") == NO
            and data.get("can_leave_message") == NO
            and data.get("safe_to_write") == NO
            and "safety_notes" not in self.errors
            and not data.get("safety_notes")
        ):
            self.add_error(
                "safety_notes",
                "Tell us how we can contact you safely, as it is not safe for us to call, message, "
                "email or write to you",
            )
        return data


class ConsentForm(QuestionForm):
    consent = forms.ChoiceField(
        label="Can we talk to other services that work with your family?",
        help_text=(
            "For example, your child’s school or nursery, your health visitor or your doctor. "
            "Talking to them helps us understand what help would work best for you."
        ),
        widget=forms.RadioSelect,
        choices=(
            Choice(SupportRequest.Consent.YES, "Yes"),
            Choice(SupportRequest.Consent.NO, "No"),
            Choice(SupportRequest.Consent.UNSURE, "I’m not sure – I’d like to talk about it first"),
        ),
        error_messages={
            "required": "Select yes if we can talk to other services that work with your family"
        },
    )
    answer_keys = ("consent",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("consent", legend_size=Size.LARGE, legend_tag="h1"),
            HTML.inset(
                "We will not share anything about you or your family without talking to you first, "
                "unless we are worried that a child is not safe."
            ),
        )


# ---- Staff: triage and the safeguarding stop.

CONCERN_QUESTION = (
    "Do you have concerns that a child is in need (section 17) or at risk of significant harm?"
)


def _yes_no_value(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


class TriageForm(forms.Form):
    """Every field is optional here, so a draft can be saved at any point; what a decision
    needs is checked by services.triage_record_decision, whose errors come back onto the form."""

    conversation_date = GovDateField(noun="Date of the conversation", label="Date")
    conversation_with = forms.CharField(
        label="Who did you speak to?",
        help_text="Their name and role, for example Sam Lee, head of year at Vale High School",
        required=False,
        max_length=200,
        error_messages={"max_length": "Who you spoke to must be 200 characters or fewer"},
    )
    conversation_summary = forms.CharField(
        label="Summary of the conversation",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"max_length": f"The summary must be {MAX_TEXT:,} characters or fewer"},
    )
    cin_cp_concern = forms.ChoiceField(
        label=CONCERN_QUESTION,
        help_text="If you select yes, you will be shown how to contact the duty team",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    need_level = forms.ChoiceField(
        label="What is the level of need?",
        help_text="Use the Continuum of Need and Response",
        widget=forms.RadioSelect,
        required=False,
    )
    targeted_indicators = forms.MultipleChoiceField(
        label="Which indicators for a targeted offer apply? (optional)",
        help_text=("These are guidance for your judgement. Ticking them does not decide anything."),
        choices=[Choice(code, label) for code, label in TARGETED_OFFER_INDICATORS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    decision = forms.ChoiceField(
        label="What happens next?",
        choices=[Choice(value, label) for value, label in Triage.Decision.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    signpost_service = PickField(
        label="If signposting: which service in the directory are you signposting them to?",
        help_text="Leave this empty and type the service below if it is not in the directory",
        queryset=offer_selectors.pickable_services(),
        required=False,
        empty_label="Select a service",
        error_messages={"invalid_choice": services.SERVICE_NOT_IN_DIRECTORY},
    )
    signpost_to = forms.CharField(
        label="If signposting to a service not in the directory: which service?",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"max_length": "This must be 2,000 characters or fewer"},
    )
    handover_contact = forms.CharField(
        label="If signposting: who did you contact to hand over?",
        help_text="Their name and service",
        required=False,
        max_length=200,
        error_messages={"max_length": "This must be 200 characters or fewer"},
    )
    handover_date = GovDateField(
        noun="Date of the handover", label="If signposting: when did you hand over?"
    )
    agreed_with_family = forms.ChoiceField(
        label="If signposting: did you agree the handover with the family?",
        choices=[Choice(YES, "Yes"), Choice(NO, "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    single_agency = forms.ChoiceField(
        label="If single-agency support: which agency will give support?",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {str(level.pk): level for level in NeedLevel.objects.order_by("level")}
        self.fields["need_level"].choices = [
            Choice(pk, str(level), hint=level.description) for pk, level in self.levels.items()
        ]
        self.agencies = {str(agency.pk): agency for agency in Agency.objects.all()}
        self.fields["single_agency"].choices = [("", "Select an agency")] + [
            (pk, agency.name) for pk, agency in self.agencies.items()
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                Field("conversation_date"),
                Field.text("conversation_with", field_width=Fluid.TWO_THIRDS),
                Field.textarea("conversation_summary", rows=5),
                legend="The conversation with the person who made the request",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("cin_cp_concern", legend_size=Size.MEDIUM, inline=True),
            Field.radios("need_level", legend_size=Size.MEDIUM),
            HTML(TARGETED_GUIDANCE_HTML),
            Field.checkboxes("targeted_indicators", legend_size=Size.SMALL, small=True),
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.select("signpost_service"),
            Field.textarea("signpost_to", rows=3),
            Field.text("handover_contact", field_width=Fluid.TWO_THIRDS),
            Field("handover_date"),
            Field.radios("agreed_with_family", legend_size=Size.SMALL, inline=True),
            Field.select("single_agency"),
            HTML(
                '<div class="govuk-button-group">'
                '<button type="submit" name="action" value="decide" class="govuk-button" '
                'data-module="govuk-button" data-prevent-double-click="true">Save decision</button>'
                '<button type="submit" name="action" value="draft" '
                'class="govuk-button govuk-button--secondary" data-module="govuk-button">'
                "Save and come back later</button></div>"
            ),
        )

    @classmethod
    def initial_for(cls, triage: Triage | None) -> dict:
        if triage is None:
            return {}
        concern = {True: YES, False: NO}.get(triage.cin_cp_concern, "")
        return {
            "conversation_date": triage.conversation_date,
            "conversation_with": triage.conversation_with,
            "conversation_summary": triage.conversation_summary,
            "cin_cp_concern": concern,
            "need_level": str(triage.need_level_id) if triage.need_level_id else "",
            "targeted_indicators": list(triage.targeted_indicators or []),
            "decision": triage.decision,
            "signpost_to": triage.signpost_to,
            "handover_contact": triage.handover_contact,
            "handover_date": triage.handover_date,
            "signpost_service": triage.signpost_service_id,
            "agreed_with_family": {True: YES, False: NO}.get(triage.agreed_with_family, ""),
            "single_agency": str(triage.single_agency_id) if triage.single_agency_id else "",
        }

    def answers(self) -> TriageAnswers:
        data = self.cleaned_data
        return TriageAnswers(
            conversation_date=data.get("conversation_date"),
            conversation_with=data.get("conversation_with", ""),
            conversation_summary=data.get("conversation_summary", ""),
            cin_cp_concern=_yes_no_value(data.get("cin_cp_concern", "")),
            need_level=self.levels.get(data.get("need_level") or ""),
            targeted_indicators=tuple(data.get("targeted_indicators") or ()),
            decision=data.get("decision", ""),
            signpost_to=data.get("signpost_to", ""),
            handover_contact=data.get("handover_contact", ""),
            handover_date=data.get("handover_date"),
            signpost_service=data.get("signpost_service"),
            agreed_with_family=_yes_no_value(data.get("agreed_with_family", "")),
            single_agency=self.agencies.get(data.get("single_agency") or ""),
        )


TARGETED_GUIDANCE_HTML = (
    """
<details class="govuk-details">
  <summary class="govuk-details__summary">
    <span class="govuk-details__summary-text">Indicators that a targeted offer may be needed</span>
  </summary>
  <div class="govuk-details__text">
    <p class="govuk-body">These indicators may suggest a family needs a targeted offer (a
    one-to-one key worker, at the top of level 2). They are guidance to help you decide, never an
    automatic verdict: the product does not decide anything from them.</p>
    <ul class="govuk-list govuk-list--bullet">
      """
    + "".join(f"<li>{escape(label)}</li>" for _, label in TARGETED_OFFER_INDICATORS)
    + """
    </ul>
  </div>
</details>
"""
)


class SafeguardingNextStepForm(forms.Form):
    next_step = forms.ChoiceField(
        label="What have you done?",
        choices=[Choice(value, label) for value, label in SafeguardingStop.NextStep.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you have done"},
    )
    reason = forms.CharField(
        label="Reason or notes",
        help_text=(
            "If you were wrong, you must say why there are no child in need or child protection "
            "concerns"
        ),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"max_length": f"This must be {MAX_TEXT:,} characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("next_step", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4),
        )
