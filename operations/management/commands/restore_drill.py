"""manage.py restore_drill: back up, restore into a scratch database, compare, time it."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.progress import Progress
from operations import backup


class Command(BaseCommand):
    help = (
        "Back up the database, restore the backup into a scratch database (PostgreSQL: a "
        "temporary database, dropped afterwards; SQLite: a temporary file), compare row counts "
        "and checksums table by table with the manifest and print the timings. Exits non-zero "
        "on any mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backup",
            type=Path,
            help="Drill this existing backup (e.g. last night's) instead of making a new one.",
        )
        parser.add_argument(
            "--keep", type=Path, help="Write the new backup here and keep it (default: discarded)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        config = backup.default_settings()
        progress = Progress.for_command(self, "restore_drill", verbosity=options["verbosity"])
        with progress, tempfile.TemporaryDirectory(prefix="arki-drill-") as directory:
            try:
                if options["backup"]:
                    path = options["backup"]
                    manifest = backup.read_manifest(path)
                    self.stdout.write(f"backup: {path} (made {manifest['created_at']})")
                else:
                    made = backup.backup(
                        config,
                        options["keep"] or Path(directory) / "drill.backup",
                        progress=progress,
                    )
                    path, manifest = made.path, made.manifest
                    self.stdout.write(
                        f"backup: {made.manifest['file_bytes']} bytes in {made.seconds:.2f} s"
                        + (" (encrypted)" if made.encrypted else "")
                    )
                with backup.scratch_database(config, Path(directory)) as scratch:
                    result = backup.restore(path, scratch, progress=progress)
            except backup.BackupError as error:
                raise CommandError(f"restore drill failed: {error}") from None
        tables = manifest["tables"]
        self.stdout.write(
            f"restore: {result.tables} tables, {result.rows} rows in {result.seconds:.2f} s"
        )
        self.stdout.write(f"verify: {len(tables)} tables compared in {result.verify_seconds:.2f} s")
        if options["verbosity"] > 1:
            for table, values in sorted(tables.items()):
                self.stdout.write(f"  {table}: {values['rows']} rows {values['sha256'][:16]}")
        self.stdout.write(f"total: {time.monotonic() - started:.2f} s")
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(f"restore drill failed: {len(result.problems)} mismatches")
        self.stdout.write("restore drill passed: every table matches the manifest")
