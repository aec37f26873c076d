"""The load generator of `manage.py benchmark` (run by locust, never imported by Django or pytest).

Configured by the command through the environment:

* ``ARKI_BENCH_PAGE``: one page name (every simulated user requests only it), ``mixed`` (every
  page in turn, no pause) or ``day`` (the county's working day, ``benchmarks/day.py``: each
  user one staff member of its own, a page every 10–30 s);
* ``ARKI_BENCH_TARGETS_FILE``: a JSON file with the sign-ins and the records to request;
* ``ARKI_BENCH_PLAN``: JSON ``{"steps": [users, …], "spawn_rate", "warmup", "duration",
  "p95_limit"}``: the controller below waits until every user of a step has signed in, lets
  ``warmup`` seconds pass, measures ``duration`` seconds (a ``__window__`` line in the samples)
  and then starts the next step (more users, the ones running stay) or stops. With
  ``p95_limit`` it stops after the first step that does not hold (``stats.holds``);
* ``ARKI_BENCH_SAMPLES``: where to write one JSON line per request when the run stops.

Sign-ins (Argon2) happen while the users are spawned and are never inside a window.

The server runs with ``ARKI_ENV=production`` on plain-http loopback. A deployment sits behind a
TLS-terminating proxy that sends ``X-Forwarded-Proto: https`` (``SECURE_PROXY_SSL_HEADER``);
the load generator plays that proxy: it sends the header and the https ``Referer`` a browser
would, and keeps the ``Secure`` ``__Host-`` cookies as a browser on https does. Production
settings are used unchanged.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import day, stats
from benchmarks.formdata import form_fields, replace, value_of

PAGE = os.environ.get("ARKI_BENCH_PAGE", "ping")
_targets_file = os.environ.get("ARKI_BENCH_TARGETS_FILE")
TARGETS: dict[str, Any] = (
    json.loads(Path(_targets_file).read_text(encoding="utf-8")) if _targets_file else {}
)
PLAN: dict[str, Any] = json.loads(os.environ.get("ARKI_BENCH_PLAN", "{}"))
SAMPLES: list[dict[str, Any]] = []
WINDOWS: list[dict[str, Any]] = []
READY = [0]  # users whose sign-in is over (succeeded or not)
_numbers = itertools.count()
_controller: list[Any] = []

PATHS = {
    "ping": "/ping/",
    "queue": "/contacts/queue/",
    "network": "/networks/{network}/",
    "indicators": "/indicators/",
    "leadership": "/leadership/meetings/{leadership_meeting}/",
    "directory": "/directory/?q={search}",
    "my_promises": "/meetings/promises/",
    "family_plan": "/family/{token}/",
}
LEADER_PAGES = {"leadership"}
PROFESSIONAL_PAGES = {"my_promises"}
FAMILY_PAGES = stats.FAMILY_PAGES
MIXED = list(stats.MIXED)


def https_cookies(client: Any) -> Any:
    """The client, with its Secure cookies sendable over the loopback hop (as the browser sends
    them on the https side of the proxy). Called before every request, because every response
    may set a cookie again."""
    for cookie in client.cookiejar:
        cookie.secure = False
    return client


def form_body(fields: list[tuple[str, str]]) -> str:
    """A urlencoded form body (repeated names kept, as a browser sends them)."""
    return urlencode(fields)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    response: Any = None,
    exception: Any = None,
    start_time: float | None = None,
    context: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    status = getattr(response, "status_code", 0) or 0
    SAMPLES.append(
        {
            "name": name,
            "start": start_time if start_time is not None else time.time() - response_time / 1000,
            "ms": response_time,
            "status": status,
            "ok": exception is None,
            **(context or {}),
        }
    )


@events.quitting.add_listener
def _write(environment: Any, **kwargs: Any) -> None:
    path = os.environ.get("ARKI_BENCH_SAMPLES")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(
                json.dumps({"name": "__stop__", "start": time.time(), "ms": 0, "ok": True}) + "\n"
            )
            for window in WINDOWS:
                handle.write(json.dumps(window) + "\n")
            for sample in SAMPLES:
                handle.write(json.dumps(sample) + "\n")


@events.test_start.add_listener
def _start_controller(environment: Any, **kwargs: Any) -> None:
    if PLAN and not _controller:
        _controller.append(gevent.spawn(_control, environment))


def _control(environment: Any) -> None:
    """Step through the plan's user counts; measure one window per step after its sign-ins."""
    steps: list[int] = PLAN["steps"]
    spawn_rate = float(PLAN["spawn_rate"])
    warmup, duration = float(PLAN["warmup"]), float(PLAN["duration"])
    limit = PLAN.get("p95_limit")
    previous = 0
    for index, users in enumerate(steps):
        if index:
            environment.runner.start(users, spawn_rate)
        # Sign-ins are slow on purpose (Argon2) and slower still on a loaded machine.
        deadline = time.time() + (users - previous) / spawn_rate * 3 + 60
        while READY[0] < users and time.time() < deadline:
            gevent.sleep(0.2)
        ready = READY[0] >= users
        begin = time.time() + warmup
        if ready:
            gevent.sleep(warmup + duration)
        end = time.time() if ready else begin
        WINDOWS.append(
            {
                "name": "__window__",
                "start": begin,
                "end": end,
                "ms": 0,
                "ok": ready,
                "users": users,
                "signed_in": READY[0],
            }
        )
        previous = users
        if not ready:
            break
        if limit is not None:
            chosen = [stats.Sample.from_dict(s) for s in SAMPLES if begin <= s["start"] < end]
            if not stats.holds(stats.summarise_mix(chosen, (begin, end), users), float(limit)):
                break
    environment.runner.quit()


