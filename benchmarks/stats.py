"""The load benchmark's arithmetic: percentiles, per-page summaries, the targets, the report.

Pure functions over plain data (no Django, no locust), so they are unit-tested
(``benchmarks/tests/``) and the numbers in docs/benchmarks.md can be recomputed from the JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# The targets of issue #21 ("Speed"), which replaced those of issue #10 for the pages:
# service time at one user, throughput at 16 users, a realistic county day, the embedded default.
SERVICE_FLOOR_FACTOR = 4.0  # one user: a page's p50 ≤ 4 × the floor's p50 (same run)
SERVICE_P95_MS = 25.0  # one user: a page's p95 ≤ 25 ms
THROUGHPUT_FLOOR_SHARE = 0.25  # 16 users without pauses: ≥ 25 % of the floor's requests/s
DAY_P95_MS = 100.0  # the county's working day (300 staff with think time), all requests
CAPACITY_P95_MS = 200.0  # capacity: the most users held before p95 passes this
SQLITE_P95_MS = 100.0  # the embedded default (SQLite, pilot data, 4 users)
# Kept from issue #10.
SCALE_GROWTH_LIMIT = 1.5
ACCESS_LOG_SHARE = 0.10
INDICATOR_RATIO_LIMIT = 2.0
RECOVERY_LIMIT_S = 5.0

FLOOR = "ping"
# The key pages of issue #21, the floor first: the pages scenario runs each in turn.
PAGES = (
    FLOOR,
    "queue",
    "network",
    "record_save",
    "indicators",
    "leadership",
    "directory",
    "my_promises",
    "family_plan",
)
# Pages a family member opens with a personal link (not a staff account).
FAMILY_PAGES = frozenset({"family_plan"})
# The soak and outage scenarios' mix: one coordinator cycling through the staff pages.
MIXED = tuple(page for page in PAGES if page not in FAMILY_PAGES)


def machine_reference_ms(rounds: int = 7) -> float:
    """The median time of a fixed piece of pure-Python work (dicts, strings, calls, as a page's
    code does), to tell a slower machine from slower code: the machines benchmarks run on
    differ by 2× or more between sessions, and every figure in milliseconds moves with them."""
    import statistics
    import time

    def work() -> int:
        total = 0
        for n in range(20_000):
            row = {"pk": n, "name": f"rivi {n}", "tags": [n % 7, n % 11]}
            total += len(str(row["name"]).upper()) + sum(row["tags"])  # type: ignore[call-overload]
        return total

    times = []
    for _round in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) by the nearest-rank method; None for no values.

    Nearest rank never invents a latency nobody measured: p95 of 20 samples is the 19th
    smallest. It is what locust's own percentiles approximate.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


@dataclass(frozen=True)
class Sample:
    """One request the load generator made: when it started (epoch s), how long, how it ended."""

    name: str
    start: float
    ms: float
    status: int
    ok: bool
    marker: str = ""  # a meeting-record save's family-view marker, to find it in the database

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Sample:
        return cls(
            name=str(data["name"]),
            start=float(data["start"]),
            ms=float(data["ms"]),
            status=int(data.get("status") or 0),
            ok=bool(data.get("ok", True)),
            marker=str(data.get("marker") or ""),
        )


@dataclass
class PageResult:
    page: str
    requests: int
    failures: int
    seconds: float
    p50: float | None
    p95: float | None
    p99: float | None
    rps: float
    floor_share: float | None = None
    queries: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)


def _figures(
    samples: Iterable[Sample], window: tuple[float, float], wanted: Callable[[Sample], bool]
) -> dict[str, Any]:
    """The figures of the wanted requests started in the measuring window [start, end): latency
    of every request, failures, 5xx, and throughput as requests started in the window per second
    of the window."""
    start, end = window
    seconds = max(end - start, 1e-9)
    chosen = [s for s in samples if wanted(s) and start <= s.start < end]
    latencies = [s.ms for s in chosen]
    statuses: dict[str, int] = {}
    for s in chosen:
        statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
    return {
        "requests": len(chosen),
        "failures": sum(1 for s in chosen if not s.ok),
        "server_errors": sum(1 for s in chosen if s.status >= 500),
        "seconds": round(seconds, 2),
        "p50": _round(percentile(latencies, 50)),
        "p95": _round(percentile(latencies, 95)),
        "p99": _round(percentile(latencies, 99)),
        "rps": round(len(chosen) / seconds, 1),
        "statuses": dict(sorted(statuses.items())),
    }


def summarise(page: str, samples: Iterable[Sample], window: tuple[float, float]) -> PageResult:
    """One page's figures over the measuring window [start, end)."""
    figures = _figures(samples, window, lambda s: s.name == page)
    del figures["server_errors"]
    return PageResult(page=page, **figures)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def with_floor_shares(results: dict[str, PageResult]) -> dict[str, PageResult]:
    """Each page's throughput as a share of the floor view's (the same run)."""
    floor = results.get(FLOOR)
    for result in results.values():
        result.floor_share = (
            round(result.rps / floor.rps, 2) if floor is not None and floor.rps > 0 else None
        )
    return results


