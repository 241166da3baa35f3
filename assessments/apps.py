from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Early support multi-agency assessments"

    def ready(self) -> None:
        # Core shows the work tray without importing the apps above it: each app adds its part.
        from assessments import tray
        from core import worktray

        worktray.register(tray.tray, order=20)
