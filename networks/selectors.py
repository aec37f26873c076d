"""Reads of network work."""

from __future__ import annotations

import unicodedata
from datetime import date

from django.db.models import QuerySet

from networks.models import Meeting, MeetingStatus, Network, NetworkStatus


def match_key(name: str, birth_date: date | None) -> str:
    """A normalised key for finding the same child or client again (case, accents, spaces)."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in folded if c.isalnum() or c == " ")
    words = " ".join(sorted(letters.split()))
    return f"{words}|{birth_date.isoformat() if birth_date else ''}"


def open_networks_matching(name: str, birth_date: date | None) -> QuerySet[Network]:
    """Open networks of the same child or client: a new contact joins them, no second network."""
    return Network.objects.filter(match_key=match_key(name, birth_date)).exclude(
        status=NetworkStatus.CLOSED
    )


def next_meeting(network: Network) -> Meeting | None:
    """The next planned meeting that has not ended: a past one waiting for its record is not
    "the next meeting" for a family reading their plan."""
    from django.utils import timezone

    return (
        network.meetings.filter(status=MeetingStatus.PLANNED, ends_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
