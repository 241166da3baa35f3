from datetime import time

from django.apps import AppConfig


class DataprotectionConfig(AppConfig):
    name = "dataprotection"
    verbose_name = "Data protection"

    def ready(self) -> None:
        # The retention schedule is a council pack section read by this app (core may not import
        # it), and the schedule is applied every night by core's scheduler.
        from core import clock, schedule
        from dataprotection import council_pack
        from dataprotection.services import retention_apply

        council_pack.register()
        schedule.register(
            key="dataprotection.retention",
            title="Apply the retention schedule",
            run=lambda period: retention_apply(today=clock.local(period).date()).summary_counts(),
            every="day",
            at=time(2, 0),
        )
