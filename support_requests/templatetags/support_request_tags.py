"""Display helpers for request pages."""

from django import template
from django.utils.dateformat import format as format_date

from core import clock
from support_requests.models import SupportRequest
from support_requests.presenters import describe_age

register = template.Library()

STATUS_TAG_COLOURS = {
    SupportRequest.Status.RECEIVED: "govuk-tag--blue",
    SupportRequest.Status.IN_TRIAGE: "govuk-tag--yellow",
    SupportRequest.Status.SIGNPOSTED: "govuk-tag--green",
    SupportRequest.Status.SINGLE_AGENCY: "govuk-tag--green",
    SupportRequest.Status.ASSESSMENT: "govuk-tag--turquoise",
    SupportRequest.Status.PANEL_REFERRAL: "govuk-tag--purple",
    SupportRequest.Status.ASSESSMENT_STARTED: "govuk-tag--turquoise",
    SupportRequest.Status.LEAD_PROFESSIONAL_ALLOCATED: "govuk-tag--green",
    SupportRequest.Status.SUPPORT_ENDED: "govuk-tag--grey",
    SupportRequest.Status.REFERRED_TO_DUTY_TEAM: "govuk-tag--red",
    SupportRequest.Status.CLOSED: "govuk-tag--grey",
}


@register.filter
def gov_datetime(value) -> str:
    """'3 March 2026 at 2:15pm' in UK time (GOV.UK style: 12-hour, lower-case am/pm)."""
    if not value:
        return ""
    local = clock.local(value)
    if local.hour == 12 and local.minute == 0:
        time = "midday"
    elif local.hour == 0 and local.minute == 0:
        time = "midnight"
    else:
        time = format_date(local, "g:i") + ("am" if local.hour < 12 else "pm")
    return f"{format_date(local, 'j F Y')} at {time}"


@register.filter
def status_tag_class(status: str) -> str:
    return STATUS_TAG_COLOURS.get(status, "govuk-tag--grey")


@register.filter
def child_age(child) -> str:
    return describe_age(child.age_years, child.date_of_birth) or "Not given"