@dataclass
class Check:
    target: str
    subject: str
    value: str
    met: bool | None  # None: not measured (e.g. only one scale given)

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]


def _key_pages(results: dict[str, PageResult]) -> list[PageResult]:
    return [result for page, result in results.items() if page != FLOOR]


def service_checks(label: str, results: dict[str, PageResult]) -> list[Check]:
    """One user (service time, no queueing): every key page's p50 ≤ 4 × the floor's p50 of the
    same run, and its p95 ≤ 25 ms."""
    floor = results.get(FLOOR)
    limit = None if floor is None or floor.p50 is None else SERVICE_FLOOR_FACTOR * floor.p50
    checks = []
    for result in _key_pages(results):
        subject = f"{label}: {result.page} (1 user)"
        if result.p50 is None or limit is None:
            value, met = (
                f"{_ms(result.p50)} (floor {_ms(None if floor is None else floor.p50)})",
                None,
            )
        else:
            assert floor is not None and floor.p50 is not None
            value = (
                f"{_cell(result.p50, ' ms')} vs {SERVICE_FLOOR_FACTOR:.0f} × "
                f"{_cell(floor.p50, ' ms')} = {_cell(limit, ' ms')} ({result.p50 / floor.p50:.1f}×)"
            )
            met = result.p50 <= limit
        checks.append(
            Check(f"p50 ≤ {SERVICE_FLOOR_FACTOR:.0f} × the floor's p50", subject, value, met)
        )
        checks.append(
            Check(
                f"p95 ≤ {SERVICE_P95_MS:.0f} ms",
                subject,
                _cell(result.p95, " ms"),
                None if result.p95 is None else result.p95 <= SERVICE_P95_MS,
            )
        )
    return checks


def throughput_checks(label: str, results: dict[str, PageResult], users: int) -> list[Check]:
    """Users without pauses: every key page serves ≥ 25 % of the floor's requests per second
    (compared unrounded; ``floor_share`` is the rounded figure shown in the table)."""
    floor = results.get(FLOOR)
    checks = []
    for result in _key_pages(results):
        share = result.rps / floor.rps if floor is not None and floor.rps > 0 else None
        checks.append(
            Check(
                f"throughput ≥ {THROUGHPUT_FLOOR_SHARE:.0%} of the floor's",
                f"{label}: {result.page} ({users} users)",
                "–" if share is None else f"{share:.0%} ({result.rps:.1f} req/s)",
                None if share is None else share >= THROUGHPUT_FLOOR_SHARE,
            )
        )
    return checks


def failure_checks(label: str, results: dict[str, PageResult], users: int) -> list[Check]:
    """Every page (the floor too): no failed request, listed only when some failed."""
    return [
        Check(
            "no failed requests",
            f"{label}: {result.page} ({users} {'user' if users == 1 else 'users'})",
            f"{result.failures} of {result.requests}",
            False,
        )
        for result in results.values()
        if result.failures
    ]


