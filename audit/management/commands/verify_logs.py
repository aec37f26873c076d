from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import seal_all, verify_all
from audit.checkpoints import verify_checkpoints


class Command(BaseCommand):
    help = (
        "Seal the access and disclosure logs' new rows, check their hash chains, and check the "
        "chains against the signed checkpoints."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-seal", action="store_true", help="only check, do not seal")
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="a directory of checkpoint files, e.g. a copy from write-once storage "
            "(default ARKI_CHECKPOINT_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_seal"]:
            for log, count in seal_all().items():
                self.stdout.write(f"{log}: sealed {count} new rows")
        broken = []
        for verdict in verify_all():
            if verdict.intact:
                self.stdout.write(
                    f"{verdict.log}: {verdict.rows} rows intact; head {verdict.head_hash}"
                )
            else:
                broken.append(f"{verdict.log}: {verdict.problem}")
        matched = 0
        for checkpoint in verify_checkpoints(options["checkpoints"]):
            if checkpoint.intact:
                matched += 1
            else:
                broken.append(f"{', '.join(checkpoint.sources)}: {checkpoint.problem}")
        self.stdout.write(f"{matched} checkpoints match the logs")
        if broken:
            raise CommandError("Tampering detected. " + "; ".join(broken))
