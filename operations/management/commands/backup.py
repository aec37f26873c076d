"""manage.py backup: the database to one file plus a manifest of row counts and checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.progress import Progress
from operations import backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump --format=custom; SQLite: the online backup "
        "API) with a manifest (<file>.manifest.json) of row counts and checksums per table. "
        "Encrypted with ARKI_BACKUP_KEY (<file>.enc) when it is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The backup file (default: $ARKI_BACKUP_DIR or ARKI_LOCAL_DIR/backups, "
            "arki-<UTC time>.dump or .sqlite3, + .enc when encrypted).",
        )
        parser.add_argument(
            "--database-url", help="Back up this database instead of DATABASE_URL's."
        )
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Print a new random key for ARKI_BACKUP_KEY and exit (nothing is backed up).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(backup.generate_key())
            return
        progress = Progress.for_command(self, "backup", verbosity=options["verbosity"])
        try:
            config = (
                backup.settings_from_url(options["database_url"])
                if options["database_url"]
                else backup.default_settings()
            )
            with progress:
                made = backup.backup(config, options["output"], progress=progress)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if not made.encrypted:
            self.stderr.write(
                "WARNING: the backup is NOT encrypted (ARKI_BACKUP_KEY is not set); it holds "
                "personal data in plain form."
            )
        tables = made.manifest["tables"]
        self.stdout.write(
            f"backup: {made.path} ({made.manifest['file_bytes']} bytes, {len(tables)} tables, "
            f"{sum(t['rows'] for t in tables.values())} rows) in {made.seconds:.2f} s"
        )
        if made.encrypted:
            self.stdout.write(f"encrypted with key {made.manifest['encryption']['key_id']}")
        self.stdout.write(f"manifest: {made.manifest_path}")
