"""Count a training register's LP-trained people per area and half-year, for operators."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.progress import BYTES, Progress, describe
from core.tables import read_table
from indicators.entry import ConfigurationError
from indicators.management.commands._imports import (
    add_common_arguments,
    user_and_programme,
    write_report,
)
from indicators.training_register import import_training_register


class Command(BaseCommand):
    help = (
        "Save the trained-staff figures (the programme's method) counted from a training register "
        "(.csv or .xlsx: area, completed). Names in the file are not stored. Nothing is "
        "written if any row has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The training register (.csv or .xlsx).")
        add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        user, programme = user_and_programme(options)
        try:
            upload = SimpleUploadedFile(path.name, path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        progress = Progress.for_command(
            self, "import_training_register", verbosity=options["verbosity"]
        )
        started = time.monotonic()
        progress.message(
            f"checking and importing {path.name} ({describe('', upload.size or 0, None, BYTES)})"
        )
        try:
            rows = read_table(upload, month_codes=False)
            report = import_training_register(
                by=user, rows=rows, programme=programme, source_name=path.name
            )
        except ConfigurationError as error:
            raise CommandError("\n".join(error.problems)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        progress.message(f"done in {time.monotonic() - started:,.1f} s")
        write_report(self, report)
