"""Import a Sotkanet figures file (JSON or CSV from https://sotkanet.fi/rest/1.1/) for operators."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.progress import BYTES, Progress, describe
from indicators.entry import ConfigurationError
from indicators.management.commands._imports import (
    add_common_arguments,
    user_and_programme,
    write_report,
)
from indicators.sotkanet import import_sotkanet, load_configuration


class Command(BaseCommand):
    help = (
        "Import yearly figures from a Sotkanet JSON or CSV file, mapped to the catalogue by "
        "indicators/data/sotkanet.toml. Nothing is written if any row has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The Sotkanet file (.json or .csv).")
        add_common_arguments(parser)
        parser.add_argument(
            "--configuration",
            type=Path,
            default=None,
            help="Another mapping than indicators/data/sotkanet.toml.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        user, programme = user_and_programme(options)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        progress = Progress.for_command(self, "import_sotkanet", verbosity=options["verbosity"])
        started = time.monotonic()
        progress.message(
            f"checking and importing {path.name} ({describe('', len(data), None, BYTES)})"
        )
        try:
            configuration = load_configuration(options["configuration"])
            report = import_sotkanet(
                by=user,
                data=data,
                source_name=path.name,
                programme=programme,
                configuration=configuration,
            )
        except ConfigurationError as error:
            raise CommandError("\n".join(error.problems)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        progress.message(f"done in {time.monotonic() - started:,.1f} s")
        write_report(self, report)
