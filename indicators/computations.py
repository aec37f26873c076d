"""Figures Arki computes from its own anonymous events: never typed twice.

Each computation takes the programme, the areas and the periods, and returns a Figure for each
(area, period) and for the total over the areas (area None). ``base`` is how many events the
figure rests on; the dashboard hides a figure whose base is 1–4.
"""

from __future__ import annotations

import hashlib
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum

from core.db import Scalars, read_together, report_memory
from indicators.models import COUNTED_FIELDS, Event, EventCount, EventKind
from indicators.periods import Period, period_containing
from programmes.models import Programme


@dataclass(frozen=True)
class Figure:
    value: float | None
    base: int | None


Key = tuple[int | None, str]
Computation = Callable[[Programme, list[int], list[Period]], dict[Key, Figure]]
REGISTRY: dict[str, Computation] = {}
# What each computation reads, for the data stamp of the figures cache: "events" (this app's
# Event rows), a data source another app registered with :func:`register_source`, or None
# (computed every time).
SOURCE: dict[str, str | None] = {}
# The computations that read the indicator events.
EVENT_BASED: set[str] = set()
# Computations by tag: e.g. the trained-staff computations whose figures a training register
# may replace (indicators/training_register.py).
TAGS: dict[str, set[str]] = {}
TRAINED_STAFF_TAG = "trained_staff"
# The data stamp of each source: what changes when figures computed from it can change (one-value
# queries, read for every source at once in a shared block, core.db.read_together).
STAMPS: dict[str, Scalars] = {}


def computation(
    name: str, *, source: str | None = "events", tags: Iterable[str] = ()
) -> Callable[[Computation], Computation]:
    """Register a computation under ``name`` (the catalogue's ``computation``).

    The computations over this app's events are registered here; an app whose own data a
    computation reads registers it from its ``AppConfig.ready`` (``feedback/computations.py``,
    ``backbone/computations.py``), so this app imports none of them.
    """

    def register(function: Computation) -> Computation:
        REGISTRY[name] = function
        SOURCE[name] = source
        if source == "events":
            EVENT_BASED.add(name)
        for tag in tags:
            TAGS.setdefault(tag, set()).add(name)
        return function

    return register


def register_source(name: str, stamp: Scalars) -> None:
    """A data source computations may read, with its stamp for the figures cache."""
    STAMPS[name] = stamp


def tagged(tag: str) -> set[str]:
    return set(TAGS.get(tag, ()))


# The event fields a computation may read; a shared tally groups by all of them.
EVENT_FIELDS = COUNTED_FIELDS
# The kinds a shared tally counts: every kind a computation reads (a computation asking for
# another kind queries on its own).
TALLIED_KINDS = [
    EventKind.CONTACT_RECEIVED,
    EventKind.NETWORK_OPENED,
    EventKind.NETWORK_CONVENED,
    EventKind.CONVENING_DEADLINE,
    EventKind.MEETING_HELD,
    EventKind.LP_DISCUSSION_HELD,
    EventKind.NETWORK_CLOSED,
    EventKind.PROMISE_REVIEWED,
    EventKind.SELF_RATED,
    EventKind.OUTCOME_AT_CLOSING,
]


