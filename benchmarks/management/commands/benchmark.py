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

from benchmarks import stats
from benchmarks.stats import Check, PageResult, Sample

PAGES = [
    "ping",
    "queue",
    "network",
    "record_save",
    "indicators",
    "leadership",
    "directory",
    "my_promises",
    "family_plan",
]
SIGN_IN = {"sign-in form", "sign-in"}
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
            "--duration", type=float, help="seconds per page (default 60; soak 600)"
        )
        parser.add_argument("--users", type=int, default=16, help="concurrent users (16)")
        parser.add_argument(
            "--pages", default=",".join(PAGES), help=f"comma-separated ({','.join(PAGES)})"
        )
        parser.add_argument("--output", default="docs/benchmarks/latest.json")
        parser.add_argument(
            "--scenario", choices=["pages", "soak", "outage"], default="pages", help="(pages)"
        )
        parser.add_argument(
            "--indicators",
            action="store_true",
            help="time the indicator recomputation against one SQL aggregate instead",
        )
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
        parser.add_argument("--warmup", type=float, default=3.0, help="seconds not measured (3)")
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
        parser.add_argument("--probe", choices=["targets", "indicators", "lost"], help=SUPPRESS)
        parser.add_argument("--targets-json", help=SUPPRESS)
        parser.add_argument("--markers-file", help=SUPPRESS)

    # ----------------------------------------------------------------------------------------
    def handle(self, *args: Any, **options: Any) -> None:
        if options["probe"]:
            self._probe(options)
            return
        databases = self._databases(options["database_url"])
        started = datetime.now(UTC)
        report: dict[str, Any] = {
            "started": started.isoformat(timespec="seconds"),
            "machine": _machine(),
            "scenario": "indicators" if options["indicators"] else options["scenario"],
            "users": options["users"],
            "databases": {},
            "checks": [],
        }
        if options["indicators"]:
            checks = self._indicators(databases, report)
        elif options["scenario"] == "pages":
            checks = self._pages(databases, options, report)
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

    def _prepare(self, label: str, url: str, options: dict[str, Any]) -> dict[str, Any]:
        self.stdout.write(f"\n== {label}: finding targets, counting SQL queries per page ==")
        extra = ["--users", str(options["users"]), "--search", options["search"]]
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
        pages = [p.strip() for p in options["pages"].split(",") if p.strip()]
        unknown = set(pages) - set(PAGES)
        if unknown:
            raise CommandError(f"unknown pages: {', '.join(sorted(unknown))}")
        if stats.FLOOR not in pages:
            pages.insert(0, stats.FLOOR)
        duration = options["duration"] or 60.0
        checks: list[Check] = []
        all_results: list[tuple[str, dict[str, PageResult]]] = []
        queries: dict[str, dict[str, int]] = {}
        static_done = False
        for label, url in databases:
            probed = self._prepare(label, url, options)
            targets = probed["targets"]
            queries[label] = probed["queries"]
            results: dict[str, PageResult] = {}
            extra_runs: dict[str, Any] = {}
            with Server(url, options["workers"], collect_static=not static_done) as server:
                static_done = True
                for page in pages:
                    samples = server.load(page, targets, options["users"], duration, options)
                    results[page] = _summary(page, samples, options["warmup"], duration)
                    results[page].queries = probed["queries"].get(page)
                    self.stdout.write(f"   {page}: {_line(results[page])}")
            if "network" in pages and not options["no_access_log_check"]:
                # Alternate (with, without, with, without) so that a drift of the shared
                # machine during the run does not favour either side.
                with_log: list[PageResult] = [results["network"]]
                without_log: list[PageResult] = []
                for no_access_log in (True, False, True):
                    with Server(url, options["workers"], no_access_log=no_access_log) as server:
                        samples = server.load(
                            "network", targets, options["users"], duration, options
                        )
                        run = _summary("network", samples, options["warmup"], duration)
                    (without_log if no_access_log else with_log).append(run)
                    kind = "without" if no_access_log else "with"
                    self.stdout.write(f"   network {kind} the access-log write: {_line(run)}")
                extra_runs["network_access_log_runs"] = {
                    "with": stats.as_json(with_log),
                    "without": stats.as_json(without_log),
                }
                checks.append(stats.access_log_check(label, with_log, without_log))
            stats.with_floor_shares(results)
            self.stdout.write("\n" + stats.markdown_table(label, results))
            checks += stats.page_checks(label, results)
            all_results.append((label, results))
            report["databases"][label] = {
                "url": _redact(url),
                "size": probed["size"],
                "targets": {k: v for k, v in targets.items() if k != "users"},
                "duration_s": duration,
                "pages": stats.as_json(results),
                **extra_runs,
            }
        checks += stats.query_checks(queries)
        if len(all_results) >= 2:
            small = next((r for r in all_results if r[0] == "pilot"), all_results[0])
            large = next((r for r in all_results if r[0] == "county"), all_results[-1])
            checks += stats.scale_checks(small, large)
        else:
            checks.append(Check("p95 grows < 1.5× with 10× the data", "one scale given", "–", None))
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
        duration = options["duration"] or (600.0 if scenario == "soak" else 60.0)
        probed = self._prepare(label, url, options)
        restart: tuple[float, float] | None = None
        with Server(url, options["workers"]) as server:
            if scenario == "soak":
                self.stdout.write(f"   mixed load for {duration:.0f} s …")
                samples = server.load(
                    "mixed", probed["targets"], options["users"], duration, options
                )
            else:
                samples, restart = server.load_with_restart(
                    probed["targets"], options["users"], duration, options
                )
        entry: dict[str, Any] = {
            "url": _redact(url),
            "size": probed["size"],
            "duration_s": duration,
        }
        measured = [s for s in samples if s.name not in SIGN_IN]
        results = {
            page: _summary(page, samples, options["warmup"], duration)
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
def _summary(page: str, samples: list[Sample], warmup: float, duration: float) -> PageResult:
    """The page's figures over the window: from the last sign-in + warm-up, for ``duration``."""
    signed_in = [s.start + s.ms / 1000 for s in samples if s.name in SIGN_IN]
    stop = max((s.start for s in samples if s.name == "__stop__"), default=None)
    begin = (max(signed_in) if signed_in else min(s.start for s in samples)) + warmup
    end = begin + duration
    if stop is not None:
        end = min(end, stop)
    return stats.summarise(page, samples, (begin, end))


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
        self,
        page: str,
        targets: dict[str, Any],
        users: int,
        duration: float,
        options: dict[str, Any],
    ) -> tuple[subprocess.Popen[bytes], Path, Path]:
        samples = self.tmp / f"{page}.jsonl"
        log = self.tmp / f"locust-{page}.log"
        # Sign-ins (Argon2) come first and are not measured: allow them 10 s.
        run_time = int(options["warmup"] + duration + 10)
        env = {
            **os.environ,
            "ARKI_BENCH_PAGE": page,
            "ARKI_BENCH_TARGETS": json.dumps(targets),
            "ARKI_BENCH_SAMPLES": str(samples),
        }
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(BASE / "benchmarks" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{run_time}s",
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

    def _read(self, samples: Path, log: Path) -> list[Sample]:
        if not samples.exists():
            raise CommandError(
                "locust wrote no samples:\n" + log.read_text(errors="replace")[-3000:]
            )
        return [Sample.from_dict(json.loads(line)) for line in samples.read_text().splitlines()]

    def load(
        self,
        page: str,
        targets: dict[str, Any],
        users: int,
        duration: float,
        options: dict[str, Any],
    ) -> list[Sample]:
        process, samples, log = self._locust(page, targets, users, duration, options)
        process.wait()
        return self._read(samples, log)

    def load_with_restart(
        self, targets: dict[str, Any], users: int, duration: float, options: dict[str, Any]
    ) -> tuple[list[Sample], tuple[float, float]]:
        """Mixed load; a third of the way in, restart PostgreSQL with the restart command."""
        process, samples, log = self._locust("mixed", targets, users, duration, options)
        time.sleep(10 + options["warmup"] + duration / 3)  # after the sign-ins
        begin = time.time()
        subprocess.run(shlex.split(options["restart_command"]), check=True)  # noqa: S603
        end = time.time()
        process.wait()
        return self._read(samples, log), (begin, end)
