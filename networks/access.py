"""Who needs to know a network's data: its participants and the coordinators of its area."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)

from audit import policy
from audit.access import PersonalRecord, record_access
from audit.models import Basis
from audit.policy import Kind, NetworkAction, Permission
from audit.roles import Role
from core.clock import now_or
from core.db import OutOfRange, Prepared, Run, objects_together
from networks.models import Meeting, Network

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User


def _memberships(user: User) -> Iterable[Any]:
    user.roles  # noqa: B018 -- reads the memberships once per request and keeps them
    return user.memberships.all()


def coordinator_terms(user: User) -> list[tuple[int | None, int | None]]:
    """The (area, programme) of each of the user's coordinator roles; None: every one. A role
    for the whole region covers the others, so it is then the only term."""
    terms = [
        (membership.area_id, membership.programme_id)
        for membership in _memberships(user)
        if membership.role == Role.COORDINATOR
    ]
    return [(None, None)] if (None, None) in terms else terms


def coordinator_scope(user: User) -> Q:
    """Networks (or contacts) in the areas and programmes the user coordinates."""
    return scope_of(coordinator_terms(user))


def scope_of(terms: Iterable[tuple[int | None, int | None]], *, through: str = "") -> Q:
    """Rows (networks, contacts) in any of the (area, programme) ``terms`` (None: every area or
    programme; no terms: no rows).

    ``through``: the path to the network from another model, such as ``"network__"`` for its
    meetings: the same rule, asked of the joined network."""
    scope = Q(**{f"{through}pk__in": []})
    for area_id, programme_id in terms:
        if area_id is None and programme_id is None:
            # A role for every area and programme: every row. (Q() | … would drop an empty Q.)
            return Q(**{f"{through}pk__isnull": False})
        part = Q()
        if area_id is not None:
            part &= Q(**{f"{through}area_id": area_id})
        if programme_id is not None:
            part &= Q(**{f"{through}programme_id": programme_id})
        scope |= part
    return scope


def is_coordinator_of(user: User, area_id: int, programme_id: int) -> bool:
    return any(
        m.role == Role.COORDINATOR
        and m.area_id in (None, area_id)
        and m.programme_id in (None, programme_id)
        for m in _memberships(user)
    )


def network_bases(
    user: User | AnonymousUser, network: Network, request: HttpRequest | None = None
) -> frozenset[Basis]:
    """The need-to-know bases a user holds on a network.

    * ``coordinator``: while the user holds a coordinator role covering the network's area and
      programme. Being named the network's coordinator is not enough on its own: a coordinator
      whose role ended or moved to another area no longer sees it (the area's coordinators do).
    * ``participant``: an active (not removed) participant, while the family's consent to share
      stands and no ban names them or their service.
    * ``initiator``: the professional who started the network, under the same conditions and
      only while they are still an active participant: removing them ends it.
    * ``break-glass``: a current emergency access, for someone with no other basis.
    * ``data-protection-officer``: the officer's role (only the client's report needs it).

    The facts are read in one query (:func:`_facts_query`), or taken from
    :func:`preload_network_bases` when a list preloaded them.
    """
    if not user.is_authenticated:
        return frozenset()
    facts = _facts(user, network)
    held: set[Basis] = set()
    if is_coordinator_of(user, network.area_id, network.programme_id):
        held.add(Basis.COORDINATOR)
    if not facts.ended and facts.participant:
        held.add(Basis.PARTICIPANT)
        if network.initiator_id == user.pk:
            held.add(Basis.INITIATOR)
    if not held and facts.emergency:
        held.add(Basis.BREAK_GLASS)
    if user.has_any_role((Role.DATA_PROTECTION_OFFICER,)):
        held.add(Basis.DATA_PROTECTION_OFFICER)
    return frozenset(held)


@dataclass(frozen=True)
class _Facts:
    """What :func:`network_bases` needs to know about one user on one network, read in one query
    by :func:`_facts_query` (for many networks at once when a list preloads them)."""

    user_pk: int
    ended: bool  # the consent to share withdrawn, or a ban names the user or their service
    participant: bool  # an active (not removed) participant
    emergency: bool  # an unexpired emergency access no ban has overtaken


PRELOADED_FACTS = "_preloaded_access_facts"
# Read with the network by network_or_refuse / meeting_or_refuse: used by the first check only.
FACTS_FOR_ONE_CHECK = "_access_facts_for_one_check"


def _facts(user: User, network: Network) -> _Facts:
    preloaded = getattr(network, PRELOADED_FACTS, None)
    if isinstance(preloaded, _Facts) and preloaded.user_pk == user.pk:
        return preloaded
    once = network.__dict__.pop(FACTS_FOR_ONE_CHECK, None)
    if isinstance(once, _Facts) and once.user_pk == user.pk:
        return once
    # Not preloaded: asked now and not kept, so a later check in the same request (after a
    # removal, a ban or a withdrawal) asks again. A network deleted meanwhile holds nothing.
    for ended, participant, emergency in _ONE_NETWORK.rows(
        user=user.pk, network=network.pk, now=now_or(None)
    ):
        return _Facts(user.pk, bool(ended), bool(participant), bool(emergency))
    return _Facts(user.pk, False, False, False)


def _facts_query(user: User, networks: Q, now: datetime) -> QuerySet[Any]:
    """The facts for one user on each network: the consent to share withdrawn (``withdrawn_q``),
    a ban naming the user or their service (``banned_q``), an active participant row, an
    unexpired break-glass grant. The one place the rule's facts are read from the database."""
    from networks import consent
    from networks.models import BreakGlassGrant, ConsentScope, Participant

    banned = consent.banned_q(user)
    participating = Participant.objects.filter(
        network=OuterRef("pk"), user_id=user.pk, removed_at__isnull=True
    )
    grants = BreakGlassGrant.objects.filter(
        network=OuterRef("pk"), user_id=user.pk, expires_at__gt=now
    )
    return (
        Network.objects.filter(networks)
        .order_by()
        .annotate(
            facts_ended=ExpressionWrapper(
                consent.withdrawn_q(ConsentScope.SHARE) | banned, output_field=BooleanField()
            ),
            facts_participant=Exists(participating),
            facts_emergency=ExpressionWrapper(
                Q(Exists(grants)) & ~banned, output_field=BooleanField()
            ),
        )
    )