def server_errors(result: PageResult) -> int:
    return sum(count for status, count in result.statuses.items() if status.startswith("5"))


def sqlite_checks(label: str, results: dict[str, PageResult], users: int) -> list[Check]:
    """The embedded default (SQLite): every key page with no 5xx and p95 ≤ 100 ms."""
    checks = []
    for result in _key_pages(results):
        subject = f"{label}: {result.page} (SQLite, {users} users)"
        errors = server_errors(result)
        checks.append(
            Check(
                "no 5xx",
                subject,
                f"{errors} of {result.requests}",
                result.requests > 0 and not errors,
            )
        )
        checks.append(
            Check(
                f"p95 ≤ {SQLITE_P95_MS:.0f} ms",
                subject,
                _cell(result.p95, " ms"),
                None if result.p95 is None else result.p95 <= SQLITE_P95_MS,
            )
        )
    return checks


def query_checks(queries: dict[str, dict[str, int]]) -> list[Check]:
    """The same number of SQL queries per page at every scale (label → page → queries)."""
    if len(queries) < 2:
        return []
    pages = sorted({page for counts in queries.values() for page in counts})
    checks = []
    for page in pages:
        counts = {label: counts.get(page) for label, counts in queries.items()}
        values = set(counts.values())
        checks.append(
            Check(
                "queries per page the same at every scale",
                page,
                " / ".join(f"{label} {count}" for label, count in counts.items()),
                None if None in values else len(values) == 1,
            )
        )
    return checks


def scale_checks(
    small: tuple[str, dict[str, PageResult]],
    large: tuple[str, dict[str, PageResult]],
    runs: str = "1 user: work, not queueing",
) -> list[Check]:
    """10× more data: every page's p95 grows less than 1.5×. ``runs`` says which runs are
    compared (the benchmark compares the 1-user runs, which measure work, not queueing)."""
    (small_label, small_results), (large_label, large_results) = small, large
    checks = []
    for page, result in small_results.items():
        other = large_results.get(page)
        if other is None or not result.p95 or other.p95 is None:
            continue
        growth = other.p95 / result.p95
        checks.append(
            Check(
                f"p95 grows < {SCALE_GROWTH_LIMIT}× from {small_label} to {large_label}",
                f"{page} ({runs})",
                f"{result.p95:.0f} → {other.p95:.0f} ms ({growth:.2f}×)",
                growth < SCALE_GROWTH_LIMIT,
            )
        )
    return checks


def access_log_check(
    label: str, with_log: list[PageResult], without_log: list[PageResult]
) -> Check:
    """The access-log write adds under 10 % to the page's median latency.

    Each side is the mean of the p50s of its runs; the benchmark alternates the runs (with,
    without, with, without) so that a drift of the shared machine does not favour either side.
    """
    with_p50 = [run.p50 for run in with_log if run.p50]
    without_p50 = [run.p50 for run in without_log if run.p50]
    page = with_log[0].page if with_log else "network"
    if not with_p50 or not without_p50:
        return Check("access log adds < 10 % latency", f"{label}: {page}", "–", None)
    with_mean = sum(with_p50) / len(with_p50)
    without_mean = sum(without_p50) / len(without_p50)
    share = with_mean / without_mean - 1
    return Check(
        f"access log adds < {ACCESS_LOG_SHARE:.0%} latency (p50)",
        f"{label}: {page}",
        f"{without_mean:.1f} → {with_mean:.1f} ms ({share:+.0%}; "
        f"{len(with_p50)} + {len(without_p50)} runs)",
        share < ACCESS_LOG_SHARE,
    )


def indicator_check(label: str, computations_s: float, sql_s: float) -> Check:
    ratio = computations_s / sql_s if sql_s > 0 else math.inf
    return Check(
        f"indicators recompute ≤ {INDICATOR_RATIO_LIMIT:.0f}× one SQL aggregate",
        label,
        f"{computations_s * 1000:.1f} ms vs {sql_s * 1000:.1f} ms ({ratio:.1f}×)",
        ratio <= INDICATOR_RATIO_LIMIT,
    )


