from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Team Around the Family casework"

    def ready(self) -> None:
        # Casework reacts to the panel's allocation and closure decisions; the panel, below
        # casework in the layers, calls this receiver rather than importing casework.
        from casework import handoff
        from panel import handoffs

        handoffs.register(handoff)