def _one_network(user: int, network: int, now: datetime) -> QuerySet[Any]:
    from accounts.models import User

    return _facts_query(User(pk=user), Q(pk=network), now).values_list(
        "facts_ended", "facts_participant", "facts_emergency"
    )


def _network_of_meeting(user: int, meeting: int, now: datetime) -> QuerySet[Any]:
    from accounts.models import User

    return _facts_query(User(pk=user), Q(meetings=meeting), now).values_list(
        "facts_ended", "facts_participant", "facts_emergency"
    )


def _many_networks(user: int, networks: list[int], now: datetime) -> QuerySet[Any]:
    from accounts.models import User

    return _facts_query(User(pk=user), Q(pk__any_of=networks), now).values_list(
        "pk", "facts_ended", "facts_participant", "facts_emergency"
    )


# Compiled once per process: the query with its nested subqueries costs more to compile than
# to run (core.db.Prepared), and every request about a network asks it; a list of networks
# passes their ids as one parameter (core.lookups.AnyOf), so its SQL is the same for any list.
_ONE_NETWORK = Prepared(_one_network, user=int, network=int, now=datetime)
_NETWORK_OF_MEETING = Prepared(_network_of_meeting, user=int, meeting=int, now=datetime)
# A network page's and a meeting page's own record, with what their pages show of it.
_NETWORK_PAGE = Prepared(
    lambda network: Network.objects.select_related("area", "programme", "coordinator").filter(
        pk=network
    ),
    network=int,
)
_MEETING_PAGE = Prepared(
    lambda meeting: Meeting.objects.select_related(
        "network", "network__programme", "network__area"
    ).filter(pk=meeting),
    meeting=int,
)


def network_or_refuse(user: User | AnonymousUser, pk: int) -> Network:
    """The network a network page is about (with its area, programme and coordinator), read in
    one wait with what :func:`network_bases` asks of it and the user's memberships; the
    refusal (403) if there is none, as ``audit.access.record_or_refuse`` answers.

    The facts are kept on the network for the first access check only: the page asks the
    policy without another query, and any later check (after a removal, a ban or a withdrawal
    in the same request) reads them again, as without this read."""
    found: Network = _read_or_refuse(
        user, Run(_NETWORK_PAGE, {"network": pk}), _ONE_NETWORK, network=pk
    )
    return found


def meeting_or_refuse(user: User | AnonymousUser, pk: int) -> Meeting:
    """:func:`network_or_refuse` for a meeting page: the meeting with its network (and the
    network's programme and area), the network's facts and the user's memberships."""
    found: Meeting = _read_or_refuse(
        user, Run(_MEETING_PAGE, {"meeting": pk}), _NETWORK_OF_MEETING, meeting=pk
    )
    return found


