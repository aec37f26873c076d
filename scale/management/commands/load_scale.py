"""manage.py load_scale: a synthetic region at pilot, city or county scale (issue #10)."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.progress import Progress
from demo.services import PASSWORD_FILE, demo_password
from scale.generator import STEPS, ScaleError, load_scale
from scale.plan import PUBLIC_SCALES, SCALES


class Command(BaseCommand):
    help = (
        "Load a deterministic synthetic region for benchmarks: pilot (60,000 inhabitants, "
        "1 year), city (200,000, 5 years) or county (400,000, 10 years). Never in production."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scale",
            required=True,
            choices=list(SCALES),
            metavar="{" + ",".join(PUBLIC_SCALES) + "}",
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The anchor date (YYYY-MM-DD) the history ends at; default today.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the loaded tables first (everything but the configuration).",
        )
        parser.add_argument(
            "--password",
            default=None,
            help=argparse.SUPPRESS,  # default: the demo password file, else a generated one
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        if not password:
            # The demo password, generated once and kept, so every loaded scale (and the
            # benchmark, which reads the same file) signs in with it.
            password = demo_password(Path(settings.LOCAL_DIR) / PASSWORD_FILE)
        today = options["today"] or timezone.localdate()
        progress = Progress.for_command(self, "load_scale", verbosity=options["verbosity"])
        started = time.monotonic()
        steps = STEPS if options["reset"] else STEPS[1:]

        def log(line: str) -> None:
            self.stdout.write(line)
            if line in steps:
                # On stderr: which step of how many, and the time so far (for the journal).
                number = steps.index(line) + 1
                progress.message(
                    f"step {number} / {len(steps)}: {line} "
                    f"({time.monotonic() - started:,.0f} s so far)"
                )

        self.stdout.write(
            f"Loading scale {options['scale']} (seed {options['seed']}, today {today}) …"
        )
        try:
            report = load_scale(
                options["scale"],
                seed=options["seed"],
                today=today,
                password=password,
                reset_first=options["reset"],
                log=log,
            )
        except ScaleError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write("Rows per table:")
        for table, count in sorted(report.counts.items()):
            self.stdout.write(f"  {table:40} {count:>12,}")
        self.stdout.write(f"Total rows: {sum(report.counts.values()):,}")
        self.stdout.write(f"Loaded in {report.total_seconds:.1f} s.")
        progress.message(f"done in {report.total_seconds:,.1f} s")
        for email, login in report.logins:
            secret = "(the password in .local/demo_password)"  # noqa: S105 - a hint
            if options["password"]:
                secret = "(the password given with --password)"  # noqa: S105 - a hint
            self.stdout.write(f"Sign-in: {email} / {secret}   ({login})")
