"""Template tags for GOV.UK forms shared by every app."""

from django import forms, template

register = template.Library()


def _radio_anchor(form, name, bound_field) -> str:
    # crispy-forms-gds numbers plain radios from 1 and conditional radios from 0.
    conditional = getattr(form, "conditional_radios", ())
    return f"id_{bound_field.html_name}_{0 if name in conditional else 1}"


@register.simple_tag
def error_summary_items(form) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the GOV.UK error summary, each linking to its field.

    Radios and date inputs link to their first input (the Design System's rule), not
    to a wrapper id that nothing can take focus on.
    """
    items = []
    anchor = getattr(form, "non_field_error_anchor", "") or ""
    for error in form.non_field_errors():
        items.append((anchor, error))
    for name in form.fields:
        bound_field = form[name]
        if not bound_field.errors:
            continue
        widget = bound_field.field.widget
        if isinstance(widget, forms.MultiWidget):
            first = f"{bound_field.auto_id}_0"
            seen = []
            for index, subfield in enumerate(getattr(bound_field.field, "fields", ())):
                for error in getattr(subfield.widget, "errors", []):
                    items.append((f"{bound_field.auto_id}_{index}", error))
                    seen.append(error)
            for error in bound_field.errors:
                if error not in seen:
                    items.append((first, error))
        elif isinstance(widget, forms.RadioSelect):
            for error in bound_field.errors:
                items.append((_radio_anchor(form, name, bound_field), error))
        else:
            for error in bound_field.errors:
                items.append((bound_field.auto_id, error))
    return items
