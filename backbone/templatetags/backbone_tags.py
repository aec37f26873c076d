"""Template helpers of the backbone pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def targets(item: Any) -> str:
    """Whom a bulletin, instruction, task or event is for: its areas, programmes and sectors."""
    parts = []
    for name in ("areas", "programmes", "sectors"):
        related = getattr(item, name, None)
        if related is not None:
            names = [target.name for target in related.all()]
            if names:
                parts.append(", ".join(names))
    return " · ".join(parts) or _("Everyone")


@register.simple_tag(takes_context=True)
def page_link(context: template.Context, number: int, param: str = "page") -> str:
    """The query string of another page of a list: this request's parameters (the filters and
    the other lists' pages) kept, ``param`` set to ``number``; escaped for an attribute."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()
