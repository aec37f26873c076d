"""Preparing the meeting together: work in progress."""

from __future__ import annotations

from typing import Any

from family.access import Door
from networks.models import Meeting


def plan_context(door: Door, next_meeting: Meeting | None) -> dict[str, Any]:
    """What the plan page's preparation card (family/_prepare_card.html) needs."""
    return {}
