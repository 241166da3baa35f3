from datetime import time

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "The partnership's reports and statutory returns"

    def ready(self) -> None:
        from core import schedule, worktray
        from reporting import council_pack, figures, tray
        from reporting.services import report_runs_clear_drafts

        # The small number and the measures come from the council pack's ``reporting`` section.
        council_pack.register()
        # "Neglect booklet to issue" on a strategic lead's home page once a quarter has ended.
        worktray.register(tray.tray, order=90)
        # A draft's file is for downloading, not keeping: cleared a day after it was built.
        schedule.register(
            key="reporting.clear_drafts",
            title="Clear the files of neglect booklet drafts built more than a day ago",
            run=lambda period: report_runs_clear_drafts(now=period),
            every="day",
            at=time(3, 0),
        )
        # The figures the reports open by default, worked out before anyone asks (ADR 0027).
        schedule.register(
            key="reporting.work_out_figures",
            title="Work out the reports' figures for the last five quarters",
            run=figures.refresh_nightly,
            every="day",
            at=time(2, 0),
        )
