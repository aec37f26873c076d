"""Print the generated part of docs/permissions.md: the bases, the catalogue and every route."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit.matrix import generated_permissions, permissions_document_path, with_generated_part


class Command(BaseCommand):
    help = (
        "Print the bases, the access-policy catalogue and every URL route with its rule; "
        "--write updates docs/permissions.md below its marker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write", action="store_true", help="rewrite the generated part of the document"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["write"]:
            self.stdout.write(generated_permissions(), ending="")
            return
        path = permissions_document_path()
        path.write_text(with_generated_part(path.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"{path} updated.")
