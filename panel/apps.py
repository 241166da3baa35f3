from django.apps import AppConfig
from django.urls import reverse


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Early support multi-agency panel"

    def ready(self) -> None:
        # Core loads the council pack but may not import the panel, which sits above it, so the
        # panel reads and loads the pack's panels section itself.
        from core import records, worktray
        from core import tray as core_tray
        from panel import council_pack, tray

        council_pack.register()
        # The home page's work tray: what the panel is waiting on each person for.
        worktray.register(tray.tray, order=30)
        # The messages the panel sent (listed in core's part of the tray) link to their record.
        core_tray.register_message_links("panel.paneldecision", tray.decision_message_links)
        core_tray.register_message_links("panel.closurerequest", tray.closure_message_links)
        # Chronology entries about a panel case link to it (core cannot import the panel).
        records.register_link(
            "panel_case",
            text="View the panel case",
            url=lambda pk: reverse("panel:case_overview", kwargs={"case_id": int(pk)}),
        )
