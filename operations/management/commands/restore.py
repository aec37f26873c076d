"""manage.py restore PATH --database-url URL: into an empty database, then checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.progress import Progress
from operations import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database and compare every "
        "table with the backup's manifest. Exits non-zero on any difference. An encrypted backup "
        "is decrypted with ARKI_BACKUP_KEY or one of ARKI_BACKUP_PREVIOUS_KEYS and checked in "
        "full before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file (its manifest beside it).")
        parser.add_argument(
            "--database-url",
            required=True,
            help="The database to restore into: postgres://… or sqlite:///path.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even if the target has tables (PostgreSQL: the backup's objects are "
            "dropped and recreated; SQLite: the file is overwritten).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = backup.settings_from_url(options["database_url"])
            with Progress.for_command(self, "restore", verbosity=options["verbosity"]) as progress:
                result = backup.restore(
                    options["path"], config, force=options["force"], progress=progress
                )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"restored {result.tables} tables, {result.rows} rows in {result.seconds:.2f} s "
            f"(checked in {result.verify_seconds:.2f} s)"
        )
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(
                f"the restored database differs from the backup ({len(result.problems)})"
            )
        self.stdout.write("every table matches the manifest")
