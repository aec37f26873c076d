"""Import an organisation's services from the national service catalogue PTV."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from directory import ptv


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--since: {value} is not a date (YYYY-MM-DD)") from error


class Command(BaseCommand):
    help = (
        "Import an organisation's services, phones, web pages and service locations from PTV "
        "(ARKI_PTV_URL), mapped with ARKI_PTV_MAPPING. All or nothing; local additions are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="The organisation's PTV id (a UUID).")
        parser.add_argument(
            "--since", help="Only services PTV changed on or after this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--file",
            type=Path,
            help="Read recorded PTV answers from this directory instead of the network "
            "(e.g. directory/fixtures/ptv/initial).",
        )
        parser.add_argument("--mapping", type=Path, help="The mapping file to use.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _date(options["since"]) if options["since"] else None
        source: ptv.Source
        if options["file"]:
            source = ptv.FileSource(options["file"])
            self.stdout.write(f"Reading recorded PTV answers from {options['file']} …")
        else:
            source = ptv.configured_source()
            self.stdout.write(f"Reading PTV at {source.base_url} …")
        try:
            mapping = ptv.load_mapping(options["mapping"])
            data = ptv.fetch(source, options["organisation"])
            self.stdout.write(
                f"Read the organisation, {len(data.services)} services and "
                f"{len(data.channels)} service channels."
            )
            plan = ptv.plan_import(data, mapping, since)
            if not options["dry_run"]:
                ptv.apply_import(plan)
        except ptv.PtvError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        for change in plan.changes:
            fields = f" ({', '.join(change.fields)})" if change.fields else ""
            self.stdout.write(f"  {change.action:<10} {change.kind:<13} {change.name}{fields}")
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {len(plan.created)} created, {len(plan.updated)} updated, "
                f"{len(plan.deactivated)} marked not in use, {len(plan.unchanged)} unchanged."
            )
        )
