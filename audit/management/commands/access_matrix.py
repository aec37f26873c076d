"""Print every route with its access rule as a Markdown table (docs/permissions.md)."""

from typing import Any

from django.core.management.base import BaseCommand

from audit.matrix import project_routes


class Command(BaseCommand):
    help = "List every URL route and the access rule that guards it."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("| route | name | rule | personal data |")
        self.stdout.write("|---|---|---|---|")
        for route in project_routes():
            if route.route.startswith("admin/") and route.name not in {"admin:index"}:
                continue
            personal = "yes: require_access + access log" if route.personal else "no"
            self.stdout.write(f"| `/{route.route}` | {route.name} | {route.rule} | {personal} |")
