"""The sections of the assessment form (seed 002), each a GOV.UK question page.

Every section form ends with the task list pattern's "Have you completed this section?".
Answering "No, I’ll come back later" saves whatever passes its format checks (a real date,
not too long) as a draft; "Yes" also applies the section's completion checks. Either way,
nothing typed is thrown away: answers that fail keep the value saved before and are shown
again, as typed, with the error summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms

from assessments.completion import NON_FIELD, answer_errors, completion_errors
from core.forms import GovDateField, GovFormMixin

MAX_TEXT = 10_000
YES, NO = "yes", "no"
YES_NO = [Choice(YES, "Yes"), Choice(NO, "No")]
COMPLETED_CHOICES = [
    Choice(YES, "Yes, I’ve completed this section"),
    Choice(NO, "No, I’ll come back to it later"),
]


def _text(label: str, *, hint: str = "", noun: str = "") -> forms.CharField:
    noun = noun or label.lower()
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"max_length": f"{label} must be {MAX_TEXT:,} characters or fewer"},
    )


def _yes_no(label: str, *, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, help_text=hint, required=False, choices=YES_NO, widget=forms.RadioSelect
    )


class SectionForm(GovFormMixin, forms.Form):
    """One section's questions. Subclasses list `required_to_complete` and may add checks."""

    key: str = ""  # set from SECTIONS below
    number: str = ""
    title: str = ""
    intro: str = ""
    # Field names that must be answered before the section can be marked completed.
    required_to_complete: tuple[str, ...] = ()
    # Messages for an empty required field, when the label alone would not say what to do.
    required_messages: dict[str, str] = {}

    completed = forms.ChoiceField(
        label="Have you completed this section?",
        choices=COMPLETED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have completed this section"},
    )

    def __init__(self, *args, context: SectionContext | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context
        self.setup()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *self.layout_fields(),
            Field.radios("completed", legend_size=Size.MEDIUM),
            Submit("save", "Save and continue"),
        )

    # ---- hooks
    def setup(self) -> None:
        """Add fields that depend on the assessment (e.g. one per professional)."""

    def layout_fields(self) -> list:
        items = []
        for name, field in self.fields.items():
            if name == "completed":
                continue
            if isinstance(field, GovDateField):
                items.append(Field(name))
            elif isinstance(field, forms.ChoiceField) and isinstance(
                field.widget, forms.RadioSelect
            ):
                items.append(
                    Field.radios(name, legend_size=Size.SMALL, inline=len(field.choices) <= 2)
                )
            elif isinstance(field.widget, forms.Textarea):
                items.append(Field.textarea(name, label_size=Size.SMALL, rows=5))
            else:
                items.append(Field.text(name, field_width=Fluid.TWO_THIRDS))
        return items

    # ---- behaviour
    @property
    def marking_completed(self) -> bool:
        return self.data.get(self.add_prefix("completed")) == YES

    def clean(self):
        data = super().clean()
        # The rules section_save enforces, placed on their questions: the form decides nothing
        # the API could skip.
        errors = answer_errors(
            key=self.key, form_class=type(self), answers=data, already_failed=set(self.errors)
        )
        if self.marking_completed:
            failed = {*self.errors, *errors}
            for name, message in completion_errors(
                key=self.key,
                form_class=type(self),
                answers=data,
                context=self.context,
                already_failed=failed,
            ).items():
                errors.setdefault(name, message)
        for name, message in errors.items():
            self.add_error(None if name == NON_FIELD else name, message)
        return data

    def answers_to_keep(self) -> dict:
        """The cleaned answers that passed, as JSON-ready values (dates as ISO strings)."""
        cleaned = getattr(self, "cleaned_data", {}) or {}
        kept = {}
        for name in self.fields:
            if name == "completed" or name in self.errors or name not in cleaned:
                continue
            kept[name] = _to_json(cleaned[name])
        return kept

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        initial = {}
        for name, value in (answers or {}).items():
            field = cls.base_fields.get(name)
            if isinstance(field, GovDateField) and value:
                initial[name] = date.fromisoformat(value)
            else:
                initial[name] = value
        return initial


