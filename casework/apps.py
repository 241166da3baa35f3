from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Team Around the Family casework"

    def ready(self) -> None:
        # Casework reacts to the panel's allocation and closure decisions; the panel, below
        # casework in the layers, calls this receiver rather than importing casework.
        from casework import handoff, tray
        from core import worktray
        from panel import handoffs

        handoffs.register(handoff)
        # Casework's part of everyone's home page: reviews, actions and closures waiting.
        worktray.register(tray.tray, order=40)
