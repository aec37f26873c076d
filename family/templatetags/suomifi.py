"""Whether Suomi.fi identification is in use, for the family's sign-in page."""

from __future__ import annotations

from django import template

from family.suomifi.config import is_enabled

register = template.Library()


@register.simple_tag
def suomifi_in_use() -> bool:
    return is_enabled()
