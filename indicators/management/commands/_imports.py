"""What the operators' import commands share: finding the user and programme, printing a report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.entry import ImportReport
from programmes.models import Programme


def add_common_arguments(parser: CommandParser) -> None:
    parser.add_argument("--programme", required=True, help="Programme code the figures are for.")
    parser.add_argument(
        "--user", required=True, help="Email of the Arki user the changes are recorded for."
    )


def user_and_programme(options: dict[str, Any]) -> tuple[Any, Programme]:
    user = get_user_model().objects.filter(email__iexact=options["user"], is_active=True).first()
    if user is None:
        raise CommandError(f"No active user with the email {options['user']!r}.")
    programme = Programme.objects.filter(code=options["programme"], is_active=True).first()
    if programme is None:
        raise CommandError(f"No active programme with the code {options['programme']!r}.")
    return user, programme


def write_report(command: BaseCommand, report: ImportReport) -> None:
    """Print the problems and fail, or print what was written."""
    if not report.ok:
        for error in report.errors:
            command.stderr.write(f"row {error.row}, {error.column or '-'}: {error.reason}")
        raise CommandError(f"{len(report.errors)} problems; nothing was imported.")
    lines = [
        f"Imported: {report.created} new, {report.changed} changed, "
        f"{report.unchanged} unchanged values."
    ]
    if report.people is not None:
        periods = ", ".join(period.code for period in report.periods)
        lines.append(f"People counted: {report.people}. Half-years: {periods}.")
    lines.extend(f"Left out: {reason}: {count}" for reason, count in report.skipped.items())
    command.stdout.write(command.style.SUCCESS("\n".join(lines)))
