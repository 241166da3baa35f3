from django.apps import AppConfig


class SupportRequestsConfig(AppConfig):
    # Not "requests": that would shadow the HTTP library of the same name.
    name = "support_requests"
    verbose_name = "Requests for support and triage"

    def ready(self) -> None:
        # Core shows the work tray without importing the apps above it: each app adds its part.
        from core import worktray
        from support_requests import tray

        worktray.register(tray.tray, order=10)
