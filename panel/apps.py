from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Early support multi-agency panel"

    def ready(self) -> None:
        # Core loads the council pack but may not import the panel, which sits above it, so the
        # panel reads and loads the pack's panels section itself.
        from core import worktray
        from panel import council_pack, tray

        council_pack.register()
        # The home page's work tray: what the panel is waiting on each person for.
        worktray.register(tray.tray, order=30)
