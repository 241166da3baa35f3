from django.apps import AppConfig


class ConsultancyConfig(AppConfig):
    name = "consultancy"
    verbose_name = "Casework consultancy"

    def ready(self) -> None:
        from consultancy import tray
        from core import worktray

        # Consultants and team leaders: requests waiting and not answered; requesters: answers.
        worktray.register(tray.tray, order=47)
