"""Forms for supervision and escalations. They check shape only; the rules are the services'."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms
from django.utils.html import escape, format_html, format_html_join

from core.forms import GovDateField, GovFormMixin
from core.models import Agency
from oversight.models import Escalation

ACTION_ROWS = 3
TEXT_LIMIT = "This must be 5,000 characters or fewer"


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


def _text(label, *, required=False, message="", hint="", max_length=5000):
    field = forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea if max_length > 200 else forms.TextInput,
        max_length=max_length,
        help_text=hint,
    )
    field.error_messages["max_length"] = (
        TEXT_LIMIT if max_length > 200 else f"This must be {max_length} characters or fewer"
    )
    if message:
        field.error_messages["required"] = message
    return field


def _family_name(episode) -> str:
    """The family as labels name it: plain text, which the label templates escape."""
    return f"{episode.family.name} ({episode.family.reference})"


def _family(episode) -> str:
    """The family as a fieldset's legend: escaped here, once, because crispy-forms renders a
    legend as a template of its own (so typed braces are never evaluated) and prints the result
    as safe."""
    return escape(_family_name(episode))


class SupervisionForm(GovFormMixin, forms.Form):
    """A supervision: the date, each of the worker's cases (discussed or not), up to three
    actions, and reflections. The pack's questions are shown as prompts."""

    held_on = GovDateField(
        noun="Date of the supervision",
        label="When was the supervision?",
        help_text="For example, 3 11 2026",
        required=True,
    )
    reflections = _text(
        "Reflections",
        hint="The worker’s reflections on their practice, and what support they need",
    )

    def __init__(self, *args, episodes=(), prompts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.episodes = list(episodes)
        questions = [p["question"] for p in prompts]
        hint = ("Think about: " + " ".join(questions)) if questions else ""
        layout = [
            Field("held_on"),
            HTML(
                format_html(
                    '<div class="govuk-inset-text"><p class="govuk-body">Questions to ask of '
                    'each case</p><ul class="govuk-list govuk-list--bullet">{}</ul></div>',
                    format_html_join("", "<li>{}</li>", ((q,) for q in questions)),
                )
            )
            if questions
            else HTML(""),
        ]
        for episode in self.episodes:
            key = f"case_{episode.pk}"
            self.fields[f"{key}_discussed"] = forms.BooleanField(
                label=f"Discussed {_family_name(episode)}", required=False
            )
            self.fields[f"{key}_discussion"] = _text(
                f"What was discussed about {_family_name(episode)}", hint=hint
            )
            self.fields[f"{key}_decisions"] = _text(f"Decisions for {_family_name(episode)}")
            layout.append(
                Fieldset(
                    Field.checkbox(f"{key}_discussed"),
                    Field.textarea(f"{key}_discussion", label_size=Size.SMALL, rows=4),
                    Field.textarea(f"{key}_decisions", label_size=Size.SMALL, rows=3),
                    legend=_family(episode),
                    legend_size=Size.MEDIUM,
                )
            )
        for index in range(ACTION_ROWS):
            key = f"action_{index}"
            self.fields[f"{key}_what"] = _text(f"Action {index + 1}: what will be done")
            self.fields[f"{key}_who"] = _text(f"Action {index + 1}: who will do it", max_length=200)
            self.fields[f"{key}_by_when"] = GovDateField(
                noun=f"Date action {index + 1} will be done by",
                label=f"Action {index + 1}: by when",
                help_text="For example, 1 12 2026",
            )
            layout.append(
                Fieldset(
                    Field.textarea(f"{key}_what", label_size=Size.SMALL, rows=2),
                    Field.text(f"{key}_who", label_size=Size.SMALL),
                    Field(f"{key}_by_when"),
                    legend=f"Action {index + 1} (optional)",
                    legend_size=Size.SMALL,
                )
            )
        layout.append(Field.textarea("reflections", label_size=Size.SMALL, rows=5))
        self.helper = _helper(*layout)

    def clean(self):
        data = super().clean()
        for episode in self.episodes:
            key = f"case_{episode.pk}"
            if data.get(f"{key}_discussed") and not (data.get(f"{key}_discussion") or "").strip():
                self.add_error(f"{key}_discussion", "Enter what was discussed about this case")
        for index in range(ACTION_ROWS):
            key = f"action_{index}"
            what, who = data.get(f"{key}_what"), data.get(f"{key}_who")
            by_when = data.get(f"{key}_by_when")
            if not (what or who or by_when) or f"{key}_by_when" in self.errors:
                continue
            if not what:
                self.add_error(f"{key}_what", "Enter what will be done")
            if not who:
                self.add_error(f"{key}_who", "Enter who will do it")
            if not by_when:
                self.add_error(f"{key}_by_when", "Enter the date it will be done by")
        return data

    def cases(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "episode": episode,
                "discussion": data.get(f"case_{episode.pk}_discussion", ""),
                "decisions": data.get(f"case_{episode.pk}_decisions", ""),
            }
            for episode in self.episodes
            if data.get(f"case_{episode.pk}_discussed")
        ]

    def actions(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for index in range(ACTION_ROWS):
            key = f"action_{index}"
            if data.get(f"{key}_what"):
                rows.append(
                    {
                        "what": data[f"{key}_what"],
                        "who": data.get(f"{key}_who", ""),
                        "by_when": data.get(f"{key}_by_when"),
                    }
                )
        return rows


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EscalationForm(GovFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label="Which agency are you challenging?",
        queryset=Agency.objects.order_by("name"),
        error_messages={"required": "Choose the agency you are challenging"},
    )
    plan_action = forms.TypedChoiceField(
        label="Which plan action is it about? (optional)",
        required=False,
        coerce=int,
        empty_value=None,
    )
    to_whom = _text(
        "Who did you raise it with?",
        required=True,
        message="Enter who you raised it with",
        hint="Their name and role",
        max_length=200,
    )
    stage = forms.ChoiceField(
        label="Stage",
        choices=Escalation.Stage.choices,
        widget=forms.RadioSelect,
        initial=Escalation.Stage.PRACTITIONER,
        error_messages={"required": "Choose the stage of the escalation"},
    )
    concern = _text(
        "What is the concern?",
        required=True,
        message="Enter the concern",
        hint="What the agency agreed to do, what has not happened, and the effect on the child",
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_action"].choices = [("", "Not about one action")] + [
            (a.pk, f"{a.what[:80]} (by {a.by_when:%-d %b %Y})") for a in actions
        ]
        self.helper = _helper(
            Field.select("agency", label_size=Size.SMALL),
            Field.select("plan_action", label_size=Size.SMALL),
            Field.text("to_whom", label_size=Size.SMALL),
            Field.radios("stage", legend_size=Size.SMALL, small=True),
            Field.textarea("concern", label_size=Size.SMALL, rows=5),
        )


class MoveOnForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    stage = forms.ChoiceField(
        label="Which stage is it moving to?",
        choices=Escalation.Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage of the escalation"},
    )
    to_whom = _text(
        "Who are you raising it with now?",
        required=True,
        message="Enter who you raised it with",
        hint="Their name and role",
        max_length=200,
    )
    note = _text("Why is it moving on?", required=True, message="Enter why it is moving on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("stage", legend_size=Size.SMALL, small=True),
            Field.text("to_whom", label_size=Size.SMALL),
            Field.textarea("note", label_size=Size.SMALL, rows=4),
            Field("version"),
        )


class ResolveForm(GovFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    outcome = _text("What was the outcome?", required=True, message="Enter the outcome")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("outcome", label_size=Size.SMALL, rows=4), Field("version")
        )
