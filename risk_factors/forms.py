"""Forms for recording, ending and reviewing risk and vulnerability factors.

They check only what a form can (something chosen, a real date); the rules of a factor live in
risk_factors.services and come back here as field errors.
"""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import GovDateField, GovFormMixin
from risk_factors import services
from risk_factors.models import ADULT_FACTORS, CHILD_FACTORS, Factor, Source
from risk_factors.services import MAX_DETAIL, ReviewAnswer, answer_field, changed_field

NO_ONE = ""
PRESENT, ENDED = "present", "ended"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(label: str, *, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        widget=forms.Textarea,
        max_length=MAX_DETAIL,
        error_messages={"max_length": services.DETAIL_TOO_LONG},
    )


def _factor_hint(value: str) -> str:
    if value in CHILD_FACTORS:
        return "About a child: select the child below"
    if value in ADULT_FACTORS:
        return "About a parent or carer"
    return "About the family"


class FactorForm(GovFormMixin, forms.Form):
    factor = forms.ChoiceField(
        label="Which risk or vulnerability factor?",
        choices=[Choice(value, label, hint=_factor_hint(value)) for value, label in Factor.choices],
        widget=forms.RadioSelect,
        error_messages={
            "required": services.FACTOR_MISSING,
            "invalid_choice": services.FACTOR_MISSING,
        },
    )
    person = forms.ChoiceField(
        label="Who is it about?",
        help_text="A child’s factor must name the child. For the others, you may name no one.",
        required=False,
        error_messages={"invalid_choice": services.NOT_A_MEMBER},
    )
    noted_on = GovDateField(
        noun="Date it was first known",
        label="When was it first known?",
        help_text="For example, 27 3 2026",
        required=True,
    )
    source = forms.ChoiceField(
        label="Where did this come from?",
        choices=Source.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": services.SOURCE_MISSING,
            "invalid_choice": services.SOURCE_MISSING,
        },
    )
    source_detail = _text(
        "Details of the source", hint="For example, which agency told you, and when"
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["noted_on"].error_messages["required"] = services.NOTED_MISSING
        self.people = {str(person.pk): person for person in people}
        self.fields["person"].choices = [(NO_ONE, "No one in particular")] + [
            (pk, f"{person.full_name} ({person.get_kind_display().lower()})")
            for pk, person in self.people.items()
        ]
        self.helper = _helper(
            Field.radios("factor", legend_size=Size.MEDIUM, small=True),
            Field.select("person", label_size=Size.SMALL),
            Field("noted_on"),
            Field.radios("source", legend_size=Size.SMALL, small=True),
            Field.textarea("source_detail", label_size=Size.SMALL, rows=3),
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "factor": data["factor"],
            "person": self.people.get(data.get("person") or ""),
            "noted_on": data["noted_on"],
            "source": data["source"],
            "source_detail": data["source_detail"],
        }


class EndForm(GovFormMixin, forms.Form):
    ended_on = GovDateField(
        noun="Date it ended",
        label="When did it end?",
        help_text="For example, 27 3 2026",
        required=True,
    )
    reason = _text("What changed?", hint="Why it is no longer present")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].error_messages["required"] = services.ENDED_MISSING
        self.helper = _helper(
            Field("ended_on"),
            Field.textarea("reason", label_size=Size.SMALL, rows=4),
            Field("version"),
        )


class ReviewForm(GovFormMixin, forms.Form):
    """Each present factor: still present or not, and what changed; then the offers to record."""

    def __init__(self, *args, factors=(), offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = list(factors)
        self.offers = {offer.key: offer for offer in offers}
        layout = []
        for factor in self.factors:
            who = f" ({factor.person.full_name})" if factor.person is not None else ""
            name = answer_field(factor.pk)
            self.fields[name] = forms.ChoiceField(
                label=f"{factor.get_factor_display()}{who}: is it still present?",
                choices=[(PRESENT, "Still present"), (ENDED, "No longer present")],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[changed_field(factor.pk)] = _text(
                "What has changed?", hint="Needed when it is no longer present"
            )
            self.fields[f"version_{factor.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=factor.version
            )
            layout += [
                Field.radios(name, legend_size=Size.SMALL, inline=True),
                Field.textarea(changed_field(factor.pk), label_size=Size.SMALL, rows=2),
                Field(f"version_{factor.pk}"),
            ]
        if self.offers:
            self.fields["accept"] = forms.MultipleChoiceField(
                label="Record any of these from the family’s record?",
                help_text="Each says where it comes from. Leave any that do not apply.",
                required=False,
                choices=[
                    Choice(
                        key,
                        f"{offer.factor_label}"
                        + (f" ({offer.person.full_name})" if offer.person else ""),
                        hint=offer.source_detail,
                    )
                    for key, offer in self.offers.items()
                ],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Select offers from the list"},
            )
            layout.append(Field.checkboxes("accept", legend_size=Size.SMALL, small=True))
        self.helper = _helper(*layout)

    def answers(self) -> list[ReviewAnswer]:
        data = self.cleaned_data
        answers = []
        for factor in self.factors:
            choice = data.get(answer_field(factor.pk)) or ""
            version = data.get(f"version_{factor.pk}")
            answers.append(
                ReviewAnswer(
                    risk_factor_id=factor.pk,
                    still_present={PRESENT: True, ENDED: False}.get(choice),
                    what_changed=data.get(changed_field(factor.pk)) or "",
                    version=factor.version if version is None else version,
                )
            )
        return answers

    def accepted(self) -> list:
        return [self.offers[key] for key in self.cleaned_data.get("accept") or []]
