from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.services import register_region


class Command(BaseCommand):
    help = (
        "Hub: register a region (or give it a new key) and print its API token once. "
        "The region's public key is shown on its 'Our package' page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the region's code, e.g. soite (ARKI_REGION_CODE there)")
        parser.add_argument("name", help="the region's name as shown in comparisons")
        parser.add_argument("public_key", help="the region's Ed25519 public key, base64")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            region, token = register_region(
                code=options["code"], name=options["name"], public_key=options["public_key"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Registered {region.name} ({region.code}).")
        self.stdout.write(f"Its API token (shown only now; set LEARNING_HUB_TOKEN there): {token}")
