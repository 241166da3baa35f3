from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "The partnership's reports and statutory returns"

    def ready(self) -> None:
        from core import worktray
        from reporting import council_pack, tray

        # The small number and the measures come from the council pack's ``reporting`` section.
        council_pack.register()
        # "Neglect booklet to issue" on a strategic lead's home page once a quarter has ended.
        worktray.register(tray.tray, order=90)
