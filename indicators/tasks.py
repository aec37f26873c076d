"""Periodic work of the indicators app."""

from __future__ import annotations

from django_tasks import task

from indicators.models import EventCount


@task()
def compact_event_counts() -> int:
    """Daily: merge each event group's count rows into one (``EventCount.compact``)."""
    return EventCount.compact()