# --- Mixed load with think time: the county's working day and its capacity ---------------------

SIGN_IN = frozenset({"sign-in form", "sign-in"})


@dataclass
class MixResult:
    """Every request of a mixed load started in one window (sign-ins and markers excluded)."""

    users: int
    requests: int
    failures: int
    server_errors: int
    seconds: float
    p50: float | None
    p95: float | None
    p99: float | None
    rps: float
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Failed requests: any unexpected status (every 5xx among them) or no answer."""
        return self.failures


def is_page_request(sample: Sample) -> bool:
    return sample.name not in SIGN_IN and not sample.name.startswith("__")


def summarise_mix(samples: Iterable[Sample], window: tuple[float, float], users: int) -> MixResult:
    """All page requests started in the window [start, end), whatever the page."""
    return MixResult(users=users, **_figures(samples, window, is_page_request))


def holds(result: MixResult | None, limit: float = CAPACITY_P95_MS) -> bool:
    """A capacity step holds when it answered, its p95 is within the limit and nothing failed."""
    return (
        result is not None
        and result.requests > 0
        and result.p95 is not None
        and result.p95 <= limit
        and result.errors == 0
    )


def day_checks(label: str, result: MixResult, sign_in_failures: int = 0) -> list[Check]:
    """The county's working day: p95 ≤ 100 ms over every request of the window, no errors."""
    subject = f"{label}: {result.users} staff, think time"
    checks = [
        Check(
            f"p95 ≤ {DAY_P95_MS:.0f} ms (all requests)",
            subject,
            f"{_cell(result.p95, ' ms')} ({result.requests} requests, {result.rps:.1f} req/s)",
            None if result.p95 is None else result.p95 <= DAY_P95_MS,
        ),
        Check(
            "0 errors (failures, 5xx)",
            subject,
            f"{result.errors} failed, {result.server_errors} 5xx",
            None if not result.requests else result.errors == 0,
        ),
    ]
    if sign_in_failures:
        checks.append(
            Check("every simulated user signed in", subject, f"{sign_in_failures} refused", False)
        )
    return checks


@dataclass
class Step:
    """One capacity step: the users, whether all were signed in, and its window's figures."""

    users: int
    ready: bool
    result: MixResult | None

    @property
    def held(self) -> bool:
        return self.ready and holds(self.result)


def capacity(steps: Sequence[Step]) -> int | None:
    """The most users of the last step held before the first step that did not hold."""
    held: int | None = None
    for step in steps:
        if not step.held:
            break
        held = step.users
    return held


def capacity_checks(label: str, steps: Sequence[Step]) -> list[Check]:
    """How many staff with think time the machine holds before p95 passes 200 ms (reported as
    met when at least the first step held)."""
    if not steps:
        return [Check("capacity", label, "no step ran", None)]
    held = capacity(steps)
    failed = next((step for step in steps if not step.held), None)
    if failed is None:
        value = f"≥ {steps[-1].users} users (every step held; give more --steps)"
    else:
        why = (
            "not every user signed in"
            if not failed.ready
            else f"p95 {_cell(failed.result.p95 if failed.result else None, ' ms')}, "
            f"{failed.result.errors if failed.result else 0} errors"
        )
        value = f"{held or 0} users (at {failed.users}: {why})"
    return [
        Check(
            f"capacity: users held at p95 ≤ {CAPACITY_P95_MS:.0f} ms, no errors",
            label,
            value,
            held is not None,
        )
    ]


