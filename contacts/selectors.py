"""Reads for the coordinator's queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from audit.models import AccessLog, Action
from contacts.access import contacts_coordinated_by
from contacts.models import Contact, Outcome
from networks.access import coordinator_scope
from networks.deadlines import DeadlineState, DeadlineStatus, deadline_status
from networks.models import Meeting, MeetingStatus, Network, NetworkStatus


@dataclass(frozen=True)
class WaitingNetwork:
    network: Network
    status: DeadlineStatus
    next_meeting: Meeting | None


@dataclass(frozen=True)
class Queue:
    new_contacts: list[Contact]
    waiting: list[WaitingNetwork]
    upcoming: list[Meeting]
    overdue_meetings: list[Meeting]

    @property
    def overdue_networks(self) -> list[WaitingNetwork]:
        return [w for w in self.waiting if w.status.state == DeadlineState.OVERDUE]


def coordinator_queue(user: Any, area: Any = None, programme: Any = None) -> Queue:
    """Everything waiting for the coordinator, most urgent first, filtered in the database."""
    contacts = contacts_coordinated_by(user).filter(outcome=Outcome.PENDING)
    networks = Network.objects.filter(coordinator_scope(user))
    if area is not None:
        contacts = contacts.filter(area=area)
        networks = networks.filter(area=area)
    if programme is not None:
        contacts = contacts.filter(programme=programme)
        networks = networks.filter(programme=programme)
    convening = (
        networks.filter(status=NetworkStatus.CONVENING)
        .select_related("area", "programme")
        .prefetch_related("meetings")
        .order_by("convening_deadline", "pk")
    )
    today = timezone.localdate()
    waiting = []
    for network in convening:
        planned = [m for m in network.meetings.all() if m.status == MeetingStatus.PLANNED]
        waiting.append(
            WaitingNetwork(
                network,
                deadline_status(
                    network.first_contact_at,
                    network.programme.convening_deadline_days,
                    network.programme.convening_warning_day,
                    today,
                ),
                min(planned, key=lambda m: m.starts_at) if planned else None,
            )
        )
    now = timezone.now()
    meetings = Meeting.objects.filter(
        network__in=networks.exclude(status=NetworkStatus.CLOSED), status=MeetingStatus.PLANNED
    ).select_related("network", "network__area", "network__programme", "organiser")
    return Queue(
        new_contacts=list(
            contacts.select_related("area", "programme").order_by("received_at")[:100]
        ),
        waiting=waiting,
        upcoming=list(
            meetings.filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=14)).order_by(
                "starts_at"
            )
        ),
        overdue_meetings=list(meetings.filter(starts_at__lt=now).order_by("starts_at")),
    )


CONVENE_VIEW = "contacts:convene"


def too_many_identity_checks(user: Any) -> bool:
    """Whether the user has checked more identities for an open network within the last hour
    than ``ARKI_IDENTITY_CHECKS_PER_HOUR``, counting the check being made.

    Each check (a POST of the convene form) writes an access-log row against the contact before
    anything is looked up, so the log itself is the counter: shared by every process and node, and kept as long as the
    log. The limit (``ARKI_IDENTITY_CHECKS_PER_HOUR``) stops probing for other areas' families
    name by name.
    """
    since = timezone.now() - timedelta(hours=1)
    made = AccessLog.objects.filter(
        actor=user, view_name=CONVENE_VIEW, action=Action.UPDATE, success=True, at__gte=since
    ).count()
    return made > settings.ARKI_IDENTITY_CHECKS_PER_HOUR
