from datetime import time

from django.apps import AppConfig
from django.urls import reverse


class PanelConfig(AppConfig):
    name = "panel"
    verbose_name = "Early support multi-agency panel"

    def ready(self) -> None:
        # Core loads the council pack but may not import the panel, which sits above it, so the
        # panel reads and loads the pack's panels section itself.
        from core import clock, notices, records, schedule, worktray
        from core import tray as core_tray
        from panel import council_pack, tray
        from panel import notices as linked
        from panel.services import scheduled

        council_pack.register()
        # The home page's work tray: what the panel is waiting on each person for.
        worktray.register(tray.tray, order=30)
        # The messages the panel sent (listed in core's part of the tray) link to their record.
        core_tray.register_message_links("panel.paneldecision", tray.decision_message_links)
        core_tray.register_message_links("panel.closurerequest", tray.closure_message_links)
        core_tray.register_message_links("panel.panelmeeting", tray.meeting_message_links)
        # What the panel does by the clock (core.schedule): past meetings settled, packs announced.
        schedule.register(
            key="panel.settle_past_meetings",
            title="Mark past panel meetings held or not held",
            run=lambda period: scheduled.meetings_settle_past(today=clock.local(period).date()),
            every="day",
            at=time(1, 0),
        )
        schedule.register(
            key="panel.pack_notices",
            title="Tell panel members their meeting's pack is ready",
            run=lambda period: scheduled.pack_notices_send(now=period),
            every="hour",
        )
        # Each record of a case links to the others: the request and the assessment (below the
        # panel) to its case, and the case to them (core.notices).
        notices.register("triage", linked.triage, order=linked.ORDER)
        notices.register("assessment", linked.assessment, order=linked.ORDER)
        notices.register("panel_case", linked.panel_case, order=linked.ORDER)
        # Chronology entries about a panel case link to it (core cannot import the panel).
        records.register_link(
            "panel_case",
            text="View the panel case",
            url=lambda pk: reverse("panel:case_overview", kwargs={"case_id": int(pk)}),
        )
