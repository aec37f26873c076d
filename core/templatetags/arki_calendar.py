"""``{{ some_date|public_holiday }}``: the holiday's name in the page's language, or ""."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from core.public_holidays import public_holiday as holiday_on

register = template.Library()


@register.filter
def public_holiday(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = timezone.localtime(value).date() if isinstance(value, datetime) else value
    return holiday_on(day) or ""
