"""manage.py backup: the database to one file plus a manifest of row counts and checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations import backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump --format=custom; SQLite: the online backup "
        "API) with a manifest (<file>.manifest.json) of row counts and checksums per table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The backup file (default: $ARKI_BACKUP_DIR or ARKI_LOCAL_DIR/backups, "
            "arki-<UTC time>.dump or .sqlite3).",
        )
        parser.add_argument(
            "--database-url", help="Back up this database instead of DATABASE_URL's."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = (
                backup.settings_from_url(options["database_url"])
                if options["database_url"]
                else backup.default_settings()
            )
            made = backup.backup(config, options["output"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        tables = made.manifest["tables"]
        self.stdout.write(
            f"backup: {made.path} ({made.manifest['file_bytes']} bytes, {len(tables)} tables, "
            f"{sum(t['rows'] for t in tables.values())} rows) in {made.seconds:.2f} s"
        )
        self.stdout.write(f"manifest: {made.manifest_path}")
