"""Reads of network work."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from core.db import Prepared, Run, objects_together, remember_related
from networks.models import (
    Channel,
    Meeting,
    MeetingStatus,
    Network,
    NetworkStatus,
    Participant,
)
from notifications.sms import sms_available

if TYPE_CHECKING:
    from collections.abc import Iterable

    from accounts.models import User
    from programmes.models import Programme


def match_key(name: str, birth_date: date | None) -> str:
    """A normalised key for finding the same child or client again (case, accents, spaces)."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c for c in folded if c.isalnum() or c == " ")
    words = " ".join(sorted(letters.split()))
    return f"{words}|{birth_date.isoformat() if birth_date else ''}"


def concerns_children(programme: Programme) -> bool:
    """A family programme's network concerns one or more children; a programme about an adult
    client concerns the client (the programme's ``subject`` in its configuration file)."""
    return bool(programme.concerns_children)


def open_networks_matching(name: str, birth_date: date | None) -> QuerySet[Network]:
    """Open networks of the same child or client: a new contact joins them, no second network.
    A child matches any of a family network's children."""
    key = match_key(name, birth_date)
    return (
        Network.objects.filter(Q(match_key=key) | Q(children__match_key=key))
        .exclude(status=NetworkStatus.CLOSED)
        .distinct()
    )


def open_family_networks(guardian_name: str, sibling_name: str = "") -> QuerySet[Network]:
    """Open networks of a family a new child may belong to: one whose family members include
    the guardian named, or whose children include the sibling named (by name only: the
    coordinator confirms it is the same family before the child is added)."""
    conditions = Q(pk__in=[])
    guardian = match_key(guardian_name, None) if guardian_name.strip() else ""
    sibling = match_key(sibling_name, None) if sibling_name.strip() else ""
    if guardian:
        guardian_of = [
            p.network_id
            for p in _family_members().only("pk", "network_id", "name")
            if match_key(p.name, None) == guardian
        ]
        conditions |= Q(pk__in=guardian_of)
    if sibling:
        # A child's key ends with their birth date; a sibling is named without one.
        conditions |= Q(children__match_key__startswith=sibling)
    return Network.objects.filter(conditions).exclude(status=NetworkStatus.CLOSED).distinct()


def _family_members() -> QuerySet[Participant]:
    from networks.models import Participant

    return Participant.objects.filter(
        kind__is_family=True,
        removed_at__isnull=True,
        network__status__in=[NetworkStatus.CONVENING, NetworkStatus.ACTIVE],
    )


def _related(name: str) -> Any:
    """The model of the network's ``name`` rows (other apps' models, without importing them)."""
    return Network._meta.get_field(name).related_model


# The rows preload() reads, each a query of one network's rows compiled once per process
# (core.db.Prepared): the page asked Django to compile these six on every request, about a
# third of the network page's time. Orders as the pages show them.
_PRELOADS: dict[str, Prepared] = {
    "meetings": Prepared(
        lambda network: (
            Meeting.objects.filter(network_id=network)
            .select_related("organiser")
            .order_by("starts_at", "pk")
        ),
        network=int,
    ),
    "contacts": Prepared(
        lambda network: (
            _related("contacts")
            .objects.filter(network_id=network)
            .select_related("contact_person", "recorded_by")
            .order_by("received_at", "pk")
        ),
        network=int,
    ),
    "children": Prepared(
        lambda network: _related("children").objects.filter(network_id=network), network=int
    ),
    "goals": Prepared(
        lambda network: (
            _related("goals")
            .objects.filter(network_id=network)
            .select_related("child", "set_in__organiser")
        ),
        network=int,
    ),
    "promises": Prepared(
        lambda network: (
            _related("promises")
            .objects.filter(network_id=network)
            .select_related("participant__kind")
            .order_by("status", "due", "pk")
        ),
        network=int,
    ),
}
# Every rating of the network's goals (each goal's own, in the model's order), for goals.
_GOAL_RATINGS = Prepared(
    lambda network: (
        _related("goals")
        ._meta.get_field("ratings")
        .related_model.objects.filter(goal__network_id=network)
    ),
    network=int,
)


def preload(network: Network) -> Network:
    """Read once the rows that the network page, the family's plan and the timeline each show:
    the meetings (with their organisers), the contacts (with who made them), the children, the
    goals (with their ratings) and the promises (with who made them). Afterwards
    ``network.meetings.all()`` and the others answer from memory (:func:`preloaded`), so a page
    that shows the same meetings in three places asks the database once (a network's rows are
    few: they grow with its own history, not with the region's data).

    The same as ``prefetch_related_objects([network], …)`` with these querysets would leave
    (``networks/tests/test_preload.py`` holds it to that), without compiling them each time,
    and on PostgreSQL waiting for the database once for all seven (core.db.objects_together)."""
    _preload(network)
    return network


def preload_and_read(network: Network, *also: Run) -> list[list[Any]]:
    """:func:`preload`, with the reads ``also`` read in the same wait: their rows, in order."""
    return _preload(network, *also)


def preload_with_participants(network: Network, *also: Run) -> list[list[Any]]:
    """:func:`preload`, with the :func:`current_participants` (the first rows returned) and the
    reads ``also`` (their rows after them) read in the same wait."""
    return _preload(
        network, Run(_CURRENT_PARTICIPANTS, {"network": network.pk}, {"network": network}), *also
    )


