"""Count the indicator events afresh, for operators."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from indicators.models import Event, EventCount


class Command(BaseCommand):
    help = (
        "Set the indicator event counts (what the dashboards read) from the events themselves. "
        "Arki keeps them as each event is written; run this after events were written into the "
        "database other than through Arki (a restore of only the events table, a bulk load)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        groups = EventCount.recount()
        self.stdout.write(
            f"{Event.objects.count()} events counted in {groups} groups "
            f"in {time.monotonic() - started:.1f} s."
        )
