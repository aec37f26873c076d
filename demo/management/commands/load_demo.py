"""manage.py load_demo: the synthetic demo region (Oulu: Kaakkuri and Tuira) and its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.services import DemoError, load_demo
from programmes.services import ConfigurationError


class Command(BaseCommand):
    help = (
        "Load the synthetic demo region (idempotent; never in production) and print the "
        "demo sign-ins."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_demo()
        except (DemoError, ConfigurationError) as error:
            raise CommandError(str(error)) from error
        for line in report.summary_lines():
            self.stdout.write(line)
