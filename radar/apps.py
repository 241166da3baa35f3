from datetime import time

from django.apps import AppConfig


class RadarConfig(AppConfig):
    name = "radar"
    verbose_name = "Drift and delay radar"

    def ready(self) -> None:
        from core import clock, notices, schedule, worktray
        from radar import council_pack, tray
        from radar import notices as radar_notices
        from radar.services import radar_run

        # The rules and their thresholds are the council pack's ``radar`` section.
        council_pack.register()
        # Early every morning, so a manager's radar is fresh when the day starts.
        schedule.register(
            key="radar.run",
            title="Run the drift and delay radar",
            run=lambda period: radar_run(today=clock.local(period).date()),
            every="day",
            at=time(5, 0),
        )
        # "Drifting cases" on the home page of lead professionals and managers.
        worktray.register(tray.tray, order=45)
        # The episode page shows that episode's open flags, with their reasons.
        notices.register("episode", radar_notices.episode, order=30)
