"""Queue the emails whose delivery failed again, e.g. after the mail server was fixed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications.services import retry_failed_emails


class Command(BaseCommand):
    help = "Queue the failed emails of the outbox again for the background worker."

    def handle(self, *args: Any, **options: Any) -> None:
        count = retry_failed_emails()
        if options["verbosity"]:
            self.stdout.write(f"queued {count} email(s) again")
