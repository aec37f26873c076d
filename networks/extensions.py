"""What the apps built on network work add to it.

``networks`` sits below ``meetings``, ``family`` and ``feedback`` (docs/architecture.md,
Layers): it imports none of them. Where network work must reach what they keep, they register
here from their ``AppConfig.ready``:

- ``participant_access_ended`` is sent inside the transaction that ends a participant's access
  other than through their own account (removed from the network, a disclosure ban on them, or
  from now on signing in with an account): ``family`` revokes their personal links, so what
  ends ends everywhere at once.
- ``network_page`` functions add to the network page's context: ``meetings`` the goals and
  their chart, ``family`` each participant's latest personal link. A function that reads
  the database names its reads (``reads``: compiled queries, ``core.db.Run``) and gets their
  rows: the network page reads them with its own in one wait (``core.db.objects_together``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

from core.db import Run, objects_together

if TYPE_CHECKING:
    from networks.models import Network

# Sent with ``participant`` and ``now`` (None: the real clock).
participant_access_ended = Signal()

NetworkPageReads = Callable[["Network"], list[Run]]


@dataclass(frozen=True)
class NetworkPagePart:
    """``context(network)``, or with ``reads``: ``context(network, rows)``, ``rows`` being the
    rows of ``reads(network)`` in order."""

    context: Callable[..., dict[str, Any]]
    reads: NetworkPageReads | None = None


NETWORK_PAGE: list[NetworkPagePart] = []


def network_page(
    function: Callable[..., dict[str, Any]], reads: NetworkPageReads | None = None
) -> Callable[..., dict[str, Any]]:
    """Register a function of the network that adds to the network page's context (with
    ``reads``, of the network and the rows of its reads)."""
    part = NetworkPagePart(function, reads)
    if part not in NETWORK_PAGE:
        NETWORK_PAGE.append(part)
    return function


def network_page_reads(network: Network) -> list[Run]:
    """Every part's reads, in order, for the page to read with its own."""
    return [run for part in NETWORK_PAGE if part.reads is not None for run in part.reads(network)]


def network_page_context(network: Network, rows: list[list[Any]] | None = None) -> dict[str, Any]:
    """The parts' context. ``rows``: those of :func:`network_page_reads` as the page read them
    (None: the parts' reads are read here, together)."""
    if rows is None:
        rows = objects_together(network_page_reads(network))
    given = iter(rows)
    context: dict[str, Any] = {}
    for part in NETWORK_PAGE:
        if part.reads is None:
            context.update(part.context(network))
        else:
            wanted = len(part.reads(network))
            context.update(part.context(network, [next(given) for _read in range(wanted)]))
    if next(given, None) is not None:
        raise ValueError("more rows than the network page's parts read")
    return context
