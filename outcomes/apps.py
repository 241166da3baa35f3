from datetime import time

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcomes and progress"

    def ready(self) -> None:
        from core import clock, notices, schedule, worktray
        from outcomes import council_pack, tray
        from outcomes import notices as outcome_notices
        from outcomes.services import sustained_checks_create

        # The scale and the outcome frameworks come from the council pack's ``outcomes`` section.
        council_pack.register()
        # Each morning: open the sustained check of every episode that ended long enough ago.
        schedule.register(
            key="outcomes.sustained_checks",
            title="Open the checks that closed episodes' outcomes were sustained",
            run=lambda period: sustained_checks_create(today=clock.local(period).date()),
            every="day",
            at=time(5, 30),
        )
        # "Outcomes to check as sustained" on the lead professional's and their manager's home page.
        worktray.register(tray.tray, order=55)
        # The episode page links to its outcomes; a held review links to recording its scores.
        notices.register("episode", outcome_notices.episode, order=40)
        notices.register("plan_review", outcome_notices.plan_review, order=40)
