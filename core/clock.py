"""The clock as an argument: services take ``now`` and fall back to the real clock."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now_or(now: datetime | None) -> datetime:
    """``now`` when the caller gave one (the demo loader, a test), else the real clock."""
    return now if now is not None else timezone.now()