def _read_or_refuse(user: User | AnonymousUser, record: Run, facts: Prepared, **key: int) -> Any:
    from django.core.exceptions import PermissionDenied

    try:
        if not user.is_authenticated:
            found = objects_together([record])[0]
            if not found:
                raise PermissionDenied
            return found[0]
        memberships = user.memberships_read()
        runs = [record, Run(facts, {"user": user.pk, "now": now_or(None), **key}, as_rows=True)]
        read = objects_together(runs + ([memberships] if memberships is not None else []))
    except OutOfRange:  # a number no database integer holds (typed into the address)
        raise PermissionDenied from None
    if memberships is not None:
        user.keep_memberships(read[2])
    if not read[0]:
        raise PermissionDenied
    found = read[0][0]
    network = found if isinstance(found, Network) else found.network
    for ended, participant, emergency in read[1]:
        setattr(
            network,
            FACTS_FOR_ONE_CHECK,
            _Facts(user.pk, bool(ended), bool(participant), bool(emergency)),
        )
    return found


_MANY_NETWORKS = Prepared(_many_networks, user=int, networks=list, now=datetime)


def preload_network_bases(
    user: User, networks: Iterable[Network], *, now: datetime | None = None
) -> None:
    """Read at once what :func:`network_bases` asks of each network, and keep it on each
    network: a page that decides on and logs every network it lists then makes no query per
    network. For the reads of one request: a change made after the preload is not seen.
    """
    networks = list(networks)
    if not user.is_authenticated or not networks:
        return
    _memberships(user)  # is_coordinator_of reads them per network
    rows = _MANY_NETWORKS.rows(
        user=user.pk, networks=sorted({network.pk for network in networks}), now=now_or(now)
    )
    facts = {
        pk: _Facts(user.pk, bool(ended), bool(participant), bool(emergency))
        for pk, ended, participant, emergency in rows
    }
    for network in networks:
        if network.pk in facts:  # one deleted meanwhile is asked about as before
            setattr(network, PRELOADED_FACTS, facts[network.pk])


def meeting_bases(
    user: User | AnonymousUser, meeting: Meeting, request: HttpRequest | None = None
) -> frozenset[Basis]:
    return network_bases(user, meeting.network, request)


def may(user: User | AnonymousUser, network: Network, action: Permission) -> bool:
    """Whether the user may perform the action (to show a button), without a log row."""
    return action.allows(network_bases(user, network)) is not None


NETWORK = PersonalRecord(name="network")


@dataclass(frozen=True)
class Matches:
    """What a coordinator is told of the open networks found for an identity."""

    shown: list[Network]  # named, with a link: networks the user may read
    joinable: frozenset[int]  # of those, the ones a contact may be joined to by this user
    elsewhere: int  # found outside the user's need to know: only "contact that coordinator"


def disclose_matches(request: Any, networks: Iterable[Network]) -> Matches:
    """The open networks found for an identity when convening: those the user may read, and how
    many others exist outside their need to know.

    Each match is access-logged against the matched network. A network the user may read is
    named on its basis; any other is disclosed only as "another area's coordinator must be
    contacted", on the duplicate check (no number, no area, no programme).
    """
    match = getattr(request, "resolver_match", None)
    shown: list[Network] = []
    joinable: set[int] = set()
    elsewhere = 0
    for network in networks:
        held = policy.bases_held(request.user, network, Kind.NETWORK, request)
        basis = NetworkAction.MATCH.allows(held | {Basis.DUPLICATE_CHECK}) or Basis.DUPLICATE_CHECK
        record_access(
            actor=request.user,
            subject=network,
            action=NetworkAction.MATCH.logged_as,
            basis=basis,
            success=True,
            request_id=getattr(request, "request_id", ""),
            view_name=match.view_name if match else "",
        )
        if basis == Basis.DUPLICATE_CHECK:
            elsewhere += 1
        else:
            shown.append(network)
            if NetworkAction.JOIN_CONTACT.allows(held):
                joinable.add(network.pk)
    return Matches(shown, frozenset(joinable), elsewhere)


def networks_visible_to(user: User) -> QuerySet[Network]:
    """The networks the user needs to know about, filtered in the database.

    Break-glass access never lists a network: it opens only the one asked for.
    """
    from networks.consent import banned_q, withdrawn_q
    from networks.models import ConsentScope

    by_work = (
        Q(participants__user=user, participants__removed_at__isnull=True)
        & ~withdrawn_q(ConsentScope.SHARE)
        & ~banned_q(user)
    )
    return Network.objects.filter(coordinator_scope(user) | by_work).distinct()