def markdown_steps(label: str, steps: Sequence[Step]) -> str:
    lines = [
        f"#### {label}",
        "",
        "| users | signed in | requests | errors | 5xx | p50 | p95 | p99 | req/s | held |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for step in steps:
        r = step.result
        if r is None:
            lines.append(f"| {step.users} | no | – | – | – | – | – | – | – | no |")
            continue
        lines.append(
            f"| {step.users} | {'yes' if step.ready else 'no'} | {r.requests} | {r.errors} | "
            f"{r.server_errors} | {_cell(r.p50, ' ms')} | {_cell(r.p95, ' ms')} | "
            f"{_cell(r.p99, ' ms')} | {r.rps:.1f} | {'yes' if step.held else 'no'} |"
        )
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} ms"


def _cell(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.0f}{suffix}" if value >= 10 else f"{value:.1f}{suffix}"


def markdown_table(label: str, results: dict[str, PageResult]) -> str:
    lines = [
        f"#### {label}",
        "",
        "| page | requests | failures | p50 | p95 | p99 | req/s | vs floor | SQL queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for page, r in results.items():
        share = "–" if r.floor_share is None else f"{r.floor_share:.0%}"
        queries = "–" if r.queries is None else str(r.queries)
        lines.append(
            f"| {page} | {r.requests} | {r.failures} | {_cell(r.p50, ' ms')} | "
            f"{_cell(r.p95, ' ms')} | {_cell(r.p99, ' ms')} | {r.rps:.1f} | {share} | {queries} |"
        )
    return "\n".join(lines)


def markdown_checks(checks: list[Check]) -> str:
    lines = ["| target | subject | measured | verdict |", "|---|---|---|---|"]
    lines += [f"| {c.target} | {c.subject} | {c.value} | {c.verdict} |" for c in checks]
    return "\n".join(lines)


def as_json(value: Any) -> Any:
    """Dataclasses (results, checks) as plain JSON-ready data."""
    if isinstance(value, Check):
        return {**asdict(value), "verdict": value.verdict}
    if isinstance(value, PageResult | MixResult | Step):
        return asdict(value)
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


@dataclass
class OutageResult:
    restart_s: float
    during: int
    during_503: int
    during_other_failures: int
    during_p95_ms: float | None
    recovered_after_s: float | None
    acknowledged_writes: int
    lost_writes: int | None


def outage_summary(
    samples: Sequence[Sample], restart: tuple[float, float], acknowledged: int, lost: int | None
) -> OutageResult:
    """What the users saw while the database restarted, and how soon pages answered again.

    ``restart`` is when the restart command started and returned. Recovery is the time from its
    return to the start of the first request after which every request succeeded.
    """
    begin, end = restart
    during = [s for s in samples if begin <= s.start < end]
    after = sorted((s for s in samples if s.start >= end), key=lambda s: s.start)
    recovered: float | None = None
    for index, sample in enumerate(after):
        if all(s.ok for s in after[index:]):
            recovered = max(0.0, sample.start - end)
            break
    return OutageResult(
        restart_s=round(end - begin, 2),
        during=len(during),
        during_503=sum(1 for s in during if s.status == 503),
        during_other_failures=sum(1 for s in during if not s.ok and s.status != 503),
        during_p95_ms=_round(percentile([s.ms for s in during if not s.ok], 95)),
        recovered_after_s=None if recovered is None else round(recovered, 2),
        acknowledged_writes=acknowledged,
        lost_writes=lost,
    )


def outage_checks(result: OutageResult) -> list[Check]:
    failed = result.during_503 + result.during_other_failures
    return [
        Check(
            "requests during the outage fail with 503",
            "outage",
            f"{result.during_503} of {failed} failures were 503",
            None if failed == 0 else result.during_other_failures == 0,
        ),
        Check(
            f"pages succeed again within {RECOVERY_LIMIT_S:.0f} s",
            "outage",
            "never" if result.recovered_after_s is None else f"{result.recovered_after_s} s",
            result.recovered_after_s is not None and result.recovered_after_s <= RECOVERY_LIMIT_S,
        ),
        Check(
            "no acknowledged write lost",
            "outage",
            f"{result.lost_writes} of {result.acknowledged_writes} lost",
            None if result.lost_writes is None else result.lost_writes == 0,
        ),
    ]