@dataclass
class EventTally:
    """Every event between ``lower`` and ``upper`` counted by the database in one query, per
    kind, programme, area, Finnish calendar month and field values (:func:`shared_events`).

    The query runs when a computation first needs it, so a dashboard served from the figures
    cache (:func:`compute`) does not run it at all."""

    lower: datetime
    upper: datetime
    programme_id: int | None = None  # None: every programme
    # (programme id, kind) -> [(area id, first day of the month, *EVENT_FIELDS, how many)]
    _rows: dict[tuple[int, str], list[tuple[Any, ...]]] | None = None
    # What other apps' computations share within the block (:func:`shared_memo`).
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    # The data stamps of the figures cache, read once per block.
    stamps: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def covers(
        self, programme: Programme, lower: datetime, upper: datetime, kinds: Iterable[str]
    ) -> bool:
        return (
            self.programme_id in (None, programme.pk)
            and self.lower <= lower
            and upper <= self.upper
            and all(kind in TALLIED_KINDS for kind in kinds)
        )

    @property
    def rows(self) -> dict[tuple[int, str], list[tuple[Any, ...]]]:
        if self._rows is None:
            self._rows = self._count()
        return self._rows

    def _count(self) -> dict[tuple[int, str], list[tuple[Any, ...]]]:
        """The event counts of the months in [lower, upper) (``EventCount``, kept as the
        events are written; a group's rows summed), read with a plain cursor without a conversion per value (the
        month comes back as a date, or as text from SQLite)."""
        zone = ZoneInfo(settings.TIME_ZONE)
        scope = EventCount.objects.filter(
            month__gte=self.lower.astimezone(zone).date(),
            month__lt=self.upper.astimezone(zone).date(),
            kind__in=TALLIED_KINDS,
        )
        if self.programme_id is not None:
            scope = scope.filter(programme_id=self.programme_id)
        query = (
            scope.values_list("programme_id", "kind", "area_id", "month", *EVENT_FIELDS)
            .annotate(total=Sum("how_many"))
            .order_by()
        )
        sql, params = query.query.sql_with_params()
        rows: dict[tuple[int, str], list[tuple[Any, ...]]] = defaultdict(list)
        months: dict[Any, date] = {}
        with report_memory(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            for programme_id, kind, area_id, month, *values in cursor.fetchall():
                if month not in months:
                    months[month] = (
                        date.fromisoformat(month[:10]) if isinstance(month, str) else month
                    )
                rows[(programme_id, kind)].append((area_id, months[month], *values))
        return rows


def _month_start(moment: datetime, zone: ZoneInfo) -> bool:
    local = moment.astimezone(zone)
    return (local.day, local.hour, local.minute, local.second, local.microsecond) == (1, 0, 0, 0, 0)


_SHARED: ContextVar[EventTally | None] = ContextVar("indicator_event_tally", default=None)


@contextmanager
def shared_events(
    lower: datetime, upper: datetime, programme: Programme | None = None
) -> Iterator[EventTally]:
    """Within the block, every event computation over a time range inside [lower, upper) reads
    one tally made by a single grouped query instead of querying on its own. With
    ``programme`` the tally holds only that programme's events.

    The dashboard and the learning-network package compute a dozen indicators over the same
    events; with the tally they cost about one aggregate over those events.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    if not (_month_start(lower, zone) and _month_start(upper, zone)):
        # The counts are per Finnish calendar month (every reporting period is a union of months).
        raise ValueError(f"not whole months: {lower} – {upper}")
    tally = EventTally(lower, upper, programme.pk if programme is not None else None)
    token = _SHARED.set(tally)
    try:
        yield tally
    finally:
        _SHARED.reset(token)


def _events(
    kinds: Iterable[str],
    programme: Programme,
    area_ids: list[int],
    periods: list[Period],
    *fields: str,
) -> dict[Key, list[tuple[Any, ...]]]:
    """Events grouped by (area, period) and by (None, period) for the total, in Finnish time.

    The events are counted per area, Finnish calendar month and field values as they are
    written (``EventCount``; every reporting period is a union of months), so no event row is
    read; each group comes back as its field values repeated by their count. Inside
    :func:`shared_events` the counts come from the shared tally.
    """
    if not periods:
        return {}
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    lower, upper = Period(start, end, periods[0].cadence).bounds()
    codes = {p.code for p in periods}
    cadence = periods[0].cadence
    tally = _SHARED.get()
    counted: Iterable[tuple[int, date, tuple[Any, ...], int]]
    kinds = list(kinds)
    if tally is not None and tally.covers(programme, lower, upper, kinds):
        wanted = set(area_ids)
        # A tally row is (area, first day of the month, *EVENT_FIELDS, how many).
        positions = [2 + EVENT_FIELDS.index(name) for name in fields]
        counted = [
            (row[0], row[1], tuple(row[position] for position in positions), row[-1])
            for kind in kinds
            for row in tally.rows.get((programme.pk, kind), ())
            if row[0] in wanted
        ]
    else:
        counted = (
            (area_id, month, tuple(values), count)
            for area_id, month, *values, count in (
                EventCount.objects.filter(
                    kind__in=kinds,
                    programme=programme,
                    area_id__in=area_ids,
                    month__gte=start,
                    month__lt=end,
                )
                .values_list("area_id", "month", *fields)
                .annotate(total=Sum("how_many"))
                .order_by()
            )
        )
    grouped: dict[Key, list[tuple[Any, ...]]] = defaultdict(list)
    period_of: dict[date, str] = {}
    for area_id, first, values, count in counted:
        if first not in period_of:
            period_of[first] = period_containing(first, cadence).code
        code = period_of[first]
        if code in codes:
            group = [values] * count
            grouped[(area_id, code)].extend(group)
            grouped[(None, code)].extend(group)
    return grouped


def all_keys(area_ids: list[int], periods: list[Period]) -> list[Key]:
    return [(area, p.code) for p in periods for area in [*area_ids, None]]


def _count(
    kinds: Iterable[str], programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    grouped = _events(kinds, programme, area_ids, periods)
    return {
        key: Figure(len(grouped.get(key, [])), len(grouped.get(key, [])))
        for key in all_keys(area_ids, periods)
    }


@computation("contacts_received")
def contacts_received(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _count([EventKind.CONTACT_RECEIVED], programme, area_ids, periods)


@computation("lp_method_use")
def lp_method_use(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _count(
        [EventKind.LP_DISCUSSION_HELD, EventKind.MEETING_HELD], programme, area_ids, periods
    )


@computation("networks_opened")
def networks_opened(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _count([EventKind.NETWORK_OPENED], programme, area_ids, periods)


@computation("networks_closed")
def networks_closed(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _count([EventKind.NETWORK_CLOSED], programme, area_ids, periods)


def _from_values(
    kinds: Iterable[str],
    field: str,
    programme: Programme,
    area_ids: list[int],
    periods: list[Period],
    reduce: Callable[[list[Any]], float],
) -> dict[Key, Figure]:
    grouped = _events(kinds, programme, area_ids, periods, field)
    result = {}
    for key in all_keys(area_ids, periods):
        values = [row[0] for row in grouped.get(key, []) if row[0] is not None]
        result[key] = Figure(round(reduce(values), 1) if values else None, len(values))
    return result


@computation("convened_within_deadline")
def convened_within_deadline(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """The share of networks whose convening deadline fell in the period that had their first
    meeting by it. Every network counts in the period of its deadline once the deadline has
    passed: one that has not met by then counts as late, whether or not it meets later."""
    grouped = _events([EventKind.CONVENING_DEADLINE], programme, area_ids, periods, "outcome")
    result = {}
    for key in all_keys(area_ids, periods):
        outcomes = [row[0] for row in grouped.get(key, [])]
        result[key] = Figure(
            round(100 * outcomes.count("in_time") / len(outcomes), 1) if outcomes else None,
            len(outcomes),
        )
    return result


def censored_median(days: list[int | None], censored_at: int) -> float:
    """The median of days to the first meeting, where a network that had not met by its
    deadline (None) is right-censored: it counts as ``censored_at`` (the deadline + 1 day, "more
    than the deadline"). While at least half met in time the median is exact; otherwise it is
    ``censored_at``, read as "over the deadline"."""
    return float(statistics.median(censored_at if d is None else d for d in days))


@computation("median_days_to_first_meeting")
def median_days_to_first_meeting(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """Over the networks whose deadline fell in the period (as ``convened_within_deadline``),
    with the networks not met by their deadline censored at the deadline + 1 day."""
    over = programme.convening_deadline_days + 1
    grouped = _events([EventKind.CONVENING_DEADLINE], programme, area_ids, periods, "days")
    result = {}
    for key in all_keys(area_ids, periods):
        days = [row[0] for row in grouped.get(key, [])]
        result[key] = Figure(round(censored_median(days, over), 1) if days else None, len(days))
    return result


@computation("sectors_per_network")
def sectors_per_network(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _from_values(
        [EventKind.NETWORK_CONVENED], "sectors", programme, area_ids, periods, statistics.mean
    )


@computation("promises_kept")
def promises_kept(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    return _from_values(
        [EventKind.PROMISE_REVIEWED],
        "outcome",
        programme,
        area_ids,
        periods,
        lambda outcomes: 100 * sum(1 for o in outcomes if o == "kept") / len(outcomes),
    )


def _share(
    kinds: Iterable[str],
    field: str,
    programme: Programme,
    area_ids: list[int],
    periods: list[Period],
    counts: Callable[[Any], bool],
    known: Callable[[Any], bool] = lambda value: True,
) -> dict[Key, Figure]:
    """The share (%) of the events whose ``field`` ``counts``, of those whose value is
    ``known``; the base is the events the share is of."""
    grouped = _events(kinds, programme, area_ids, periods, field)
    result = {}
    for key in all_keys(area_ids, periods):
        values = [row[0] for row in grouped.get(key, []) if known(row[0])]
        result[key] = Figure(
            round(100 * sum(1 for value in values if counts(value)) / len(values), 1)
            if values
            else None,
            len(values),
        )
    return result


@computation("contacts_by_client_share")
def contacts_by_client_share(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """The share of contacts the client made themself (``outcome``: who contacted, a
    contacts.models.ContactedBy value). Contacts recorded before who contacted was counted
    (empty) are left out of the share."""
    return _share(
        [EventKind.CONTACT_RECEIVED],
        "outcome",
        programme,
        area_ids,
        periods,
        lambda outcome: outcome == "client",
        known=bool,
    )


@computation("contacts_by_web_form")
def contacts_by_web_form(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """Contacts that came through the public web form (channel "web")."""
    grouped = _events([EventKind.CONTACT_RECEIVED], programme, area_ids, periods, "channel")
    result = {}
    for key in all_keys(area_ids, periods):
        web = sum(1 for row in grouped.get(key, []) if row[0] == "web")
        result[key] = Figure(web, web)
    return result


@computation("own_worker_named")
def own_worker_named(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """The share of networks convened in the period whose first meeting had a named own worker
    (``outcome`` "own_worker" on the convening event)."""
    return _share(
        [EventKind.NETWORK_CONVENED],
        "outcome",
        programme,
        area_ids,
        periods,
        lambda outcome: outcome == "own_worker",
    )


def _self_rating(moment: str) -> Computation:
    """The average of the clients' own 0–10 ratings given at ``moment`` ("start" or "close"),
    over the networks closed in the period: both are recorded at closing."""

    def compute(
        programme: Programme, area_ids: list[int], periods: list[Period]
    ) -> dict[Key, Figure]:
        grouped = _events([EventKind.SELF_RATED], programme, area_ids, periods, "outcome", "count")
        result = {}
        for key in all_keys(area_ids, periods):
            ratings = [
                rating
                for outcome, rating in grouped.get(key, [])
                if outcome == moment and rating is not None
            ]
            result[key] = Figure(
                round(statistics.mean(ratings), 1) if ratings else None, len(ratings)
            )
        return result

    return compute


computation("self_rating_at_start")(_self_rating("start"))
computation("self_rating_at_close")(_self_rating("close"))


def progress_outcomes(programme: Programme) -> set[str]:
    """The codes of the programme's outcomes at closing that count as leading onwards."""
    from programmes.models import ClosingOutcome

    return set(
        ClosingOutcome.objects.filter(programme=programme, is_progress=True).values_list(
            "code", flat=True
        )
    )


@computation("closing_progress")
def closing_progress(
    programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """The share of closings with an outcome recorded whose outcome leads onwards (work,
    education, rehabilitation…: ``is_progress`` of the programme's ClosingOutcome)."""
    onwards = progress_outcomes(programme)
    return _share(
        [EventKind.OUTCOME_AT_CLOSING],
        "outcome",
        programme,
        area_ids,
        periods,
        lambda outcome: outcome in onwards,
    )


# What else in the programme's configuration a computation's figures rest on (part of the
# figures cache key, beside the convening deadline).
CONFIGURATION: dict[str, Callable[[Any], Any]] = {
    "closing_progress": lambda programme: sorted(progress_outcomes(programme)),
}


# Computations are cached under the stamp of the source they read; one without a source (trained
# staff, one small query) is computed every time.
CACHE_PREFIX = "arki:indicator-figures:"


# Every event adds a count row, and a recount writes them all anew (merging them does not change
# a sum); the newest event too, for computations that read the events themselves.
EVENTS_STAMP = Scalars(
    lambda: [
        Event.objects.order_by("-pk").values("pk")[:1],
        EventCount.objects.order_by("-pk").values("pk")[:1],
    ]
)


def _events_stamp() -> tuple[Any, ...]:
    return EVENTS_STAMP.read()


register_source("events", EVENTS_STAMP)


def shared_memo() -> dict[tuple[Any, ...], Any] | None:
    """Inside :func:`shared_events`, a dict where another app's computations keep what they
    share over the block (e.g. one set of feedback tallies for every feedback indicator);
    None outside a block."""
    shared = _SHARED.get()
    return shared.memo if shared is not None else None


def _stamp(source: str) -> tuple[Any, ...]:
    """What changes when the figures of ``source`` can change (e.g. the newest row of each
    table the computations read: events and feedback are only ever added). In a
    :func:`shared_events` block every source's stamp is read at the first need, all in one
    query, and kept for the block."""
    shared = _SHARED.get()
    if shared is None:
        return STAMPS[source].read()
    if source not in shared.stamps:
        names = list(STAMPS)
        read = read_together([STAMPS[name] for name in names])
        shared.stamps.update(zip(names, read, strict=True))
    return shared.stamps[source]


def compute(
    name: str, programme: Programme, area_ids: list[int], periods: list[Period]
) -> dict[Key, Figure]:
    """The computation's figures, from the cache when nothing they rest on has changed.

    The key holds the computation, programme (and its convening deadline and any other
    configuration the computation reads, ``CONFIGURATION``), areas, periods and the data
    stamp, so a new event or answer makes the next request compute afresh; the timeout
    (``ARKI_INDICATOR_CACHE_SECONDS``, 0 turns the cache off) only bounds memory.
    """
    function = REGISTRY[name]
    seconds = settings.ARKI_INDICATOR_CACHE_SECONDS
    source = SOURCE.get(name)
    if not seconds or source is None:
        return function(programme, area_ids, periods)
    parts = (
        name,
        programme.pk,
        programme.convening_deadline_days,
        sorted(area_ids),
        [period.code for period in periods],
        _stamp(source),
        CONFIGURATION[name](programme) if name in CONFIGURATION else None,
    )
    key = CACHE_PREFIX + hashlib.sha256(repr(parts).encode()).hexdigest()
    kept = _READ.get(key)
    if kept is not None and kept[1] > time.monotonic() and cache.has_key(key):
        found = kept[0]
    else:
        found = cache.get(key)
        if found is None:
            found = function(programme, area_ids, periods)
            cache.set(key, found, seconds)
        with _READ_LOCK:  # the development server answers in threads
            _READ[key] = (found, time.monotonic() + seconds)
            while len(_READ) > READ_KEPT:
                del _READ[next(iter(_READ))]  # the oldest first
    # A copy: the caller may add to it (entered figures), the one kept must not change.
    return dict(found)


# The figures last read from the cache, as objects: reading the cache unpickles them (~0.2 ms
# a computation, a dozen on every dashboard). Used only while the cache still holds the key, so
# what expires or is cleared there ends here too, and never longer than the cache's timeout from
# when they were read (also with a cache other processes share); the key holds the data stamps as
# above. A dashboard's figures are tens of kilobytes: 64 of them are a few dashboards' worth.
READ_KEPT = 64
_READ: dict[str, tuple[dict[Key, Figure], float]] = {}
_READ_LOCK = threading.Lock()
