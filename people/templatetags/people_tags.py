"""Small display helpers for people pages: ages, dates of birth, the error summary."""

from django import template
from django.utils.dateformat import format as format_date

from core import clock

register = template.Library()

GOV_DATE = "j F Y"


def months_between(born, day) -> int:
    return (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)


@register.filter
def age(person) -> str:
    """'7 years', '11 months', 'Unborn' or 'Not known', as of today (UK time)."""
    if person.is_unborn:
        return "Unborn"
    if not person.date_of_birth:
        return "Not known"
    today = clock.today()
    years = person.age_on(today)
    if years < 2:
        months = max(months_between(person.date_of_birth, today), 0)
        return "1 month" if months == 1 else f"{months} months"
    return f"{years} years"


@register.filter
def born_or_due(person) -> str:
    """The date of birth, or 'Due 1 March 2027' for an unborn baby."""
    if person.is_unborn:
        if person.expected_date_of_delivery:
            return "Due " + format_date(person.expected_date_of_delivery, GOV_DATE)
        return "Due date not known"
    if person.date_of_birth:
        return format_date(person.date_of_birth, GOV_DATE)
    return "Not known"


def _person_html(person, linkable: bool):
    from django.urls import reverse
    from django.utils.html import format_html

    if linkable:
        url = reverse("people:person_detail", kwargs={"person_id": person.pk})
        return format_html('<a class="govuk-link" href="{}">{}</a>', url, person.full_name)
    return format_html("{}", person.full_name)


@register.simple_tag
def sentence(s):
    """Render a presenters.Sentence, linking each named person the user may open."""
    from django.utils.html import format_html

    subject = _person_html(s.subject, s.subject_linkable) if s.subject is not None else ""
    obj = _person_html(s.obj, s.obj_linkable) if s.obj is not None else ""
    return format_html("{}{}{}{}", subject, s.verb, obj, s.tail)
