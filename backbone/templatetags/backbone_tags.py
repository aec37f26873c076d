"""Template helpers of the backbone pages."""

from __future__ import annotations

from typing import Any

from django import template
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
