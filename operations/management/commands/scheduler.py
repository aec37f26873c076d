"""Enqueue Arki's periodic tasks for the background worker (db_worker) at a fixed interval."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue the periodic tasks in settings.ARKI_PERIODIC_TASKS every --interval seconds."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=int, default=900)
        parser.add_argument("--once", action="store_true", help="Enqueue once and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for path in settings.ARKI_PERIODIC_TASKS:
                import_string(path).enqueue()
                self.stdout.write(f"enqueued {path}")
            if options["once"]:
                return
            time.sleep(options["interval"])
