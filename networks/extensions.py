"""What the apps built on network work add to it.

``networks`` sits below ``meetings``, ``family`` and ``feedback`` (docs/architecture.md,
Layers): it imports none of them. Where network work must reach what they keep, they register
here from their ``AppConfig.ready``:

- ``participant_access_ended`` is sent inside the transaction that ends a participant's access
  other than through their own account (removed from the network, a disclosure ban on them, or
  from now on signing in with an account): ``family`` revokes their personal links, so what
  ends ends everywhere at once.
- ``network_page`` functions add to the network page's context: ``meetings`` the goals and
  their chart, ``family`` each participant's latest personal link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

if TYPE_CHECKING:
    from networks.models import Network

# Sent with ``participant`` and ``now`` (None: the real clock).
participant_access_ended = Signal()

NetworkPagePart = Callable[["Network"], dict[str, Any]]
NETWORK_PAGE: list[NetworkPagePart] = []


def network_page(function: NetworkPagePart) -> NetworkPagePart:
    """Register a function of the network that adds to the network page's context."""
    if function not in NETWORK_PAGE:
        NETWORK_PAGE.append(function)
    return function


def network_page_context(network: Network) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for part in NETWORK_PAGE:
        context.update(part(network))
    return context
