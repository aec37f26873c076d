"""Erase the personal data of closed networks whose retention period has run out."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.progress import Progress
from privacy.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Erase the personal data of closed networks whose programme's retention period has "
        "run out, and print what was (or with --dry-run, would be) erased."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what is due; change nothing."
        )
        parser.add_argument(
            "--date", help="Run as if today were this day (YYYY-MM-DD); default: today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date: {options['date']!r} is not a date (YYYY-MM-DD)"
                ) from None
        if today > timezone.localdate() and not options["dry_run"]:
            # A future date would erase data before its retention period has run out.
            raise CommandError("--date: a day in the future is only allowed with --dry-run")
        progress = Progress.for_command(self, "apply_retention", verbosity=options["verbosity"])
        started = time.monotonic()
        progress.message(
            f"finding the networks due on {today}"
            + (" (dry run)" if options["dry_run"] else " and erasing their personal data")
        )
        report = apply_retention(today, dry_run=options["dry_run"], progress=progress)
        progress.message(f"done in {time.monotonic() - started:,.1f} s")
        for line in report.lines():
            self.stdout.write(line)
