"""Enqueue Arki's periodic tasks for the background worker (db_worker).

``--once`` enqueues what is due and stops (a systemd timer on every app server, deploy/systemd/);
without it the command repeats every ``--interval`` seconds (``make run``). Either way a task is
enqueued at most once per interval across all servers (operations.schedule.enqueue_due).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from operations.schedule import enqueue_due


class Command(BaseCommand):
    help = "Enqueue the periodic tasks in settings.ARKI_PERIODIC_TASKS every --interval seconds."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval",
            type=int,
            default=settings.ARKI_SCHEDULER_INTERVAL,
            help="Seconds between runs (default: ARKI_SCHEDULER_INTERVAL, %(default)s).",
        )
        parser.add_argument("--once", action="store_true", help="Enqueue what is due and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        interval = timedelta(seconds=options["interval"])
        while True:
            enqueued = enqueue_due(timezone.now(), interval)
            if enqueued is None:
                self.stdout.write("another scheduler is enqueueing; nothing to do")
            for path in enqueued or []:
                self.stdout.write(f"enqueued {path}")
            if options["once"]:
                return
            time.sleep(interval.total_seconds())
