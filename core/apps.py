from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core: council configuration and audit"

    def ready(self) -> None:
        from core import notify, schedule, tray, worktray

        # The home page's work tray: the messages the product sent to this person, after the work.
        worktray.register(tray.tray, order=90)
        schedule.register(
            key="core.notify_retry",
            title="Try again to send messages the provider could not take",
            run=notify.retry_due,
            every="minute",
        )
