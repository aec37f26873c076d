from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.chain import seal_all, verify_all


class Command(BaseCommand):
    help = "Seal the access and disclosure logs' new rows, then check their hash chains."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-seal", action="store_true", help="only check, do not seal")

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
        if broken:
            raise CommandError("Tampering detected. " + "; ".join(broken))
