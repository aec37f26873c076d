from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.package import PackageRejected
from learning.services import export_package, send_to_hub


class Command(BaseCommand):
    help = "Sign the next version of this region's learning-network package; write and/or send it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="write the signed package to this file")
        parser.add_argument(
            "--send", action="store_true", help="send it to LEARNING_HUB_URL with the token"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            exported = export_package(by=None)
        except (ValidationError, PackageRejected) as error:
            raise CommandError(str(getattr(error, "message", error))) from None
        self.stdout.write(
            f"Signed version {exported.version}: {exported.figures} figures, "
            f"{exported.learnings} learnings, SHA-256 {exported.sha256}."
        )
        if options["out"]:
            options["out"].write_bytes(bytes(exported.envelope))
            self.stdout.write(f"Wrote {options['out']}.")
        if options["send"]:
            try:
                self.stdout.write(f"Hub answered: {send_to_hub(exported)}")
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
