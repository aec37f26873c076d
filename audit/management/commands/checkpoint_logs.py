"""Write a signed checkpoint of the logs' chain heads now (the periodic task does it daily)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from audit import checkpoints


class Command(BaseCommand):
    help = "Seal the logs and sign their chain heads into a new checkpoint file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            help="where to write the file (default ARKI_CHECKPOINT_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["directory"] or settings.ARKI_CHECKPOINT_DIR
        written = checkpoints.write_checkpoints(directory=directory)
        for copy in written:
            self.stdout.write(f"{copy.log}: row {copy.last_seq} {copy.last_hash}")
        key = checkpoints.public_key_text(checkpoints.signing_key().verify_key)
        self.stdout.write(f"wrote {Path(directory) / written[0].file_name}; public key {key}")
