"""What the requests app puts in a person's work tray (``core.worktray``): the requests waiting
for them to triage. Registered in ``SupportRequestsConfig.ready``."""

import rules
from django.urls import reverse

from core import clock, worktray
from core.worktray import TrayItem, TraySection
from support_requests import selectors
from support_requests.models import SupportRequest


def _long_date(moment) -> str:
    day = clock.local(moment).date()
    return f"{day.day} {day:%B %Y}"


def _triage_item(support_request: SupportRequest) -> TrayItem:
    hint = f"Received {_long_date(support_request.created_at)}"
    if support_request.status == SupportRequest.Status.IN_TRIAGE:
        hint += ", in triage"
    # Only the reference: the tray lists work, it is not a read of anyone's request.
    return TrayItem(
        text=support_request.reference,
        url=reverse("support_requests:detail", kwargs={"request_id": support_request.pk}),
        hint=hint,
    )


def tray(user) -> list[TraySection]:
    if not rules.has_perm("support_requests.triage", user):
        return []
    count, requests = worktray.first(selectors.requests_to_triage(user))
    return [
        TraySection(
            key="requests_to_triage",
            title="Requests to triage",
            count=count,
            items=[_triage_item(r) for r in requests],
            more_url=reverse("support_requests:queue"),
        )
    ]
