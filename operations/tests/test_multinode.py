"""Two app nodes, two workers and two schedulers against one PostgreSQL (issue #20).

As on two app servers (docs/operations.md, *Running on a PostgreSQL cluster with several app
servers*): two gunicorn processes on their own ports with deploy/gunicorn.conf.py, two
``manage.py db_worker`` and two ``manage.py scheduler`` loops, all against one fresh database. The public contact form is sent
through both nodes (one form twice, once to each node); then the test proves:

* every email was sent exactly once — one outbox row per coordinator and contact, each sent on
  its first attempt by one delivery task that one worker ran, and one message per row in the
  file backend's output (which both workers write to);
* each periodic task was enqueued at most once per scheduling period although two schedulers
  ran, and each enqueued run was run by exactly one worker;
* both nodes serve the same data: /healthz, /readyz, the database series of /metrics, and a
  coordinator's queue page signed in on one node and read on the other (shared sessions).

Runs only on PostgreSQL (the advisory lock and ``SKIP LOCKED`` are what is being proven); it
creates its own database ``arki_multinode_<random>`` and drops it afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_string
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (DATABASE_URL=postgres://…): advisory locks and SKIP LOCKED",
)

INTERVAL = 4  # the schedulers' period in seconds (ARKI_SCHEDULER_INTERVAL)
PERIODS = 3  # how many periods the schedulers run for
CONTACTS = 6  # public contact forms sent, alternating between the nodes
COORDINATORS = 3  # each contact emails every coordinator of the area
METRICS_TOKEN = "multinode-metrics-token-" + "x" * 16
PASSWORD = "a-long-enough-test-password-1"
BIN = Path(sys.executable).parent
TASKS = DBTaskResult._meta.db_table

SETUP = """
import itertools
import json
from accounts.models import Membership, User
from audit.roles import Role
from directory.models import Area
from programmes.models import Programme
area = Area.objects.create(code="pohjoinen", name="Pohjoinen", municipality="Oulu")
for number in range(COORDINATORS):
    user = User.objects.create_user(
        f"coordinator{number}@example.fi", PASSWORD, full_name=f"Coordinator {number}"
    )
    Membership.objects.create(user=user, role=Role.COORDINATOR, area=area)
programme = Programme.objects.filter(is_active=True).order_by("order", "code").first()
print(json.dumps({"area": area.pk, "programme": programme.pk,
                  "children": programme.concerns_children}))
"""


def tasks_query(text: str) -> Any:
    """A query on django-tasks-db's table (its name comes from the model)."""
    from psycopg import sql

    return sql.SQL(text).format(sql.Identifier(TASKS))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def admin_connection(dbname: str) -> Any:
    import psycopg

    config = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or None,
        autocommit=True,
    )


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database of its own (never `test` or `test_test`), dropped afterwards."""
    name = f"arki_multinode_{secrets.token_hex(4)}"
    with admin_connection("postgres") as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin_connection("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    config = connection.settings_dict
    user = config["USER"] or "postgres"
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    host = config["HOST"] or "127.0.0.1"
    port = config["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


class Processes:
    """The started processes, their logs, and stopping them all."""

    def __init__(self, directory: Path, environment: dict[str, str]) -> None:
        self.directory = directory
        self.environment = environment
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, command: list[str], **extra: str) -> subprocess.Popen[bytes]:
        log = (self.directory / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env={**self.environment, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.log(name)[-3000:]}" for name in self.started)

    def stop(self, *names: str) -> None:
        """SIGTERM to each (and its children), then SIGKILL what has not stopped in 15 s."""
        running = [self.started[name] for name in names if self.started[name].poll() is None]
        for process in running:
            os.killpg(process.pid, signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def stop_all(self) -> None:
        self.stop(*self.started)


def manage(environment: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {arguments[0]}: {result.stdout}{result.stderr}"
    return result.stdout


def wait_until(condition: Any, seconds: float, what: str, processes: Processes) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{processes.logs()}")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no {name} field in the form"
    return match.group(1)


def database_series(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """The series read from the database (the same on every node), minus the ages that move."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name
        in {
            "arki_database_up",
            "arki_task_queue_depth",
            "arki_scheduled_task_last_success_timestamp_seconds",
            "arki_scheduled_task_last_enqueued_timestamp_seconds",
        }
    }


