"""Write the service directory to an HSDS JSON file or a zip of HSDS CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from directory import hsds


class Command(BaseCommand):
    help = "Export the service directory in Open Referral HSDS form (JSON, or CSV files in a zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=hsds.FORMATS, default=hsds.JSON)
        parser.add_argument("path", type=Path, help="File to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        tables = hsds.directory_as_hsds()
        path: Path = options["path"]
        path.write_bytes(hsds.encode(tables, options["format"]).content)
        counts = ", ".join(f"{table}: {len(rows)}" for table, rows in tables.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({counts})."))
