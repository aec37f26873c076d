"""Load benchmark: Arki in production mode under gunicorn, driven by locust (docs/benchmarks.md).

Not part of the test suite. Needs the bench requirements (``make bench`` installs them).
"""

from __future__ import annotations

import base64
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from argparse import SUPPRESS
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchmarks import day, stats
from benchmarks.stats import Check, PageResult, Sample

PAGES = list(stats.PAGES)
SQLITE_USERS = 4  # the embedded default is checked with 4 users (issue #21)
BASE = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent


class Command(BaseCommand):
    help = (
        "Load benchmark: serve Arki with gunicorn in production mode, drive it with locust, "
        "report latency, throughput and SQL queries per page and check the targets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-url",
            action="append",
            default=[],
            metavar="[LABEL=]URL",
            help="database to benchmark, one per scale (repeatable), e.g. "
            "pilot=postgres://postgres@127.0.0.1:5432/arki_pilot; default: DATABASE_URL",
        )
        parser.add_argument(
            "--duration",
            type=float,
            help="seconds measured per page (pages, default 60), in all (day 120, soak 600, "
            "outage 60) or per step (capacity, 60)",
        )
        parser.add_argument(
            "--users",
            type=int,
            help="concurrent users: pages 16 without pauses (4 on SQLite), after a pass at 1 "
            "user; day 300 staff with think time; soak and outage 16",
        )
        parser.add_argument(
            "--pages", default=",".join(PAGES), help=f"comma-separated ({','.join(PAGES)})"
        )
        parser.add_argument("--output", default="docs/benchmarks/latest.json")
        parser.add_argument(
            "--scenario",
            choices=["pages", "day", "capacity", "soak", "outage"],
            default="pages",
            help="(pages)",
        )
        parser.add_argument(
            "--steps",
            default="300,600,1200,2400,4800",
            help="capacity: the user counts to step through, stopping after the first step "
            "whose p95 passes 200 ms or that has errors (300,600,1200,2400,4800)",
        )
        parser.add_argument(
            "--spawn-rate",
            type=float,
            help="users started (and signed in) per second (pages: all at once; day and "
            "capacity: 10)",
        )
        parser.add_argument(
            "--indicators",
            action="store_true",
            help="time the indicator recomputation against one SQL aggregate instead",
        )
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
        parser.add_argument(
            "--warmup",
            type=float,
            help="seconds not measured after the last sign-in (3; day and capacity 10)",
        )
        parser.add_argument("--coordinator", help="coordinator's email (default: well-known)")
        parser.add_argument("--leader", help="leadership member's email (default: well-known)")
        parser.add_argument(
            "--password",
            help="the benchmark users' password (default: $ARKI_BENCH_PASSWORD, else the demo "
            "password in ARKI_LOCAL_DIR/demo_password)",
        )
        parser.add_argument("--search", default="perhe", help="directory search word (perhe)")
        parser.add_argument(
            "--no-access-log-check",
            action="store_true",
            help="skip the extra run of the network page without the access-log write",
        )
        parser.add_argument(
            "--restart-command",
            default="pg_ctlcluster 15 main restart",
            help="how the outage scenario restarts PostgreSQL",
        )
        # Internal: the per-database probe, run in a subprocess with DATABASE_URL set.
        parser.add_argument(
            "--probe", choices=["targets", "day", "indicators", "lost"], help=SUPPRESS
        )
        parser.add_argument("--targets-json", help=SUPPRESS)
        parser.add_argument("--markers-file", help=SUPPRESS)

    # ----------------------------------------------------------------------------------------
    def handle(self, *args: Any, **options: Any) -> None:
        if options["probe"]:
            self._probe(options)
            return
        databases = self._databases(options["database_url"])
        started = datetime.now(UTC)
        scenario = "indicators" if options["indicators"] else options["scenario"]
        report: dict[str, Any] = {
            "started": started.isoformat(timespec="seconds"),
            "machine": _machine(),
            "scenario": scenario,
            "users": options["users"],
            "databases": {},
            "checks": [],
        }
        if options["indicators"]:
            checks = self._indicators(databases, report)
        elif scenario == "pages":
            checks = self._pages(databases, options, report)
        elif scenario in ("day", "capacity"):
            checks = []
            for database in databases:
                checks += self._day(database, options, report, capacity=scenario == "capacity")
        else:
            checks = self._mixed(databases[0], options, report)
        report["checks"] = stats.as_json(checks)
        report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.stdout.write("\n### Targets\n\n" + stats.markdown_checks(checks) + "\n")
        output = Path(options["output"])
        if not output.is_absolute():
            output = BASE / output
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(f"\nWritten: {output}")

    # ----------------------------------------------------------------------------------------
    def _databases(self, given: list[str]) -> list[tuple[str, str]]:
        if not given:
            url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE / 'db.sqlite3'}"
            given = [url]
        databases = []
        for value in given:
            match = re.match(r"^([\w.-]+)=(.+)$", value)
            if match and "://" not in match.group(1):
                label, url = match.group(1), match.group(2)
            else:
                url = value
                label = url.rstrip("/").rsplit("/", 1)[-1] or "default"
            databases.append((label, url))
        return databases

    def _subprocess_env(self, url: str, **extra: str) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": url, "ARKI_REQUIRE_OTP": "false", **extra}
        env.pop("ARKI_BENCH_NO_ACCESS_LOG", None)
        return env

    def _run_probe(self, url: str, mode: str, *extra: str) -> dict[str, Any]:
        command = [sys.executable, str(BASE / "manage.py"), "benchmark", "--probe", mode, *extra]
        done = subprocess.run(  # noqa: S603
            command,
            env=self._subprocess_env(url, ARKI_ENV="local"),
            capture_output=True,
            text=True,
            cwd=BASE,
            check=False,
        )
        if done.returncode != 0:
            raise CommandError(f"probe {mode} failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def _probe(self, options: dict[str, Any]) -> None:
        from benchmarks import probe

        result: dict[str, Any]
        if options["probe"] == "targets":
            targets = probe.find_targets(
                coordinator=options["coordinator"],
                leader=options["leader"],
                search=options["search"],
                users=options["users"],
            )
            result = {
                "targets": targets,
                "queries": probe.count_queries(targets),
                "size": probe.data_size(),
            }
        elif options["probe"] == "day":
            result = {
                "targets": probe.find_day_targets(users=options["users"], search=options["search"]),
                "size": probe.data_size(),
            }
        elif options["probe"] == "indicators":
            result = {"indicators": probe.time_indicators(), "size": probe.data_size()}
        else:
            markers = json.loads(Path(options["markers_file"]).read_text())
            result = {"lost": probe.lost_writes(markers)}
        self.stdout.write(json.dumps(result))

    def _password(self, options: dict[str, Any]) -> str:
        password = options["password"] or os.environ.get("ARKI_BENCH_PASSWORD", "")
        if not password:
            path = Path(settings.LOCAL_DIR) / "demo_password"
            if not path.exists():
                raise CommandError("give --password (or ARKI_BENCH_PASSWORD) for the users")
            password = path.read_text().strip()
        return password

    def _prepare(self, label: str, url: str, options: dict[str, Any], users: int) -> dict[str, Any]:
        self.stdout.write(f"\n== {label}: finding targets, counting SQL queries per page ==")
        extra = ["--users", str(users), "--search", options["search"]]
        for name in ("coordinator", "leader"):
            if options[name]:
                extra += [f"--{name}", options[name]]
        probed = self._run_probe(url, "targets", *extra)
        password = self._password(options)
        for who in probed["targets"]["users"].values():
            who["password"] = password
        probed["targets"]["run"] = secrets.token_hex(4)
        self.stdout.write(
            f"   data: {probed['size']}; {len(probed['targets']['meetings'])} meeting(s) to save"
        )
        return probed

    # ----------------------------------------------------------------------------------------
    def _pages(
        self, databases: list[tuple[str, str]], options: dict[str, Any], report: dict[str, Any]
    ) -> list[Check]:
        """Every page on its own, first at 1 user (service time), then at ``--users`` without
        pauses (throughput), on each database; SQLite: only the second pass, at 4 users."""
        pages = [p.strip() for p in options["pages"].split(",") if p.strip()]
        unknown = set(pages) - set(PAGES)
        if unknown:
            raise CommandError(f"unknown pages: {', '.join(sorted(unknown))}")
        if stats.FLOOR not in pages:
            pages.insert(0, stats.FLOOR)
        duration = options["duration"] or 60.0
        warmup = 3.0 if options["warmup"] is None else options["warmup"]
        checks: list[Check] = []
        one_user: list[tuple[str, dict[str, PageResult]]] = []
        queries: dict[str, dict[str, int]] = {}
        static_done = False
        for label, url in databases:
            sqlite = url.startswith("sqlite")
            users = options["users"] or (SQLITE_USERS if sqlite else 16)
            passes = [users] if sqlite or users == 1 else [1, users]
            # A family link's code is used up when it opens: each pass has links of its own.
            probed = self._prepare(label, url, options, sum(passes))
            targets = probed["targets"]
            links = list(targets.get("family_links", []))
            queries[label] = probed["queries"]
            by_users: dict[int, dict[str, PageResult]] = {}
            extra_runs: dict[str, Any] = {}
            with Server(url, options["workers"], collect_static=not static_done) as server:
                static_done = True
                for count in passes:
                    self.stdout.write(f"   -- {_users(count)}, no pauses --")
                    plan = _plan([count], options["spawn_rate"] or count, warmup, duration)
                    results: dict[str, PageResult] = {}
                    own = {**targets, "family_links": links[:count]}
                    links = links[count:]
                    for page in pages:
                        samples, windows = server.load(page, own, plan)
                        results[page] = stats.summarise(page, samples, _window(windows))
                        results[page].queries = probed["queries"].get(page)
                        self.stdout.write(f"   {page}: {_line(results[page])}")
                    stats.with_floor_shares(results)
                    by_users[count] = results
            if "network" in pages and not options["no_access_log_check"]:
                # Alternate (with, without, with, without) so that a drift of the shared
                # machine during the run does not favour either side.
                plan = _plan([users], options["spawn_rate"] or users, warmup, duration)
                with_log: list[PageResult] = [by_users[users]["network"]]
                without_log: list[PageResult] = []
                for no_access_log in (True, False, True):
                    with Server(url, options["workers"], no_access_log=no_access_log) as server:
                        samples, windows = server.load("network", targets, plan)
                        run = stats.summarise("network", samples, _window(windows))
                    (without_log if no_access_log else with_log).append(run)
                    kind = "without" if no_access_log else "with"
                    self.stdout.write(f"   network {kind} the access-log write: {_line(run)}")
                extra_runs["network_access_log_runs"] = {
                    "users": users,
                    "with": stats.as_json(with_log),
                    "without": stats.as_json(without_log),
                }
                checks.append(stats.access_log_check(label, with_log, without_log))
            for count, results in by_users.items():
                self.stdout.write("\n" + stats.markdown_table(f"{label}, {_users(count)}", results))
            if sqlite:
                checks += stats.sqlite_checks(label, by_users[users], users)
            else:
                if 1 in by_users:
                    checks += stats.service_checks(label, by_users[1])
                    one_user.append((label, by_users[1]))
                if users != 1:
                    checks += stats.throughput_checks(label, by_users[users], users)
            for count, results in by_users.items():
                checks += stats.failure_checks(label, results, count)
            report["databases"][label] = {
                "url": _redact(url),
                "engine": "sqlite" if sqlite else "postgresql",
                "size": probed["size"],
                "targets": {k: v for k, v in targets.items() if k not in ("users", "family_links")},
                "duration_s": duration,
                "pages": stats.as_json(by_users[users]),
                "pages_by_users": {str(n): stats.as_json(r) for n, r in by_users.items()},
                **extra_runs,
            }
        checks += stats.query_checks(queries)
        if len(one_user) >= 2:
            small = next((r for r in one_user if r[0] == "pilot"), one_user[0])
            large = next((r for r in one_user if r[0] == "county"), one_user[-1])
            checks += stats.scale_checks(small, large, "1 user: work, not queueing")
        else:
            checks.append(
                Check(
                    f"p95 grows < {stats.SCALE_GROWTH_LIMIT}× with 10× the data (1 user)",
                    "needs two PostgreSQL scales",
                    "–",
                    None,
                )
            )
        return checks

    # ----------------------------------------------------------------------------------------
    def _day(
        self,
        database: tuple[str, str],
        options: dict[str, Any],
        report: dict[str, Any],
        *,
        capacity: bool,
    ) -> list[Check]:
        """The county's working day: staff with think time (``benchmarks/day.py``); one window
        after every user has signed in, or (capacity) one window per step of users."""
        label, url = database
        if capacity:
            steps = sorted({int(n) for n in options["steps"].split(",") if n.strip()})
            if not steps or steps[0] < 1:
                raise CommandError("--steps: user counts, e.g. 300,600,1200")
        else:
            steps = [options["users"] or 300]
        duration = options["duration"] or (60.0 if capacity else 120.0)
        warmup = 10.0 if options["warmup"] is None else options["warmup"]
        spawn_rate = options["spawn_rate"] or 10.0
        name = "capacity" if capacity else "day"
        self.stdout.write(
            f"\n== {label}: {name}: one staff account and its own records per user =="
        )
        probed = self._run_probe(
            url, "day", "--users", str(steps[-1]), "--search", options["search"]
        )
        targets = probed["targets"]
        targets["password"] = self._password(options)
        targets["run"] = secrets.token_hex(4)
        self.stdout.write(
            f"   data: {probed['size']}\n"
            f"   users by role: {targets['users_by_role']}; distinct accounts: "
            f"{targets['accounts']}; {targets['savers']} users save a meeting record of their "
            f"own\n   then: up to {steps[-1]} users, {spawn_rate:g} signed in per second, "
            f"{warmup:g} s warm-up, {duration:g} s measured" + (" per step" if capacity else "")
        )
        limit = stats.CAPACITY_P95_MS if capacity else None
        with Server(url, options["workers"], collect_static=True) as server:
            samples, windows = server.load(
                "day", targets, _plan(steps, spawn_rate, warmup, duration, limit)
            )
        sign_in_failures = sum(1 for s in samples if s.name == "sign-in" and not s.ok)
        measured: list[stats.Step] = []
        for window in windows:
            ready = bool(window.get("ok"))
            span = (float(window["start"]), float(window["end"]))
            result = stats.summarise_mix(samples, span, int(window["users"])) if ready else None
            measured.append(stats.Step(int(window["users"]), ready, result))
        entry: dict[str, Any] = {
            "url": _redact(url),
            "size": probed["size"],
            "steps": stats.as_json(measured),
            "windows": windows,
            "duration_s": duration,
            "warmup_s": warmup,
            "spawn_rate": spawn_rate,
            "think_time_s": list(day.THINK_TIME_S),
            "users_by_role": targets["users_by_role"],
            "accounts": targets["accounts"],
            "savers": targets["savers"],
            "queries": targets["queries"],
            "sign_in_failures": sign_in_failures,
        }
        checks: list[Check] = []
        if sign_in_failures:
            checks.append(
                Check(
                    "every simulated user signed in",
                    f"{label}: {name}",
                    f"{sign_in_failures} refused",
                    False,
                )
            )
        last = next((w for w in reversed(windows) if w.get("ok")), None)
        if last is not None:
            span = (float(last["start"]), float(last["end"]))
            pages = sorted({s.name for s in samples if stats.is_page_request(s)})
            results = {page: stats.summarise(page, samples, span) for page in pages}
            for page, page_result in results.items():  # counted for a role's first user
                counted = [n for key, n in targets["queries"].items() if key.endswith(f": {page}")]
                page_result.queries = counted[0] if counted else None
            entry["pages"] = stats.as_json(results)
            title = f"{label}: {name}, {last['users']} users, think time (every request)"
            self.stdout.write("\n" + stats.markdown_table(title, results))
        if capacity:
            self.stdout.write("\n" + stats.markdown_steps(f"{label}: capacity steps", measured))
            checks += stats.capacity_checks(f"{label}: staff with think time", measured)
            entry["capacity_users"] = stats.capacity(measured)
        elif measured and measured[0].result is not None:
            result = measured[0].result
            self.stdout.write(f"\n   all requests: {_mix_line(result)}")
            checks += stats.day_checks(label, result)
        else:
            signed = windows[0]["signed_in"] if windows else 0
            checks.append(
                Check(
                    "every simulated user signed in",
                    f"{label}: {name}",
                    f"{signed} of {steps[0]} within the time allowed",
                    False,
                )
            )
        report["databases"][label] = entry
        return checks

    # ----------------------------------------------------------------------------------------
    def _indicators(self, databases: list[tuple[str, str]], report: dict[str, Any]) -> list[Check]:
        checks = []
        for label, url in databases:
            self.stdout.write(f"\n== {label}: indicators against one SQL aggregate ==")
            probed = self._run_probe(url, "indicators")
            timing = probed["indicators"]
            self.stdout.write(
                f"   {timing['event_indicators']} event-based indicators × {timing['areas']} "
                f"areas, {timing['events']} events: {timing['computations_s'] * 1000:.1f} ms; "
                f"one GROUP BY over the events: {timing['sql_aggregate_s'] * 1000:.1f} ms\n"
                f"   all {timing['indicators']} computed indicators (feedback, training too): "
                f"{timing['all_computations_s'] * 1000:.1f} ms; that GROUP BY and one over the "
                f"feedback answers: {timing['all_sql_aggregates_s'] * 1000:.1f} ms "
                f"({timing['all_ratio']}×); from the figures cache: "
                f"{timing['all_cached_s'] * 1000:.1f} ms"
            )
            report["databases"][label] = {"url": _redact(url), **probed}
            checks.append(
                stats.indicator_check(label, timing["computations_s"], timing["sql_aggregate_s"])
            )
        return checks

    # ----------------------------------------------------------------------------------------
    def _mixed(
        self, database: tuple[str, str], options: dict[str, Any], report: dict[str, Any]
    ) -> list[Check]:
        label, url = database
        scenario = options["scenario"]
        users = options["users"] or 16
        duration = options["duration"] or (600.0 if scenario == "soak" else 60.0)
        warmup = 3.0 if options["warmup"] is None else options["warmup"]
        plan = _plan([users], options["spawn_rate"] or users, warmup, duration)
        probed = self._prepare(label, url, options, users)
        restart: tuple[float, float] | None = None
        with Server(url, options["workers"]) as server:
            if scenario == "soak":
                self.stdout.write(f"   mixed load for {duration:.0f} s …")
                samples, windows = server.load("mixed", probed["targets"], plan)
            else:
                samples, windows, restart = server.load_with_restart(
                    probed["targets"], plan, options["restart_command"]
                )
        entry: dict[str, Any] = {
            "url": _redact(url),
            "size": probed["size"],
            "duration_s": duration,
        }
        measured = [s for s in samples if stats.is_page_request(s)]
        window = _window(windows)
        results = {
            page: stats.summarise(page, samples, window)
            for page in PAGES
            if any(s.name == page for s in samples)
        }  # no floor shares: under mixed load every page gets the same number of turns
        self.stdout.write("\n" + stats.markdown_table(f"{label} ({scenario})", results))
        entry["pages"] = stats.as_json(results)
        server_errors = sum(1 for s in measured if s.status >= 500)
        entry["server_errors"] = server_errors
        checks: list[Check] = []
        if scenario == "soak":
            checks.append(
                Check(
                    "no 5xx under mixed load",
                    f"{label}: {duration:.0f} s",
                    str(server_errors),
                    server_errors == 0,
                )
            )
        else:
            assert restart is not None
            acknowledged = [
                s.marker
                for s in samples
                if s.name == "record_save" and s.status == 302 and s.marker
            ]
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                json.dump(acknowledged, handle)
            lost = self._run_probe(url, "lost", "--markers-file", handle.name)["lost"]
            os.unlink(handle.name)
            outage = stats.outage_summary(
                [s for s in measured if s.start >= restart[0] - 5],
                restart,
                len(acknowledged),
                len(lost),
            )
            entry["outage"] = stats.as_json(outage.__dict__)
            entry["outage"]["lost_markers"] = lost[:20]
            self.stdout.write(f"   outage: {outage}")
            checks += stats.outage_checks(outage)
        report["databases"][label] = entry
        return checks


# --------------------------------------------------------------------------------------------
def _plan(
    steps: list[int],
    spawn_rate: float,
    warmup: float,
    duration: float,
    p95_limit: float | None = None,
) -> dict[str, Any]:
    """What the load generator's controller does (``benchmarks/locustfile.py``)."""
    return {
        "steps": steps,
        "spawn_rate": spawn_rate,
        "warmup": warmup,
        "duration": duration,
        "p95_limit": p95_limit,
    }


def _run_time(plan: dict[str, Any]) -> int:
    """An upper bound for locust's ``--run-time``: the controller normally stops it sooner."""
    seconds, previous = 30.0, 0
    for users in plan["steps"]:
        seconds += (users - previous) / plan["spawn_rate"] * 3 + 60
        seconds += plan["warmup"] + plan["duration"] + 5
        previous = users
    return int(seconds)


def _window(windows: list[dict[str, Any]]) -> tuple[float, float]:
    """The first measured window: after the last sign-in and the warm-up, for the duration."""
    for window in windows:
        if window.get("ok"):
            return float(window["start"]), float(window["end"])
    raise CommandError(
        "the users did not all sign in within the time allowed: "
        + ", ".join(f"{w['signed_in']} of {w['users']}" for w in windows)
    )


def _users(count: int) -> str:
    return "1 user" if count == 1 else f"{count} users"


def _mix_line(result: stats.MixResult) -> str:
    return (
        f"{result.requests} requests, {result.errors} failed ({result.server_errors} 5xx), "
        f"p50 {result.p50} ms, p95 {result.p95} ms, p99 {result.p99} ms, {result.rps} req/s"
    )


def _line(result: PageResult) -> str:
    return (
        f"{result.requests} requests, {result.failures} failed, p50 {result.p50} ms, "
        f"p95 {result.p95} ms, p99 {result.p99} ms, {result.rps} req/s"
    )


def _redact(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


def _machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "host": platform.node(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load],
        # Milliseconds of fixed pure-Python work: compare runs on different machines by it.
        "python_reference_ms": stats.machine_reference_ms(),
        "note": "shared machine: gunicorn, PostgreSQL and locust run on the same cores",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn serving Arki with ARKI_ENV=production on a free loopback port."""

    def __init__(
        self, url: str, workers: int, *, collect_static: bool = False, no_access_log: bool = False
    ) -> None:
        self.url, self.workers = url, workers
        self.collect_static, self.no_access_log = collect_static, no_access_log
        self.port = _free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        self.tmp = Path(tempfile.mkdtemp(prefix="arki-bench-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "ARKI_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ARKI_CHECKPOINT_DIR": str(self.tmp / "checkpoints"),
            "ARKI_CHECKPOINT_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "ARKI_REQUIRE_OTP": "false",
            "DATABASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
        }
        self.env.pop("ARKI_BENCH_NO_ACCESS_LOG", None)
        if no_access_log:
            self.env["ARKI_BENCH_NO_ACCESS_LOG"] = "1"

    def __enter__(self) -> Server:
        if self.collect_static:
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                env=self.env,
                cwd=BASE,
                check=True,
            )
        gunicorn = shutil.which("gunicorn", path=str(VENV_BIN)) or "gunicorn"
        self.log = open(self.tmp / "gunicorn.log", "wb")
        self.process = subprocess.Popen(  # noqa: S603
            [
                gunicorn,
                "arki.wsgi:application",
                "--config",
                str(BASE / "benchmarks" / "gunicorn_conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
            ],
            env=self.env,
            cwd=BASE,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready(30)
        return self

    def wait_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise CommandError("gunicorn stopped:\n" + self.log_tail())
            try:
                with urllib.request.urlopen(self.host + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise CommandError("gunicorn did not answer /healthz:\n" + self.log_tail())

    def log_tail(self) -> str:
        self.log.flush()
        return (self.tmp / "gunicorn.log").read_text(errors="replace")[-3000:]

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _locust(
        self, page: str, targets: dict[str, Any], plan: dict[str, Any]
    ) -> tuple[subprocess.Popen[bytes], Path, Path]:
        samples = self.tmp / f"{page}.jsonl"
        log = self.tmp / f"locust-{page}.log"
        # The targets go in a file: thousands of simulated staff do not fit an environment value.
        targets_file = self.tmp / "targets.json"
        targets_file.write_text(json.dumps(targets), encoding="utf-8")
        targets_file.chmod(0o600)
        env = {
            **os.environ,
            "ARKI_BENCH_PAGE": page,
            "ARKI_BENCH_TARGETS_FILE": str(targets_file),
            "ARKI_BENCH_PLAN": json.dumps(plan),
            "ARKI_BENCH_SAMPLES": str(samples),
        }
        env.pop("ARKI_BENCH_TARGETS", None)
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(BASE / "benchmarks" / "locustfile.py"),
            "--headless",
            "--users",
            str(plan["steps"][0]),
            "--spawn-rate",
            f"{plan['spawn_rate']:g}",
            # The controller in the locustfile stops the run after the last window; this is
            # only an upper bound.
            "--run-time",
            f"{_run_time(plan)}s",
            "--host",
            self.host,
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
        ]
        with open(log, "wb") as handle:
            process = subprocess.Popen(  # noqa: S603
                command, env=env, cwd=BASE, stdout=handle, stderr=subprocess.STDOUT
            )
        return process, samples, log

    def _read(self, samples: Path, log: Path) -> tuple[list[Sample], list[dict[str, Any]]]:
        """The requests, and the controller's measuring windows (one per step)."""
        if not samples.exists():
            raise CommandError(
                "locust wrote no samples:\n" + log.read_text(errors="replace")[-3000:]
            )
        requests, windows = [], []
        for line in samples.read_text().splitlines():
            data = json.loads(line)
            if data["name"] == "__window__":
                windows.append(data)
            else:
                requests.append(Sample.from_dict(data))
        if not windows:
            raise CommandError(
                "locust stopped before measuring:\n" + log.read_text(errors="replace")[-3000:]
            )
        return requests, windows

    def load(
        self, page: str, targets: dict[str, Any], plan: dict[str, Any]
    ) -> tuple[list[Sample], list[dict[str, Any]]]:
        process, samples, log = self._locust(page, targets, plan)
        process.wait()
        return self._read(samples, log)

    def load_with_restart(
        self, targets: dict[str, Any], plan: dict[str, Any], restart_command: str
    ) -> tuple[list[Sample], list[dict[str, Any]], tuple[float, float]]:
        """Mixed load; a third of the way in, restart PostgreSQL with the restart command."""
        process, samples, log = self._locust("mixed", targets, plan)
        time.sleep(10 + plan["warmup"] + plan["duration"] / 3)  # after the sign-ins
        begin = time.time()
        subprocess.run(shlex.split(restart_command), check=True)  # noqa: S603
        end = time.time()
        process.wait()
        requests, windows = self._read(samples, log)
        return requests, windows, (begin, end)