def _preload(network: Network, *also: Run) -> list[list[Any]]:
    """Preload the network; the rows of the other reads ``also``, read together with it."""
    values = {"network": network.pk}
    found = objects_together(
        [Run(prepared, values, {"network": network}) for prepared in _PRELOADS.values()]
        + [Run(_GOAL_RATINGS, values), *also]
    )
    read, ratings = found[: len(_PRELOADS)], found[len(_PRELOADS)]
    for name, rows in zip(_PRELOADS, read, strict=True):
        _remember(network, name, rows)
    goals = preloaded(network, "goals") or []
    by_goal: dict[int, list[Any]] = {goal.pk: [] for goal in goals}
    goal_by_pk = {goal.pk: goal for goal in goals}
    for rating in ratings:
        rating.goal = goal_by_pk[rating.goal_id]
        by_goal[rating.goal_id].append(rating)
    for goal in goals:
        _remember(goal, "ratings", by_goal[goal.pk])
    return found[len(_PRELOADS) + 1 :]


def _remember(owner: Any, name: str, rows: list[Any]) -> None:
    """Keep ``rows`` (whose foreign key already points back to ``owner``) as ``owner``'s
    ``name`` (a reverse foreign key) the way Django's prefetch keeps them:
    ``owner.<name>.all()`` answers from them."""
    remember_related(owner, name, rows)


_CURRENT_PARTICIPANTS = Prepared(
    lambda network: Participant.objects.filter(
        network_id=network, removed_at__isnull=True
    ).select_related("kind", "role", "service", "user"),
    network=int,
)


def current_participants(network: Network) -> list[Participant]:
    """The network's participants who have not been removed, with their kind, role, service and
    account (``network.participants.filter(removed_at__isnull=True)``, compiled once)."""
    return _CURRENT_PARTICIPANTS.objects(network=network.pk, known={"network": network})


def preloaded(network: Network, name: str) -> list[Any] | None:
    """The network's ``name`` rows as :func:`preload` read them, or None when it did not."""
    cache = getattr(network, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def meetings_in_order(network: Network) -> list[Meeting]:
    """The network's meetings by start time (from :func:`preload`'s memory when read there)."""
    return sorted(network.meetings.all(), key=lambda m: (m.starts_at, m.pk))


def next_meeting(network: Network) -> Meeting | None:
    """The next planned meeting that has not ended: a past one waiting for its record is not
    "the next meeting" for a family reading their plan."""
    from django.utils import timezone

    now = timezone.now()
    return next(
        (
            meeting
            for meeting in meetings_in_order(network)
            if meeting.status == MeetingStatus.PLANNED and meeting.ends_at >= now
        ),
        None,
    )


def professional_accounts() -> QuerySet[Any]:
    """Active Arki accounts of professionals: a position in the directory, or a professional's
    or coordinator's role (the people the participants page offers from the directory)."""
    from django.contrib.auth import get_user_model

    from audit.roles import Role

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(positions__is_active=True)
            | Q(memberships__role__in=[Role.PROFESSIONAL, Role.COORDINATOR])
        )
        .distinct()
    )


def matching_account(participant: Participant) -> User | None:
    """The professional account a professional without one can be linked to: the active account
    with the same email address, unless it already takes part in the network."""
    from networks.models import Participant

    if participant.user_id is not None or participant.kind.is_family or not participant.email:
        return None
    taking_part = Participant.objects.filter(
        network_id=participant.network_id, removed_at__isnull=True, user__isnull=False
    ).values("user_id")
    return (
        professional_accounts()
        .filter(email__iexact=participant.email.strip())
        .exclude(pk__in=taking_part)
        .first()
    )


def reached_by(participant: Participant) -> str:
    """How Arki's invitations and reminders reach a participant: ``Channel.EMAIL``,
    ``Channel.SMS`` or ``Channel.PAPER`` (nothing is sent; the coordinator hands or posts it).

    A family member gets what they chose, if the address for it is there: a text message only
    while this installation sends them (otherwise email, if they have an address). A
    professional is reached by email."""
    if participant.kind.is_family:
        if participant.channel == Channel.PAPER:
            return Channel.PAPER
        if participant.channel == Channel.SMS and sms_available() and participant.mobile_number:
            return Channel.SMS
    return Channel.EMAIL if participant.email else Channel.PAPER


def on_paper(
    network: Network,
    participants: Iterable[Participant] | None = None,
    excluded: set[int] | None = None,
) -> list[Participant]:
    """The participants still in the network whom the coordinator invites on paper.

    ``participants``: the network's active participants (with their kind) when the page has
    read them already; ``excluded``: :func:`networks.consent.excluded_in` when it has read that
    (``excluded_in_read``)."""
    from networks.consent import excluded_in

    if participants is None:
        participants = network.participants.filter(removed_at__isnull=True).select_related("kind")
    if excluded is None:
        excluded = excluded_in(network)
    return [
        p
        for p in participants
        if p.removed_at is None and p.pk not in excluded and reached_by(p) == Channel.PAPER
    ]
