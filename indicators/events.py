"""The one way to record an anonymous event for the indicators."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from indicators.models import Event

if TYPE_CHECKING:
    from directory.models import Area
    from programmes.models import Programme


def record_event(
    kind: str, *, area: Area, programme: Programme, at: datetime | None = None, **fields: Any
) -> Event:
    return Event.objects.create(
        kind=kind, area=area, programme=programme, occurred_at=at or timezone.now(), **fields
    )