def stable_page(html: str) -> str:
    """A page without what differs per response: CSP nonces and CSRF tokens."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_two_nodes_two_workers_two_schedulers_give_no_duplicates(
    database: str, tmp_path: Path
) -> None:
    started_at = time.monotonic()
    mail_dir = tmp_path / "mail"
    environment = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",  # the schedulers' "enqueued …" lines reach their logs
        "DJANGO_SETTINGS_MODULE": "arki.settings",
        "ARKI_ENV": "local",
        "DATABASE_URL": database_url(database),
        # One secret for every node, as in production (signed form stamps, sessions).
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ARKI_LOCAL_DIR": str(tmp_path / "local"),
        "EMAIL_URL": f"file:{mail_dir}",
        "ARKI_LOG_FORMAT": "text",
        "ARKI_REQUIRE_OTP": "false",
        "ARKI_METRICS_TOKEN": METRICS_TOKEN,
        "ARKI_SCHEDULER_INTERVAL": str(INTERVAL),
        "ARKI_PUBLIC_CONTACT_MIN_SECONDS": "0",
        "ARKI_PUBLIC_CONTACTS_PER_IP_PER_HOUR": "1000",
        "ARKI_PUBLIC_CONTACTS_PER_AREA_PER_HOUR": "1000",
        "WEB_CONCURRENCY": "2",
    }
    manage(environment, "migrate", "--no-input", "-v", "0")
    manage(environment, "load_configuration")
    setup = SETUP.replace("COORDINATORS", str(COORDINATORS)).replace("PASSWORD", repr(PASSWORD))
    ids = json.loads(manage(environment, "shell", "-c", setup).strip().splitlines()[-1])

    processes = Processes(tmp_path, environment)
    ports = [free_port(), free_port()]
    nodes = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for number, port in enumerate(ports):
            multiproc = tmp_path / f"prometheus{number}"
            multiproc.mkdir()
            processes.start(
                f"web{number}",
                [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "arki.wsgi:application"],
                ARKI_BIND=f"127.0.0.1:{port}",
                PROMETHEUS_MULTIPROC_DIR=str(multiproc),
            )
        for number in range(2):
            processes.start(
                f"worker{number}",
                [
                    *(sys.executable, "manage.py", "db_worker", "--interval", "0.2"),
                    *("--no-startup-delay", "--worker-id", f"worker{number}"),
                ],
            )
        for number in range(2):
            processes.start(f"scheduler{number}", [sys.executable, "manage.py", "scheduler"])
        schedulers_started = time.monotonic()
        wait_until(
            lambda: all(answers(f"{node}/healthz") for node in nodes), 40, "both nodes", processes
        )

        # The public contact form through both nodes: opened on one, sent to the other.
        contacted_by = "parent" if ids["children"] else "client"
        tokens = []
        for number in range(CONTACTS):
            session = requests.Session()
            form_node, post_node = nodes[number % 2], nodes[(number + 1) % 2]
            page = session.get(f"{form_node}/contacts/public/", timeout=10)
            assert page.status_code == 200
            data = {
                "csrfmiddlewaretoken": hidden(page.text, "csrfmiddlewaretoken"),
                "opened": hidden(page.text, "opened"),
                "submission_token": hidden(page.text, "submission_token"),
                "area": str(ids["area"]),
                "programme": str(ids["programme"]),
                "contacted_by": contacted_by,
                "concern": f"Tarvitsemme apua {number}",
                "phone": "040 123 4567",
                "consent_to_contact": "on",
                "website": "",
            }
            tokens.append(data["submission_token"])
            sent = session.post(
                f"{post_node}/contacts/public/",
                data=data,
                headers={"Referer": f"{post_node}/contacts/public/"},
                allow_redirects=False,
                timeout=10,
            )
            assert sent.status_code == 302, sent.text[:2000]
            if number == 0:  # the same form sent again, to the other node: recorded once
                again = session.post(
                    f"{form_node}/contacts/public/",
                    data=data,
                    headers={"Referer": f"{form_node}/contacts/public/"},
                    allow_redirects=False,
                    timeout=10,
                )
                assert again.status_code == 302

        # Let the schedulers run for PERIODS periods, then stop them and let the queue drain.
        remaining = PERIODS * INTERVAL - (time.monotonic() - schedulers_started) + 1
        time.sleep(max(0.0, remaining))
        processes.stop("scheduler0", "scheduler1")

        with admin_connection(database) as db:

            def drained() -> bool:
                row = db.execute(
                    tasks_query("SELECT count(*) FROM {} WHERE status IN ('READY', 'RUNNING')")
                ).fetchone()
                return bool(row and row[0] == 0)

            wait_until(drained, 30, "the task queue to drain", processes)

            # Both nodes serve the same data.
            health = [requests.get(f"{node}/healthz", timeout=10) for node in nodes]
            assert [h.status_code for h in health] == [200, 200]
            assert health[0].json() == health[1].json()
            ready = [requests.get(f"{node}/readyz", timeout=10).json() for node in nodes]
            assert ready[0]["status"] == ready[1]["status"] == "ok", ready
            assert {job: s["status"] for job, s in ready[0]["scheduler"]["jobs"].items()} == {
                job: s["status"] for job, s in ready[1]["scheduler"]["jobs"].items()
            }
            scrapes = [
                requests.get(
                    f"{node}/metrics",
                    headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
                    timeout=10,
                )
                for node in nodes
            ]
            assert [s.status_code for s in scrapes] == [200, 200]
            shared = [database_series(s.text) for s in scrapes]
            assert shared[0] == shared[1]
            assert shared[0][("arki_database_up", frozenset())] == 1

            signed_in = requests.Session()
            login = signed_in.get(f"{nodes[0]}/accounts/login/", timeout=10)
            signed = signed_in.post(
                f"{nodes[0]}/accounts/login/",
                data={
                    "csrfmiddlewaretoken": hidden(login.text, "csrfmiddlewaretoken"),
                    "username": "coordinator0@example.fi",
                    "password": PASSWORD,
                },
                headers={"Referer": f"{nodes[0]}/accounts/login/"},
                allow_redirects=False,
                timeout=10,
            )
            assert signed.status_code == 302, signed.text[:2000]
            pages = [signed_in.get(f"{node}/contacts/queue/", timeout=10) for node in nodes]
            assert [p.status_code for p in pages] == [200, 200]  # the session, on both nodes
            assert stable_page(pages[0].text) == stable_page(pages[1].text)

            # One contact per form, however many nodes it was sent to.
            row = db.execute("SELECT count(*) FROM contacts_contact").fetchone()
            assert row is not None and row[0] == CONTACTS

            # Every email sent once: one outbox row per contact and coordinator, sent on its
            # first attempt by one delivery task run by one worker ...
            emails = db.execute(
                "SELECT id, status, attempts, sent_at FROM notifications_outgoingemail"
            ).fetchall()
            assert len(emails) == CONTACTS * COORDINATORS
            assert {(status, attempts) for _id, status, attempts, _sent in emails} == {("sent", 1)}
            deliveries = db.execute(
                tasks_query(
                    "SELECT args_kwargs, status, worker_ids FROM {}"
                    " WHERE task_path = 'notifications.tasks.deliver_email'"
                )
            ).fetchall()
            delivered = Counter(args["kwargs"]["outgoing_email_id"] for args, _s, _w in deliveries)
            assert delivered == Counter({email_id: 1 for email_id, *_rest in emails})
            assert {status for _a, status, _w in deliveries} == {"SUCCESSFUL"}
            assert all(len(workers) == 1 for _a, _s, workers in deliveries)
            # ... and one message per row in what the mail backend wrote, CONTACTS to each.
            messages = [
                message_from_string(part.strip())
                for path in sorted(mail_dir.iterdir())
                for part in path.read_text().split("-" * 79)
                if part.strip()
            ]
            assert len(messages) == len(emails)
            assert len({m["Message-ID"] for m in messages}) == len(messages)
            assert Counter(m["To"] for m in messages) == Counter(
                {f"coordinator{n}@example.fi": CONTACTS for n in range(COORDINATORS)}
            )

            # Each periodic task enqueued at most once per period by the two schedulers, and
            # each run taken by one worker.
            runs = db.execute(
                tasks_query(
                    "SELECT task_path, enqueued_at, status, worker_ids FROM {}"
                    " WHERE task_path <> 'notifications.tasks.deliver_email' ORDER BY enqueued_at"
                )
            ).fetchall()
            periodic = [*settings.ARKI_PERIODIC_TASKS, "operations.tasks.worker_heartbeat"]
            by_task: dict[str, list[Any]] = {path: [] for path in periodic}
            for path, enqueued_at, status, workers in runs:
                assert path in by_task, path
                assert (status, len(workers)) == ("SUCCESSFUL", 1), (path, status, workers)
                by_task[path].append(enqueued_at)
            counts = {path: len(times) for path, times in by_task.items()}
            assert len(set(counts.values())) == 1, counts  # every task in every run
            assert 2 <= counts[periodic[0]] <= PERIODS + 1, counts
            for path, times in by_task.items():
                for earlier, later in itertools.pairwise(times):
                    assert later - earlier >= timedelta(seconds=INTERVAL / 2 - 0.5), (path, times)
            lines = Counter(
                line.split()[1]
                for name in ("scheduler0", "scheduler1")
                for line in processes.log(name).splitlines()
                if line.startswith("enqueued ")
            )
            assert lines == Counter(counts)
            workers = {w for _p, _e, _s, ws in runs for w in ws} | {
                w for _a, _s, ws in deliveries for w in ws
            }
            assert workers <= {"worker0", "worker1"}
    finally:
        processes.stop_all()
    assert time.monotonic() - started_at < 90
