"""Absolute links the panel's messages carry (a message is read outside the site, so each link
names the whole address: ``settings.SITE_URL`` and the page's path)."""

from django.conf import settings
from django.urls import reverse


def site_url(path: str) -> str:
    """``settings.SITE_URL`` (or the development server) + ``path``."""
    base = (getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


def referral_outcome(referral) -> str:
    """Where the referrer reads the assessment the panel decided on."""
    return site_url(reverse("assessments:detail", kwargs={"assessment_id": referral.assessment_id}))


def case_for_agency(case, *, allocate: bool) -> str:
    """Where an agency reads the referral sent to it; the lead agency's link names its lead
    professional."""
    name = "panel:case_allocate" if allocate else "panel:case_overview"
    return site_url(reverse(name, kwargs={"case_id": case.pk}))


def case_closure(case) -> str:
    """Where the lead professional sends the case closure form again."""
    return site_url(reverse("panel:case_closure", kwargs={"case_id": case.pk}))


def meeting_pack(meeting) -> str:
    """Where a member reads the meeting's published pack."""
    return site_url(
        reverse(
            "panel:meeting_pack",
            kwargs={"panel_id": meeting.panel_id, "meeting_id": meeting.pk},
        )
    )
