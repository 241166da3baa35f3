"""Queue the scheduled jobs when they fall due (core.schedule), every half minute until stopped.

Run one or several (on any machines): each period's run is queued once whichever gets there
first. ``--once`` ticks once and exits (for cron, and for tests).
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from core import schedule

logger = logging.getLogger("earlyhelp.schedule")


class Command(BaseCommand):
    help = "Queue the scheduled jobs as they fall due (workers run them: manage.py db_worker)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between ticks")
        parser.add_argument("--once", action="store_true", help="tick once and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        while True:
            close_old_connections()
            queued = schedule.tick()
            if queued or options["verbosity"] > 1:
                # Through the logs (JSON in production), with the jobs' keys: never personal data.
                logger.info(
                    "scheduled jobs queued",
                    extra={"queued": len(queued), "jobs": [run.job for run in queued]},
                )
            if once or stop.wait(interval):
                break
