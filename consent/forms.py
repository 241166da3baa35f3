"""Forms for recording consent and overrides, in the GOV.UK Design System's patterns.

The forms check only what a form can (something chosen, a real date); the rules about what
each decision needs live in consent.services and come back here as field errors.
"""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fluid, Layout, Size, Submit
from django import forms

from consent import services
from consent.models import ConsentDecision, LawfulBasis, Purpose
from consent.services import MAX_NAME, MAX_TEXT
from core.forms import GovDateField, GovFormMixin
from core.models import Agency

STATUS_HINTS = {
    ConsentDecision.Status.GIVEN: "The family agreed, knowing what will be shared and with whom",
    ConsentDecision.Status.REFUSED: "The family said no",
    ConsentDecision.Status.WITHDRAWN: "The family agreed before but have now changed their mind",
    ConsentDecision.Status.NOT_SOUGHT: "For example, asking would put a child at risk of harm",
}


class ReturnToMixin(forms.Form):
    # Where to go back to afterwards (the assessment task list, say); checked by the view.
    return_to = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)


class ConsentDecisionForm(GovFormMixin, ReturnToMixin, forms.Form):
    # Asked once for everything the family decided in one conversation: the answers below (who,
    # the agencies, what may be shared) are recorded for each purpose ticked.
    purpose = forms.MultipleChoiceField(
        label="What did the family decide about?",
        help_text="Select all that apply. Everything you record below applies to each one",
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": services.PURPOSE_MISSING,
            "invalid_choice": services.PURPOSE_MISSING,
        },
    )
    status = forms.ChoiceField(
        label="What did the family decide?",
        choices=[
            Choice(value, label, hint=STATUS_HINTS[value])
            for value, label in ConsentDecision.Status.choices
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": services.STATUS_MISSING,
            "invalid_choice": services.STATUS_MISSING,
        },
    )
    reason = forms.CharField(
        label="If consent was refused, withdrawn or not sought: why?",
        help_text="Say what the family told you, or why you did not ask",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"max_length": services.REASON_TOO_LONG},
    )
    given_by_name = forms.CharField(
        label="Name of the person who decided",
        required=False,
        max_length=MAX_NAME,
        error_messages={"max_length": services.NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    given_by_relationship = forms.ChoiceField(
        label="Who are they?",
        choices=ConsentDecision.Relationship.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": services.RELATIONSHIP_MISSING},
    )
    person = forms.ChoiceField(
        label="Which family member is this? (optional)",
        required=False,
        # The service's words, so the page and the API refuse someone else alike.
        error_messages={"invalid_choice": services.NOT_A_MEMBER},
    )
    lawful_basis = forms.ChoiceField(
        label="What is the lawful basis for sharing?",
        help_text="Under UK GDPR. Ask your data protection lead if you are not sure",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": services.LAWFUL_BASIS_MISSING},
    )
    agencies = forms.MultipleChoiceField(
        label="Which agencies may information be shared with?",
        help_text="Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": services.AGENCY_NOT_LISTED},
    )
    what_may_be_shared = forms.CharField(
        label="What information may be shared?",
        help_text="For example, the assessment and the family's plan, but not health records",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"max_length": services.SHARED_TOO_LONG},
    )
    decision_date = GovDateField(
        label="Date of the decision",
        noun="Date of the decision",
        required=True,
        help_text="For example, 27 3 2026",
    )

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {
            str(m.person_id): m.person
            for m in family.members.select_related("person").order_by(
                "role", "person__date_of_birth"
            )
        }
        self.fields["person"].choices = [("", "Not on the record, or not a family member")] + [
            (pk, person.full_name) for pk, person in self.members.items()
        ]
        self.agency_objects = {str(a.pk): a for a in Agency.objects.order_by("sort_order", "name")}
        self.fields["agencies"].choices = [(pk, a.name) for pk, a in self.agency_objects.items()]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.checkboxes("purpose", legend_size=Size.MEDIUM),
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4),
            Field.text("given_by_name", field_width=Fluid.TWO_THIRDS),
            Field.radios("given_by_relationship", legend_size=Size.SMALL),
            Field.select("person"),
            Field.radios("lawful_basis", legend_size=Size.MEDIUM),
            Field.checkboxes("agencies", legend_size=Size.MEDIUM, small=True),
            Field.textarea("what_may_be_shared", rows=4),
            Field("decision_date"),
            Field("return_to"),
            Submit("save", "Save consent decision"),
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "purposes": data["purpose"],
            "status": data["status"],
            "reason": data["reason"],
            "given_by_name": data["given_by_name"],
            "given_by_relationship": data["given_by_relationship"],
            "person": self.members.get(data["person"] or ""),
            "lawful_basis": data["lawful_basis"],
            "agencies": [self.agency_objects[pk] for pk in data["agencies"]],
            "what_may_be_shared": data["what_may_be_shared"],
            "decision_date": data["decision_date"],
        }


class ConsentOverrideForm(GovFormMixin, ReturnToMixin, forms.Form):
    purpose = forms.ChoiceField(
        label="What goes ahead without consent?",
        choices=Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": services.OVERRIDE_PURPOSE_MISSING,
            "invalid_choice": services.OVERRIDE_PURPOSE_MISSING,
        },
    )
    reason = forms.CharField(
        label="Why does it go ahead without consent?",
        help_text="For example, the safeguarding concern, and why asking or waiting would put a child at risk",
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={
            "required": services.OVERRIDE_REASON_MISSING,
            "max_length": services.REASON_TOO_LONG,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.radios("purpose", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=6),
            Field("return_to"),
            HTML(
                '<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!'
                '</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning'
                "</span>You are authorising this under your own name. It cannot be undone.</strong></div>"
            ),
            Submit("save", "Authorise without consent"),
        )
