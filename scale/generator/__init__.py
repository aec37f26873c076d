"""Synthetic region at a given scale: deterministic, realistic, written in bulk.

``load_scale(scale, seed=…, today=…)`` builds areas, organisations, services, staff, contacts,
networks, meetings, records, promises, feedback, the indicator events and the access log, and
writes them table by table with :class:`scale.writer.TableWriter` (COPY on PostgreSQL).

Model ``save()`` logic is bypassed: each stage keeps by hand the invariants the services would
have kept (its module says which). The stages, in order (``load.run``):

1. ``directory``: areas, organisations, services, contact points; the staff and memberships.
2. ``contacts`` and ``networks``: every contact and the life of each network it convenes.
3. ``network_work`` and ``feedback``: participants, consent, meetings, records, goals,
   promises, feedback invitations and answers.
4. ``discussions``: the LP discussions; then every indicator event.
5. ``access_log``: the access log of contacts and networks.
6. ``leadership``: the leadership teams' meetings, decisions and commitments.

``region.Region`` holds the random streams, the writer and what earlier stages made;
``shapes`` the in-memory plans; ``rows`` one row type per table, derived from the model.
Programme codes and ``ascii_fold`` are the demo's (``demo.oulu``, ``demo.services``).
"""

from scale.generator.load import STEPS, load_scale, reset
from scale.generator.shapes import DOMAIN, ScaleError, ScaleReport

__all__ = ["DOMAIN", "STEPS", "ScaleError", "ScaleReport", "load_scale", "reset"]
