"""Who needs to know a network's data: its participants and the coordinators of its area."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Role
from audit.access import PersonalRecord
from networks.models import Network


def coordinator_scope(user: Any) -> Q:
    """Networks (or contacts) in the areas and programmes the user coordinates."""
    scope = Q(pk__in=[])
    for membership in user.memberships.all():
        if membership.role != Role.COORDINATOR:
            continue
        part = Q()
        if membership.area_id:
            part &= Q(area_id=membership.area_id)
        if membership.programme_id:
            part &= Q(programme_id=membership.programme_id)
        scope |= part
    return scope


def is_coordinator_of(user: Any, area_id: int, programme_id: int) -> bool:
    return any(
        m.role == Role.COORDINATOR
        and m.area_id in (None, area_id)
        and m.programme_id in (None, programme_id)
        for m in user.memberships.all()
    )


def network_basis(user: Any, network: Any) -> str | None:
    if not isinstance(network, Network):
        return None
    if network.participants.filter(user=user, removed_at__isnull=True).exists():
        return "participant"
    if network.coordinator_id == user.pk or is_coordinator_of(
        user, network.area_id, network.programme_id
    ):
        return "coordinator"
    if network.initiator_id == user.pk:
        return "initiator"
    return None


NETWORK = PersonalRecord(name="network", decide=network_basis)


def networks_visible_to(user: Any) -> QuerySet[Network]:
    """The networks the user needs to know about, filtered in the database."""
    return Network.objects.filter(
        Q(participants__user=user, participants__removed_at__isnull=True)
        | Q(coordinator=user)
        | Q(initiator=user)
        | coordinator_scope(user)
    ).distinct()
