from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core: council configuration and audit"

    def ready(self) -> None:
        from core import tray, worktray

        # The home page's work tray: the messages the product sent to this person, after the work.
        worktray.register(tray.tray, order=90)