class ArkiUser(FastHttpUser):
    """A signed-in staff member requesting one page (or a mix) without pause, or on the county's
    working day a page every 10–30 s.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares
    the two cores with the server, and the fast client spends several times less CPU per request.
    """

    default_headers = {"X-Forwarded-Proto": "https", "Accept-Language": "fi"}
    wait_time = between(*day.THINK_TIME_S) if PAGE == "day" else constant(0)
    form: list[tuple[str, str]] | None = None  # the record form's fields, for the next save
    meeting: int | None = None  # the meeting whose record this user saves

    def on_start(self) -> None:
        self.number = next(_numbers)
        try:
            if PAGE == "day":
                self.start_day()
            else:
                self.start_pages()
        finally:
            READY[0] += 1

    def start_day(self) -> None:
        """One staff member of its own (``day.py``), with its own records, signed in once."""
        self.origin = (self.host or "").replace("http://", "https://", 1)
        personas = TARGETS["personas"]
        self.persona: dict[str, Any] = personas[self.number % len(personas)]
        mix = day.mix_for(self.persona)
        self.day_pages, self.day_weights = list(mix), list(mix.values())
        self.random = random.Random(self.number)  # noqa: S311 - load mix, not security
        self.meeting = self.persona.get("meeting") or None
        self.form = None
        self.saves = 0
        self.sign_in({"email": self.persona["email"], "password": TARGETS["password"]})

    def start_pages(self) -> None:
        self.origin = (self.host or "").replace("http://", "https://", 1)
        self.pages = MIXED if PAGE == "mixed" else [PAGE]
        # Each user starts at another page of the cycle and then requests every page in turn.
        start = self.number % len(self.pages)
        self.page_cycle = itertools.cycle(self.pages[start:] + self.pages[:start])
        role = "leader" if PAGE in LEADER_PAGES else "coordinator"
        if PAGE in PROFESSIONAL_PAGES:
            role = "professional"
        if PAGE == "mixed":
            role = "coordinator"
        self.family_token = ""
        if PAGE in FAMILY_PAGES:
            links = TARGETS["family_links"]
            self.open_family_link(links[self.number % len(links)])
        else:
            self.sign_in(TARGETS["users"][role])
        if PAGE == "mixed":
            self.professional = self.other_client(TARGETS["users"]["professional"])
            self.leader = type(self.client)(
                base_url=self.host,
                request_event=self.environment.events.request,
                user=self,
                headers=self.default_headers,
            )
            self.sign_in(TARGETS["users"]["leader"], self.leader)
        meetings = TARGETS.get("meetings") or []
        self.meeting = meetings[self.number % len(meetings)] if meetings else None
        self.form = None
        self.saves = 0

    def other_client(self, who: dict[str, str]) -> Any:
        """A second browser of this simulated user, signed in as another staff member."""
        client = type(self.client)(
            base_url=self.host,
            request_event=self.environment.events.request,
            user=self,
            headers=self.default_headers,
        )
        self.sign_in(who, client)
        return client

    def open_family_link(self, link: dict[str, str]) -> None:
        """A family member opens their personal link and enters its one-time code (counted as
        a sign-in: not measured)."""
        self.family_token = link["token"]
        url = f"/family/{link['token']}/"
        page = https_cookies(self.client).get(url, name="sign-in form")
        fields = replace(form_fields(page.text, "code"), "code", link["code"])
        with https_cookies(self.client).post(
            url,
            data=form_body(fields),
            name="sign-in",
            headers={**FORM, "Referer": self.origin + url},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"code refused: {response.status_code}")
                raise RuntimeError(f"family code refused: {response.status_code}")

    def sign_in(self, who: dict[str, str], client: Any = None) -> None:
        client = client or self.client
        page = https_cookies(client).get("/accounts/login/", name="sign-in form")
        fields = form_fields(page.text, "password")
        fields = replace(fields, "username", who["email"])
        fields = replace(fields, "password", who["password"])
        with https_cookies(client).post(
            "/accounts/login/",
            data=form_body(fields),
            name="sign-in",
            headers={**FORM, "Referer": self.origin + "/accounts/login/"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused: {response.status_code}")
                raise RuntimeError(f"sign-in refused for {who['email']}: {response.status_code}")

    @task
    def request_page(self) -> None:
        if PAGE == "day":
            self.day_page()
            return
        page = next(self.page_cycle)
        if page == "record_save":
            self.save_record()
            return
        client = self.client
        if PAGE == "mixed" and page in LEADER_PAGES:
            client = self.leader
        elif PAGE == "mixed" and page in PROFESSIONAL_PAGES:
            client = self.professional
        path = PATHS[page].format(**TARGETS, token=self.family_token)
        with https_cookies(client).get(
            path, name=page, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def day_page(self) -> None:
        page = self.random.choices(self.day_pages, self.day_weights)[0]
        if page == "record":
            self.load_form()
            return
        if page == "record_save":
            self.save_record()
            return
        path = day.PATHS[page].format(**{"search": TARGETS.get("search", ""), **self.persona})
        with https_cookies(self.client).get(
            path, name=page, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    def load_form(self) -> None:
        """The meeting-record form (``record``); a save posts what it offers."""
        url = f"/meetings/{self.meeting}/record/"
        with https_cookies(self.client).get(url, name="record", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                self.form = None
                return
            self.form = form_fields(response.text, "version")

    def save_record(self) -> None:
        """POST the meeting record with a new family view; the version comes from the form."""
        if self.meeting is None:
            return
        if self.form is None:
            self.load_form()
            if self.form is None:
                return
        self.saves += 1
        marker = f"bench {TARGETS.get('run', '')} u{self.number} s{self.saves}"
        data = replace(self.form, "family_view", marker)
        url = f"/meetings/{self.meeting}/record/"
        with https_cookies(self.client).post(
            url,
            data=form_body(data),
            name="record_save",
            headers={**FORM, "Referer": self.origin + url},
            allow_redirects=False,
            catch_response=True,
            context={"marker": marker},
        ) as response:
            if response.status_code == 302:
                version = int(value_of(self.form, "version")) + 1
                self.form = replace(self.form, "version", str(version))
                return
            # A stale version (someone else saved) or an error: load the form again next time.
            self.form = None
            response.failure(f"not saved: HTTP {response.status_code}")
