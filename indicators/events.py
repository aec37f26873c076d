"""The one way to record an anonymous event for the indicators."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from indicators.models import Event


def record_event(
    kind: str, *, area: Any, programme: Any, at: datetime | None = None, **fields: Any
) -> Event:
    return Event.objects.create(
        kind=kind, area=area, programme=programme, occurred_at=at or timezone.now(), **fields
    )
