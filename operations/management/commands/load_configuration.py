"""manage.py load_configuration: sectors and programmes from programmes/data/*.toml, then the
feedback surveys and the indicator catalogue (operations/configuration.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from operations.configuration import load_configuration, load_surveys_and_catalogue
from programmes.services import ConfigurationError


class Command(BaseCommand):
    help = (
        "Load the sectors and programmes from the versioned TOML files (programmes/data). "
        "Checks every file first; nothing is written if any file has a problem."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Read the files from this directory instead of programmes/data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_configuration(options["data_dir"])
        except ConfigurationError as error:
            raise CommandError(str(error)) from error
        for line in report.summary_lines():
            self.stdout.write(line)
        try:
            for line in load_surveys_and_catalogue():
                self.stdout.write(line)
        except ValueError as error:
            raise CommandError(str(error)) from error