def _to_json(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class SectionContext:
    """What a section page may offer from the family record (read-only, already scoped)."""

    assessment: object
    child: object | None = None  # AssessmentChild
    professionals: list | None = None
    assessment_consent_given: bool = False


# --------------------------------------------------------------------------- sections


class FamilySection(SectionForm):
    number, title = "1", "Family, household and significant people"
    intro = (
        "These people come from the family’s record. If anything is wrong or missing, "
        "change the family’s record using the links: it is updated straight away, so the "
        "family is not asked again."
    )
    record_correct = forms.ChoiceField(
        label="Is the family’s information shown above correct and complete?",
        required=False,
        choices=[Choice(YES, "Yes"), Choice(NO, "No, I still need to update it")],
        widget=forms.RadioSelect,
    )
    communication_needs = _text(
        "Communication needs (including language)",
        hint="For any of the people in this assessment. Anything recorded on their records is shown above.",
    )
    worker_role = forms.CharField(label="Your role or job title", required=False, max_length=200)
    required_to_complete = ("record_correct", "worker_role")
    required_messages = {
        "record_correct": "Select whether the family’s information is correct and complete",
        "worker_role": "Enter your role or job title",
    }


class PanelReferralSection(SectionForm):
    number, title = "2", "Referral to the multi-agency panel"
    intro = (
        "Refer to the panel only when the family’s needs are beyond what a single agency or the "
        "area can offer. A referral needs the family’s consent (section 14)."
    )
    referring = forms.ChoiceField(
        label="Are you referring this family to the early support multi-agency panel?",
        required=False,
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    referral_date = GovDateField(
        noun="Date of referral", label="Date of referral", help_text="For example, 27 3 2027"
    )
    presenting_reason = _text("Presenting reason that brings you to refer to the panel")
    referrer_continues = forms.ChoiceField(
        label="Will you keep working with the family after the referral?",
        required=False,
        choices=[
            Choice(YES, "Yes, I will keep working with them"),
            Choice(NO, "No, I plan to close my involvement"),
        ],
        widget=forms.RadioSelect,
    )
    required_to_complete = ("referring",)
    required_messages = {"referring": "Select whether you are referring this family to the panel"}


class ProfessionalsSection(SectionForm):
    number, title = "3", "Professional relationships"
    intro = (
        "Professionals working with the children and family, from the family’s record. Say "
        "whether each has contributed to this assessment. To add someone, add them to the "
        "child’s or parent’s record."
    )
    others = _text(
        "Anyone else who contributed",
        hint="Name, agency or team, phone number and who they work with",
    )

    def setup(self):
        for involvement in (self.context.professionals if self.context else None) or []:
            key = f"contributed_{involvement.pk}"
            label = f"Has {involvement.name} ({involvement.role}, {involvement.organisation_name}) contributed?"
            self.fields[key] = _yes_no(label)
            self.fields[f"reason_{involvement.pk}"] = forms.CharField(
                label=f"If not, why has {involvement.name} not contributed?",
                required=False,
                max_length=1000,
            )


class DetailsSection(SectionForm):
    number, title = "4", "Assessment details"
    date_commenced = GovDateField(
        noun="Date the assessment started",
        label="Date the assessment started",
        help_text="For example, 27 3 2027",
    )
    reason = _text("Reason for this assessment and the presenting issues")
    required_to_complete = ("date_commenced", "reason")


class DevelopmentSection(SectionForm):
    number, title = "5", "Developmental needs"
    intro = "Record the story for this child: what is going well and what worries you."
    health = _text(
        "Health",
        hint="Growth and development, physical and mental wellbeing, health care, diet and exercise",
    )
    education = _text(
        "Education",
        hint="Any plans such as an education, health and care plan (EHCP), attendance, learning and progress",
    )
    emotional = _text(
        "Emotional and behavioural development",
        hint="Attachments, feelings, behaviour and how they cope with change",
    )
    identity = _text(
        "Identity, family and social relationships",
        hint="How they see themselves, and their relationships with family and friends",
    )
    self_care = _text(
        "Self-care skills and social presentation",
        hint="Age-appropriate independence, supervision and how they present",
    )
    required_to_complete = ("health", "education", "emotional", "identity", "self_care")
    required_messages = {
        "health": "Enter the child’s health needs",
        "education": "Enter the child’s education needs",
        "emotional": "Enter the child’s emotional and behavioural development",
        "identity": "Enter the child’s identity, family and social relationships",
        "self_care": "Enter the child’s self-care skills and social presentation",
    }


class ParentingSection(SectionForm):
    number, title = "6", "Parental capacity"
    basic_care = _text("Basic care and ensuring safety")
    warmth = _text("Emotional warmth and stimulation")
    guidance = _text("Guidance, boundaries and stability")
    required_to_complete = ("basic_care", "warmth", "guidance")


class EnvironmentSection(SectionForm):
    number, title = "7", "Family and environmental factors"
    family_history = _text(
        "Family history and functioning",
        hint=(
            "Including drugs, alcohol, mental health, disability, learning disability, care history, "
            "violence, domestic abuse, offending and antisocial behaviour, and the impact on the children"
        ),
    )
    wider_family = _text("Wider family and significant others")
    housing_income = _text("Housing, employment and income")
    community = _text("The family’s social integration and community resources")
    required_to_complete = ("family_history", "wider_family", "housing_income", "community")


class RisksSection(SectionForm):
    number, title = "8", "Risks and strengths"
    intro = (
        "Consider risks, strengths and protective factors, including child sexual exploitation, "
        "going missing, criminality, substance misuse and special educational needs."
    )
    risks = _text("Risks")
    strengths = _text("Strengths and protective factors")
    cin_cp_concern = forms.ChoiceField(
        label="Do you have concerns that a child is in need or at risk of significant harm?",
        help_text=(
            "Child in need and child protection concerns are not early help. If you answer yes, "
            "you will be shown how to contact the duty team straight away."
        ),
        required=False,
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    required_to_complete = ("risks", "strengths", "cin_cp_concern")
    required_messages = {
        "cin_cp_concern": "Select whether you have child in need or child protection concerns"
    }


class HistorySection(SectionForm):
    number, title = "9", "Historical involvement of other professionals and services"
    intro = (
        "Significant events already on the family’s chronology are shown above. Add anything else "
        "here, or add it to the person’s chronology so it follows them."
    )
    history = _text("Other significant history", hint="Dates and events, and which agency told you")
    required_to_complete = ("history",)
    required_messages = {"history": "Enter the significant history, or ‘None known’"}


class ChildViewsSection(SectionForm):
    number, title = "10", "Views of the child and when they were seen"
    intro = (
        "It is expected that every child is seen alone unless there is a very good reason not to."
    )
    child_views = _text(
        "The child’s views, wishes and feelings",
        hint="What is life like for this child? For a child who does not speak, record what you observed.",
    )
    first_seen_on = GovDateField(
        noun="Date the child was first seen",
        label="Date the child was first seen and spoken to",
        help_text="For example, 27 3 2027",
    )
    last_seen_on = GovDateField(
        noun="Date the child was last seen",
        label="Date the child was last seen and spoken to (if seen more than once)",
        help_text="For example, 3 4 2027",
    )
    seen_alone = forms.ChoiceField(
        label="Was the child seen alone?", required=False, choices=YES_NO, widget=forms.RadioSelect
    )
    seen_alone_on = GovDateField(
        noun="Date the child was seen alone",
        label="If yes, the date they were seen alone",
        help_text="For example, 3 4 2027",
    )
    not_seen_alone_reason = _text("If not, the reason the child was not seen alone")
    required_to_complete = ("child_views", "first_seen_on", "seen_alone")
    required_messages = {
        "child_views": "Enter the child’s views, wishes and feelings",
        "first_seen_on": "Enter the date the child was first seen",
        "seen_alone": "Select whether the child was seen alone",
    }


class ParentViewsSection(SectionForm):
    number, title = "10", "Views of parents, carers and significant others"
    parent_views = _text(
        "Views of parents, carers and significant others", hint="Their wishes and feelings"
    )
    family_seen = _text(
        "Family members seen and spoken to",
        hint="Who, and the dates you saw and spoke to them",
    )
    required_to_complete = ("parent_views", "family_seen")
    required_messages = {
        "parent_views": "Enter the views of parents, carers and significant others",
        "family_seen": "Enter which family members you saw and spoke to, and when",
    }


class AnalysisSection(SectionForm):
    number, title = "11", "Analysis and recommendations"
    impact = _text(
        "Analysis and professional judgement",
        hint="Given everything gathered, what is the impact for the children if no action is taken?",
    )
    recommendations = _text(
        "Recommendations and actions", hint="What needs to change to reduce the risks you found?"
    )
    required_to_complete = ("impact", "recommendations")
    required_messages = {
        "impact": "Enter your analysis of the impact if no action is taken",
        "recommendations": "Enter what needs to change",
    }


class DecisionSection(SectionForm):
    number, title = "12", "Decision"
    decision = forms.ChoiceField(
        label="What is the outcome of the assessment?",
        required=False,
        widget=forms.RadioSelect,
        choices=[],
    )
    other_agency_details = _text(
        "If referring or signposting to another agency, give details",
        hint="Which agency, and whether their referral form has been completed",
    )
    decision_date = GovDateField(
        noun="Date of the decision", label="Date of the decision", help_text="For example, 3 4 2027"
    )
    required_to_complete = ("decision", "decision_date")
    required_messages = {"decision": "Select the outcome of the assessment"}

    def setup(self):
        from assessments.models import Assessment

        hints = {
            Assessment.Decision.TAF: (
                "The family’s needs call for a lead professional and a plan; "
                "refer to the panel to agree the lead agency"
            ),
            Assessment.Decision.SOCIAL_CARE: (
                "Child in need or child protection: you will be shown how to contact the duty team"
            ),
        }
        self.fields["decision"].choices = [
            Choice(value, label, hint=hints.get(value, ""))
            for value, label in Assessment.Decision.choices
        ]


class ConsentSection(SectionForm):
    number, title = "14", "Consent and signatures"
    intro = (
        "Record the family’s consent to this assessment and to sharing information (on the "
        "consent page), then when the declaration was agreed."
    )
    privacy_notice_given = forms.ChoiceField(
        label="Has the family been given the council’s privacy notice?",
        required=False,
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    parent_name = forms.CharField(
        label="Parent or carer who agreed the declaration", required=False, max_length=200
    )
    parent_agreed_on = GovDateField(
        noun="Date the parent or carer agreed",
        label="Date the parent or carer agreed",
        help_text="For example, 3 4 2027",
    )
    child_name = forms.CharField(
        label="Child or young person who agreed the declaration (if appropriate)",
        required=False,
        max_length=200,
    )
    child_agreed_on = GovDateField(
        noun="Date the child or young person agreed",
        label="Date the child or young person agreed",
        help_text="For example, 3 4 2027",
    )
    assessor_signed_on = GovDateField(
        noun="Date you signed",
        label="Date you, the assessor, signed",
        help_text="For example, 3 4 2027",
    )
    required_to_complete = (
        "privacy_notice_given",
        "parent_name",
        "parent_agreed_on",
        "assessor_signed_on",
    )
    required_messages = {
        "privacy_notice_given": "Select whether the family has been given the privacy notice",
        "parent_name": "Enter the name of the parent or carer who agreed the declaration",
    }


@dataclass(frozen=True)
class Section:
    key: str
    form: type[SectionForm]
    per_child: bool = False

    @property
    def number(self) -> str:
        return self.form.number

    @property
    def title(self) -> str:
        return self.form.title


SECTIONS: tuple[Section, ...] = (
    Section("family", FamilySection),
    Section("panel_referral", PanelReferralSection),
    Section("professionals", ProfessionalsSection),
    Section("details", DetailsSection),
    Section("development", DevelopmentSection, per_child=True),
    Section("parenting", ParentingSection),
    Section("environment", EnvironmentSection),
    Section("risks", RisksSection),
    Section("history", HistorySection),
    Section("child_views", ChildViewsSection, per_child=True),
    Section("parent_views", ParentViewsSection),
    Section("analysis", AnalysisSection),
    Section("decision", DecisionSection),
    Section("consent", ConsentSection),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
for _section in SECTIONS:
    _section.form.key = _section.key
CONSULTATION_NUMBER = "13"
