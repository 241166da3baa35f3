from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "The partnership's reports and statutory returns"

    def ready(self) -> None:
        from reporting import council_pack

        # The small number and the measures come from the council pack's ``reporting`` section.
        council_pack.register()
