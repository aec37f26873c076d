"""Walks the URL configuration: which rule guards each route (docs and the rule test)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from audit.access import FRAMEWORK_RULES


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    rule: str | None
    personal: bool


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
                yield Route(prefix + str(pattern.pattern), name, rule.name, rule.personal)
            elif namespace in FRAMEWORK_RULES:
                yield Route(prefix + str(pattern.pattern), name, FRAMEWORK_RULES[namespace], False)
            else:
                yield Route(prefix + str(pattern.pattern), name, None, False)


def project_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


def undeclared(routes: Iterable[Route]) -> list[str]:
    return [route.route for route in routes if route.rule is None]
