"""Periodic work of the networks app."""

from __future__ import annotations

from django_tasks import task

from networks.deadlines import record_passed_deadlines


@task()
def record_convening_deadlines() -> int:
    """Daily: record each passed convening deadline's outcome for the indicators."""
    return record_passed_deadlines()
