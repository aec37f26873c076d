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
    """The need-to-know basis: the coordinators always; participants and the initiator while the
    family's consent stands and no ban names them; anyone else only through break-glass."""
    from networks import consent

    if not isinstance(network, Network):
        return None
    if network.coordinator_id == user.pk or is_coordinator_of(
        user, network.area_id, network.programme_id
    ):
        return "coordinator"
    if not consent.access_ended(user, network):
        if network.participants.filter(user=user, removed_at__isnull=True).exists():
            return "participant"
        if network.initiator_id == user.pk:
            return "initiator"
    if consent.has_break_glass(user, network):
        return "break-glass"
    return None


NETWORK = PersonalRecord(name="network", decide=network_basis)


def networks_visible_to(user: Any) -> QuerySet[Network]:
    """The networks the user needs to know about, filtered in the database.

    Break-glass access never lists a network: it opens only the one asked for.
    """
    from networks.consent import banned_q, withdrawn_q
    from networks.models import ConsentScope

    by_work = (
        (Q(participants__user=user, participants__removed_at__isnull=True) | Q(initiator=user))
        & ~withdrawn_q(ConsentScope.SHARE)
        & ~banned_q(user)
    )
    return Network.objects.filter(
        Q(coordinator=user) | coordinator_scope(user) | by_work
    ).distinct()
