"""Form pieces every app shares: the GOV.UK date input and error-summary anchors."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator


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


class PickField(forms.ModelChoiceField):
    """A select of records by id whose every bad value (not an id at all, or an id not offered)
    gets the field's one ``invalid_choice`` message, never the id type's own wording."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class GovFormMixin:
    """Where the error summary links for errors that are not about one field."""

    non_field_error_anchor = ""
    # Fields laid out with ConditionalRadios (their inputs are numbered from 0, not 1).
    conditional_radios: tuple[str, ...] = ()


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)
