"""The county's working day (``--scenario day`` and ``capacity``): who the simulated staff are and
which pages each opens how often. Pure data (no Django, no locust): the probe picks the accounts
and records by it, the load generator draws the pages by it, and the tests check it.

Every simulated user is one staff member signed in once, who opens a page every 10–30 s
(locust ``between(10, 30)``). Of every 20 users, 8 are coordinators, 11 professionals and 1 a
leadership member. A user opens only pages its role may open (every one answers 200):

* a coordinator: the contact queue, the network of its own meeting, that meeting's record form
  and saves of it (its own meeting: no other simulated user saves it), the directory, now and
  then the indicator dashboard;
* a professional: my promises, a network it participates in, the directory;
* a leadership member: its team's meeting agenda, the indicator dashboard, the directory.

With this split about 10 % of the requests are the queue, 31 % network pages, 7 % record forms
and 7 % saves, 21 % my promises, 18 % the directory, 3.4 % indicator dashboards and 2.5 % leadership
agendas (``request_shares``).
"""

from __future__ import annotations

COORDINATOR, PROFESSIONAL, LEADER = "coordinator", "professional", "leader"

# Roles in the order they are handed out, repeating: 8 coordinators, 11 professionals, 1 leader
# in every 20, interleaved so that the first N users of any step have about the same mix.
ROLE_CYCLE: tuple[str, ...] = (
    COORDINATOR,
    PROFESSIONAL,
    COORDINATOR,
    PROFESSIONAL,
    PROFESSIONAL,
    COORDINATOR,
    PROFESSIONAL,
    COORDINATOR,
    PROFESSIONAL,
    PROFESSIONAL,
    LEADER,
    COORDINATOR,
    PROFESSIONAL,
    COORDINATOR,
    PROFESSIONAL,
    PROFESSIONAL,
    COORDINATOR,
    PROFESSIONAL,
    COORDINATOR,
    PROFESSIONAL,
)

# Page → relative weight, per role. ``record`` is the meeting-record form (GET), ``record_save``
# its POST; both only for a coordinator with its own meeting.
MIX: dict[str, dict[str, int]] = {
    COORDINATOR: {
        "queue": 6,
        "network": 6,
        "record": 4,
        "record_save": 4,
        "directory": 2,
        "indicators": 1,
    },
    PROFESSIONAL: {"my_promises": 3, "network": 3, "directory": 2},
    LEADER: {"leadership": 3, "indicators": 2, "directory": 1},
}
RECORD_PAGES = frozenset({"record", "record_save"})

PATHS = {
    "queue": "/contacts/queue/",
    "network": "/networks/{network}/",
    "record": "/meetings/{meeting}/record/",
    "indicators": "/indicators/",
    "leadership": "/leadership/meetings/{leadership_meeting}/",
    "directory": "/directory/?q={search}",
    "my_promises": "/meetings/promises/",
}

THINK_TIME_S = (10.0, 30.0)


def role_of(index: int) -> str:
    return ROLE_CYCLE[index % len(ROLE_CYCLE)]


def roles_for(users: int) -> list[str]:
    return [role_of(index) for index in range(users)]


def mix_for(persona: dict[str, object]) -> dict[str, int]:
    """The pages one simulated user opens, with their weights: its role's, without the record
    form and saves when it has no meeting of its own."""
    mix = dict(MIX[str(persona["role"])])
    if not persona.get("meeting"):
        for page in RECORD_PAGES:
            mix.pop(page, None)
    return mix


def request_shares(users: int) -> dict[str, float]:
    """The expected share of each page among all requests, every user having its own meeting
    (all users open pages equally often on average)."""
    shares: dict[str, float] = {}
    roles = roles_for(users)
    for role in roles:
        weights = MIX[role]
        total = sum(weights.values())
        for page, weight in weights.items():
            shares[page] = shares.get(page, 0.0) + weight / total / len(roles)
    return dict(sorted(shares.items(), key=lambda item: -item[1]))
