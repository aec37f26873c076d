"""Walks the URL configuration: which rule guards each route (docs and the rule test)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from audit import policy
from audit.access import FRAMEWORK_RULES
from audit.models import Action, Basis
from audit.policy import Kind, Permission


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    rule: str | None
    personal: bool
    # The catalogue actions the view may ask for (``audit.policy``), the one it asks on GET first.
    actions: tuple[Permission, ...] = ()


def walk(
    patterns: Iterable[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = (
                f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or ""
            )
            rule = getattr(pattern.callback, "access_rule", None)
            if rule is not None:
                actions = tuple(getattr(pattern.callback, "access_actions", ()))
                yield Route(prefix + str(pattern.pattern), name, rule.name, rule.personal, actions)
            elif namespace in FRAMEWORK_RULES:
                yield Route(prefix + str(pattern.pattern), name, FRAMEWORK_RULES[namespace], False)
            else:
                yield Route(prefix + str(pattern.pattern), name, None, False)


def project_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def undeclared(routes: Iterable[Route]) -> list[str]:
    return [route.route for route in routes if route.rule is None]


# --- docs/permissions.md -------------------------------------------------------------------------

GENERATED_MARKER = (
    "<!-- Everything below is printed by `manage.py access_matrix --write` from the catalogue "
    "(audit/policy.py) and the URL configuration; a test fails when it differs. -->"
)


def _codes(bases: Iterable[Basis]) -> str:
    return ", ".join(f"`{basis.value}`" for basis in bases)


def generated_permissions() -> str:
    """The generated part of ``docs/permissions.md``, in English."""
    with translation.override("en"):
        lines = [
            GENERATED_MARKER,
            "",
            "## Bases",
            "",
            "The one list of bases (`audit.models.Basis`), as the access log, the disclosure log,",
            "the catalogue and the data protection officer's pages name them.",
            "",
            "| basis | meaning |",
            "|---|---|",
        ]
        lines += [f"| `{basis.value}` | {basis.label} |" for basis in Basis]
        lines += [
            "",
            "## Catalogue",
            "",
            "For each kind of personal record, its actions and the bases that allow each, strongest",
            "first. A user holding only other bases is refused (403) and the refusal is logged with",
            "the strongest basis they hold.",
        ]
        permissions = list(policy.catalogue())
        for kind in Kind:
            lines += [
                "",
                f"### `{kind.value}`: {policy.KIND_TITLES[kind]}",
                "",
                "| action | what it allows | allowed bases | logged as |",
                "|---|---|---|---|",
            ]
            for permission in permissions:
                if permission.kind != kind:
                    continue
                logged = (
                    f"{Action.VIEW.label} / {Action.UPDATE.label} (POST)"
                    if permission.changes
                    else str(Action(permission.logged_as).label)
                )
                lines.append(
                    f"| `{permission}` | {permission.label} | {_codes(permission.bases)} | "
                    f"{logged} |"
                )
        lines += [
            "",
            "## Routes",
            "",
            "Every route, the rule that guards it and, for a personal route, the catalogue actions",
            "its view may ask for (the first one on opening the page).",
            "",
            "| route | name | rule | catalogue actions |",
            "|---|---|---|---|",
        ]
        for route in project_routes():
            if route.route.startswith("admin/") and route.name != "admin:index":
                continue
            actions = ", ".join(f"`{action}`" for action in route.actions) or "–"
            rule = (route.rule or "").replace("|", "\\|")
            lines.append(f"| `/{route.route}` | {route.name} | {rule} | {actions} |")
    return "\n".join(lines) + "\n"


def permissions_document_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "permissions.md"


def with_generated_part(document: str) -> str:
    """The document with everything after the marker replaced by the generated part."""
    head = document.split(GENERATED_MARKER, 1)[0]
    return head + generated_permissions()
