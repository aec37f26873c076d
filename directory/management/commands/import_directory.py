"""Read an HSDS JSON file or a zip of HSDS CSV files into the service directory."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.progress import BYTES, Progress, describe
from directory import hsds, services


class Command(BaseCommand):
    help = (
        "Import organisations, services and locations in Open Referral HSDS form. "
        "Nothing is written if any row has an error; contacts never create user accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=hsds.FORMATS, default=hsds.JSON)
        parser.add_argument("path", type=Path, help="File to read.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        progress = Progress.for_command(self, "import_directory", verbosity=options["verbosity"])
        started = time.monotonic()
        progress.message(
            f"checking and importing {path.name} ({describe('', len(data), None, BYTES)})"
        )
        report = services.import_hsds(data, options["format"])
        progress.message(f"done in {time.monotonic() - started:,.1f} s")
        if not report.ok:
            for row_error in report.errors:
                place = (
                    f"{row_error.table or 'file'}, row {row_error.row or '-'}, "
                    f"{row_error.column or '-'}"
                )
                self.stderr.write(f"{place}: {row_error.reason}")
            raise CommandError(f"{len(report.errors)} errors; nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(
                "Imported. "
                f"Organisations: {report.organisations_created} new, "
                f"{report.organisations_updated} updated. "
                f"Services: {report.services_created} new, {report.services_updated} updated. "
                f"Locations: {report.locations_created} new, {report.locations_updated} updated. "
                f"Positions added: {report.positions_added}. "
                f"Contacts skipped: {report.contacts_skipped}. Phone numbers: {report.phones}."
            )
        )
