from django.apps import AppConfig
from django.urls import reverse


class SupportRequestsConfig(AppConfig):
    # Not "requests": that would shadow the HTTP library of the same name.
    name = "support_requests"
    verbose_name = "Requests for support and triage"

    def ready(self) -> None:
        # Core shows the work tray without importing the apps above it: each app adds its part.
        from core import records, worktray
        from support_requests import selectors, tray

        worktray.register(tray.tray, order=10)
        # Chronology entries about a request link to it (core cannot import this app).
        records.register_link(
            "support_request",
            text="View the request",
            url=lambda pk: reverse("support_requests:detail", kwargs={"request_id": pk}),
        )
        # The offer's signpost from a request with no family record is read by those who may
        # read the request (the offer app sits below this one).
        records.register_reader("support_request", selectors.may_read_request)
