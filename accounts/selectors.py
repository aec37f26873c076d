"""Reads of the accounts app."""

from __future__ import annotations

from django.db.models import F, QuerySet

from accounts.models import SecurityEvent, SecurityEventKind


def role_grants(*, only_self_granted: bool = False) -> QuerySet[SecurityEvent]:
    """Roles that open personal data, as they were granted, newest first."""
    rows = SecurityEvent.objects.filter(kind=SecurityEventKind.MEMBERSHIP_GRANTED)
    if only_self_granted:
        rows = rows.filter(actor_id=F("user_id"))
    return rows.select_related("user", "actor").order_by("-at", "-id")
