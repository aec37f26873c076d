"""The Django side of the load benchmark, run against one database at a time.

* :func:`find_targets`: which records the simulated users request (a network the coordinator
  coordinates, meetings with a record to save, a leadership meeting, a search word);
* :func:`find_day_targets`: one staff account and its own records per simulated user of the
  county's working day (``benchmarks/day.py``), checked to be pages its role may open;
* :func:`count_queries`: SQL queries per page, through Django's test client and
  ``CaptureQueriesContext`` on the same database;
* :func:`time_indicators`: all computed indicators for all areas and periods against one
  hand-written SQL ``GROUP BY`` over the same events;
* :func:`lost_writes`: which acknowledged meeting-record saves are not in the database.
"""

from __future__ import annotations

import statistics
import time
from collections import deque
from typing import Any

from django.db import connection
from django.db.models import Max
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.formdata import form_fields, replace

COORDINATORS = ("coordinator@scale.arki.invalid", "coordinator@demo.arki.invalid")
LEADERS = ("leader@scale.arki.invalid", "leader@demo.arki.invalid")
PROFESSIONALS = ("professional@scale.arki.invalid", "professional@demo.arki.invalid")


def _first_user(emails: tuple[str, ...], given: str | None) -> Any:
    from accounts.models import User

    for email in [given] if given else emails:
        user = User.objects.filter(email=email, is_active=True).first()
        if user is not None:
            return user
    raise LookupError(f"no active user among {', '.join([given] if given else emails)}")


def family_links(coordinator: Any, users: int) -> list[dict[str, str]]:
    """Personal links (token and one-time code) for family members of the coordinator's open
    networks, one per simulated user: each opens its own link as a parent on a phone does.

    The links are created here (the benchmark writes to the database it measures)."""
    from family.services import create_link

    members = _family_members(coordinator, users)
    links = []
    for member in members:
        issued = create_link(participant=member, by=coordinator)
        links.append({"token": issued.token, "code": issued.code})
    if not links:
        raise LookupError(f"{coordinator.email} coordinates no open network with a family member")
    return links


def _family_members(coordinator: Any, users: int) -> list[Any]:
    """Family members of the coordinator's open networks, those with a meeting coming first:
    their plan shows the most (the next meeting and the family's preparation for it), and the
    query count (the first link) then opens such a plan at every scale."""
    from django.db.models import Exists, OuterRef

    from networks.consent import receiving
    from networks.models import Meeting, MeetingStatus, NetworkStatus, Participant

    coming = Meeting.objects.filter(
        network=OuterRef("network"), status=MeetingStatus.PLANNED, starts_at__gt=timezone.now()
    )
    return list(
        receiving(
            Participant.objects.filter(
                network__coordinator=coordinator,
                kind__is_family=True,
                user__isnull=True,
                network__status__in=[NetworkStatus.CONVENING, NetworkStatus.ACTIVE],
            )
        )
        .annotate(meeting_coming=Exists(coming))
        .order_by("-meeting_coming", "network_id", "pk")[:users]
    )


def find_targets(
    *, coordinator: str | None, leader: str | None, search: str, users: int
) -> dict[str, Any]:
    from leadership.models import TeamMeeting
    from leadership.views import teams_for
    from meetings.models import MeetingRecord
    from networks.models import MeetingStatus, Network, NetworkStatus

    coordinator_user = _first_user(COORDINATORS, coordinator)
    leader_user = _first_user(LEADERS, leader)
    professional_user = _first_user(PROFESSIONALS, None)
    open_networks = Network.objects.filter(coordinator=coordinator_user).exclude(
        status=NetworkStatus.CLOSED
    )
    records = (
        MeetingRecord.objects.filter(
            meeting__network__in=open_networks,
            meeting__starts_at__lte=timezone.now(),
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by("meeting_id")
    )
    meetings = list(records.values_list("meeting_id", flat=True)[:users])
    if not meetings:
        raise LookupError(f"{coordinator_user.email} coordinates no open network with a record")
    # The network page: the network of the first meeting to save (it has a record and goals).
    network = records.first().meeting.network_id  # type: ignore[union-attr]
    teams = teams_for(leader_user)
    past = TeamMeeting.objects.filter(team__in=teams, starts_at__lte=timezone.now())
    leadership_meeting = (
        past.order_by("-starts_at").first()
        or TeamMeeting.objects.filter(team__in=teams).order_by("starts_at").first()
    )
    if leadership_meeting is None:
        raise LookupError(f"{leader_user.email} has no leadership meeting")
    return {
        "users": {
            "coordinator": {"email": coordinator_user.email},
            "leader": {"email": leader_user.email},
            "professional": {"email": professional_user.email},
        },
        # One more than users: the query count opens the first one.
        "family_links": family_links(coordinator_user, users + 1),
        "network": network,
        "meetings": meetings,
        "leadership_meeting": leadership_meeting.pk,
        "search": search,
    }


def _open_networks() -> Any:
    from networks.models import Network, NetworkStatus

    return Network.objects.exclude(status=NetworkStatus.CLOSED)


def _coordinator_meetings(now: Any) -> dict[Any, list[tuple[int, int]]]:
    """Coordinator → (meeting, network) of past meetings with a record in the open networks it
    is named coordinator of and may record (its area and programme), oldest meeting first."""
    from accounts.models import User
    from audit.policy import MeetingAction
    from audit.roles import Role
    from meetings.models import MeetingRecord
    from networks.access import may
    from networks.models import MeetingStatus

    pools: dict[Any, list[tuple[int, int]]] = {}
    coordinators = (
        User.objects.filter(is_active=True, memberships__role=Role.COORDINATOR)
        .distinct()
        .order_by("email")
        .prefetch_related("memberships")
    )
    for user in coordinators:
        rows = (
            MeetingRecord.objects.filter(
                meeting__network__in=_open_networks().filter(coordinator=user),
                meeting__starts_at__lte=now,
            )
            .exclude(meeting__status=MeetingStatus.CANCELLED)
            .order_by("meeting_id")
            .values_list("meeting_id", "meeting__network_id")
        )
        allowed: dict[int, bool] = {}
        pool = []
        for meeting, network_id in rows:
            if network_id not in allowed:
                network = _open_networks().get(pk=network_id)
                allowed[network_id] = may(user, network, MeetingAction.RECORD)
            if allowed[network_id]:
                pool.append((meeting, network_id))
        if pool:
            pools[user] = pool
    return pools


def _professional_networks(wanted: int) -> list[tuple[Any, int]]:
    """Up to ``wanted`` professionals, each with an open network it participates in and may read
    (consent standing, no ban naming it)."""
    from accounts.models import User
    from audit.policy import NetworkAction
    from audit.roles import Role
    from networks.access import may
    from networks.models import Participant

    rows = (
        Participant.objects.filter(
            user__is_active=True,
            user__memberships__role=Role.PROFESSIONAL,
            removed_at__isnull=True,
            network__in=_open_networks(),
        )
        .order_by("user_id", "network_id")
        .values_list("user_id", "network_id")
        .distinct()
    )
    found: list[tuple[Any, int]] = []
    done: set[int] = set()
    for user_id, network_id in rows:
        if len(found) >= wanted:
            break
        if user_id in done:
            continue
        user = User.objects.prefetch_related("memberships").get(pk=user_id)
        if may(user, _open_networks().get(pk=network_id), NetworkAction.READ):
            found.append((user, network_id))
            done.add(user_id)
    return found


def _leaders(now: Any) -> list[tuple[Any, int]]:
    """Leadership members in a team, each with its team's latest past meeting (else the next)."""
    from accounts.models import User
    from audit.roles import Role
    from leadership.models import TeamMeeting, TeamMember
    from leadership.views import teams_for

    found = []
    leaders = User.objects.filter(
        is_active=True,
        memberships__role=Role.LEADERSHIP_MEMBER,
        pk__in=TeamMember.objects.filter(is_active=True).values("user_id"),
    )
    for user in leaders.distinct().order_by("email"):
        meetings = TeamMeeting.objects.filter(team__in=teams_for(user))
        meeting = (
            meetings.filter(starts_at__lte=now).order_by("-starts_at").first()
            or meetings.order_by("starts_at").first()
        )
        if meeting is not None:
            found.append((user, meeting.pk))
    return found


def find_day_targets(*, users: int, search: str) -> dict[str, Any]:
    """One simulated staff member per user of the county's working day (``benchmarks/day.py``).

    Different users are different accounts as far as the data has them (then the accounts are
    used again, round). Every coordinator user gets a meeting of its own to save, from the open
    networks its account coordinates, so no two users ever save the same record (an
    optimistic-lock conflict would be a failure); when the data has fewer such meetings than
    coordinator users, the rest open no record form. Roles the data lacks are played by
    coordinators. The first user of each role opens each of its pages once here through
    Django's test client (each must answer 200); the queries of those requests are counted.
    """
    from benchmarks import day

    now = timezone.now()
    roles = day.roles_for(users)
    pools = _coordinator_meetings(now)
    if not pools:
        raise LookupError("no coordinator has an open network with a meeting record")
    professionals = _professional_networks(roles.count(day.PROFESSIONAL))
    leaders = _leaders(now)
    coordinators = list(pools)
    first_network = {account: pool[0][1] for account, pool in pools.items()}
    waiting = deque(coordinators)
    used = {day.COORDINATOR: 0, day.PROFESSIONAL: 0, day.LEADER: 0}
    personas: list[dict[str, Any]] = []
    accounts: dict[str, set[str]] = {role: set() for role in used}
    for role in roles:
        if role == day.PROFESSIONAL and not professionals:
            role = day.COORDINATOR
        if role == day.LEADER and not leaders:
            role = day.COORDINATOR
        turn = used[role]
        used[role] += 1
        persona: dict[str, Any] = {"role": role, "meeting": None}
        if role == day.COORDINATOR:
            # The next coordinator in turn that still has a meeting nobody else saves; when
            # none has, coordinators in turn without a record of their own.
            if waiting:
                account = waiting.popleft()
                meeting, network = pools[account].pop(0)
                persona.update(meeting=meeting, network=network)
                if pools[account]:
                    waiting.append(account)
            else:
                account = coordinators[turn % len(coordinators)]
                persona["network"] = first_network[account]
        elif role == day.PROFESSIONAL:
            account, network = professionals[turn % len(professionals)]
            persona["network"] = network
        else:
            account, leadership_meeting = leaders[turn % len(leaders)]
            persona["leadership_meeting"] = leadership_meeting
        persona["email"] = account.email
        accounts[role].add(account.email)
        personas.append(persona)
    checked = _check_day_pages(personas, search)
    return {
        "personas": personas,
        "search": search,
        "accounts": {role: len(emails) for role, emails in accounts.items()},
        "users_by_role": {role: sum(1 for p in personas if p["role"] == role) for role in accounts},
        "savers": sum(1 for p in personas if p["meeting"]),
        "queries": checked,
    }


def _check_day_pages(personas: list[dict[str, Any]], search: str) -> dict[str, int]:
    """The first simulated user of each role opens each page of its mix (and saves its record)
    once through the test client; every page must answer 200 (the save 302). Returns the SQL
    queries of each page's request (role: page)."""
    from accounts.models import User
    from benchmarks import day

    counts: dict[str, int] = {}
    for role in (day.COORDINATOR, day.PROFESSIONAL, day.LEADER):
        persona = next((p for p in personas if p["role"] == role), None)
        if persona is None:
            continue
        client = Client(HTTP_ACCEPT_LANGUAGE="fi", HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=persona["email"]))
        for page in day.mix_for(persona):
            if page == "record_save":
                continue
            path = day.PATHS[page].format(**{"search": search, **persona})
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(
                    f"{role} {persona['email']}: {page} {path} answered {response.status_code}"
                )
            counts[f"{role}: {page}"] = len(captured)
            if page == "record":
                fields = form_fields(response.content.decode(), "version")
                data: dict[str, list[str]] = {}
                for name, value in replace(fields, "family_view", "benchmark: day check"):
                    data.setdefault(name, []).append(value)
                with CaptureQueriesContext(connection) as captured:
                    saved = client.post(path, data)
                if saved.status_code != 302:
                    raise RuntimeError(
                        f"{persona['email']}: saving {path} answered {saved.status_code}"
                    )
                counts[f"{role}: record_save"] = len(captured)
    return counts


def count_queries(targets: dict[str, Any]) -> dict[str, int]:
    """SQL queries of one request to each page, as the benchmark's users make it.

    The first request of each page warms per-process caches (translations, content types);
    the second one is counted. The save is the POST alone (the form is read first).
    """
    from accounts.models import User

    coordinator = Client(HTTP_ACCEPT_LANGUAGE="fi", HTTP_HOST="127.0.0.1")
    coordinator.force_login(User.objects.get(email=targets["users"]["coordinator"]["email"]))
    leader = Client(HTTP_ACCEPT_LANGUAGE="fi", HTTP_HOST="127.0.0.1")
    leader.force_login(User.objects.get(email=targets["users"]["leader"]["email"]))
    professional = Client(HTTP_ACCEPT_LANGUAGE="fi", HTTP_HOST="127.0.0.1")
    professional.force_login(User.objects.get(email=targets["users"]["professional"]["email"]))
    family = Client(HTTP_ACCEPT_LANGUAGE="fi", HTTP_HOST="127.0.0.1")
    link = targets["family_links"].pop(0)  # a family with a meeting coming, if any
    opened = family.post(f"/family/{link['token']}/", {"code": link["code"]})
    if opened.status_code != 302:
        raise RuntimeError(f"family_plan: the code was refused ({opened.status_code})")
    clients = {"leadership": leader, "my_promises": professional, "family_plan": family}
    paths = {
        "ping": "/ping/",
        "queue": "/contacts/queue/",
        "network": f"/networks/{targets['network']}/",
        "indicators": "/indicators/",
        "leadership": f"/leadership/meetings/{targets['leadership_meeting']}/",
        "directory": f"/directory/?q={targets['search']}",
        "my_promises": "/meetings/promises/",
        "family_plan": f"/family/{link['token']}/",
    }
    counts: dict[str, int] = {}
    for page, path in paths.items():
        client = clients.get(page, coordinator)
        for _round in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{page}: {path} answered {response.status_code}")
        counts[page] = len(captured)
    url = f"/meetings/{targets['meetings'][0]}/record/"
    for _round in range(2):
        form_page = coordinator.get(url)
        fields = form_fields(form_page.content.decode(), "version")
        data: dict[str, list[str]] = {}
        for name, value in replace(fields, "family_view", "benchmark: query count"):
            data.setdefault(name, []).append(value)
        with CaptureQueriesContext(connection) as captured:
            response = coordinator.post(url, data)
        if response.status_code != 302:
            raise RuntimeError(f"record_save: {url} answered {response.status_code}")
    counts["record_save"] = len(captured)
    return counts


def _median_seconds(function: Any, rounds: int) -> float:
    times = []
    for _round in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_indicators(rounds: int = 5) -> dict[str, Any]:
    """Median seconds: every computed indicator of every programme over all areas and the
    dashboard's periods, against hand-written SQL aggregates over the same rows.

    The target compares the event-based indicators with one ``GROUP BY`` over the same events.
    All indicators (feedback averages and response rates, trained staff too) are also timed,
    against that aggregate plus one ``GROUP BY`` over the feedback answers of the same months.
    """
    from directory.models import Area
    from indicators.computations import EVENT_BASED, shared_events
    from indicators.models import Event, Source
    from indicators.selectors import figures, indicators_for, periods_until
    from programmes.models import Programme

    today = timezone.localdate()
    areas = list(Area.objects.order_by("name"))
    jobs = []
    for programme in Programme.objects.all():
        for indicator in indicators_for(programme):
            if indicator.source != Source.COMPUTED:
                continue
            own = set(indicator.areas.values_list("pk", flat=True))
            scoped = [a for a in areas if not own or a.pk in own]
            jobs.append((indicator, programme, scoped, periods_until(today, indicator.cadence)))
    if not jobs:
        raise LookupError("no computed indicators: run load_configuration first")
    lower = min(periods[0].bounds()[0] for *_rest, periods in jobs)
    upper = max(periods[-1].bounds()[1] for *_rest, periods in jobs)
    events = Event.objects.filter(occurred_at__gte=lower, occurred_at__lt=upper).count()
    event_jobs = [job for job in jobs if job[0].computation in EVENT_BASED]

    def compute(selected: list[Any]) -> Any:
        def run() -> None:
            # As the dashboard does: the computations share one tally of the range.
            with shared_events(lower, upper):
                for indicator, programme, scoped, periods in selected:
                    figures(indicator, programme, scoped, periods)

        return run

    if connection.vendor == "postgresql":
        month = "date_trunc('month', occurred_at AT TIME ZONE %s)"
        params: list[Any] = [str(timezone.get_current_timezone()), lower, upper]
    else:
        month = "strftime('%%Y-%%m', occurred_at)"
        params = [lower, upper]
    sql = (
        f"SELECT kind, programme_id, area_id, {month} AS month, COUNT(*), AVG(days), "  # noqa: S608
        "AVG(sectors), SUM(CASE WHEN outcome = 'kept' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN days <= 14 THEN 1 ELSE 0 END) "
        "FROM indicators_event WHERE occurred_at >= %s AND occurred_at < %s "
        "GROUP BY kind, programme_id, area_id, month"
    )
    feedback_sql = (
        "SELECT r.programme_id, r.area_id, r.month, r.audience, a.question_code, "
        "COUNT(a.value), SUM(a.value) FROM feedback_answer a "
        "JOIN feedback_response r ON r.id = a.response_id "
        "WHERE r.month >= %s AND r.month < %s AND a.value IS NOT NULL "
        "GROUP BY r.programme_id, r.area_id, r.month, r.audience, a.question_code"
    )
    months = [timezone.localtime(lower).date(), timezone.localtime(upper).date()]

    def event_aggregate() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def both_aggregates() -> None:
        event_aggregate()
        with connection.cursor() as cursor:
            cursor.execute(feedback_sql, months)
            cursor.fetchall()

    # Recomputation is timed with the figures cache off; the cached time is reported beside it.
    with override_settings(ARKI_INDICATOR_CACHE_SECONDS=0):
        # Warm Django's and the database's caches (rows, translations, buffers) before timing.
        for warm in (compute(jobs), event_aggregate, both_aggregates):
            warm()
        event_indicators = _median_seconds(compute(event_jobs), rounds)
        all_indicators = _median_seconds(compute(jobs), rounds)
        aggregate = _median_seconds(event_aggregate, rounds)
        aggregates = _median_seconds(both_aggregates, rounds)
    with override_settings(ARKI_INDICATOR_CACHE_SECONDS=600):
        compute(jobs)()
        cached = _median_seconds(compute(jobs), rounds)
    return {
        "indicators": len(jobs),
        "event_indicators": len(event_jobs),
        "areas": len(areas),
        "events": events,
        "rounds": rounds,
        "computations_s": round(event_indicators, 4),
        "sql_aggregate_s": round(aggregate, 4),
        "ratio": round(event_indicators / aggregate, 2) if aggregate else None,
        "all_computations_s": round(all_indicators, 4),
        "all_sql_aggregates_s": round(aggregates, 4),
        "all_ratio": round(all_indicators / aggregates, 2) if aggregates else None,
        "all_cached_s": round(cached, 4),
    }


def lost_writes(markers: list[str]) -> list[str]:
    """The acknowledged saves (their family-view markers) that no saved revision holds."""
    from meetings.models import MeetingRecordRevision

    found: set[str] = set()
    for start in range(0, len(markers), 500):
        chunk = markers[start : start + 500]
        found.update(
            MeetingRecordRevision.objects.filter(snapshot__family_view__in=chunk).values_list(
                "snapshot__family_view", flat=True
            )
        )
    return [marker for marker in markers if marker not in found]


def data_size() -> dict[str, int]:
    """A few counts that say how big the database is."""
    from audit.models import AccessLog
    from contacts.models import Contact
    from indicators.models import Event
    from meetings.models import MeetingRecord
    from networks.models import Network

    return {
        "contacts": Contact.objects.count(),
        "networks": Network.objects.count(),
        "meeting_records": MeetingRecord.objects.count(),
        "events": Event.objects.count(),
        "access_log": AccessLog.objects.aggregate(n=Max("pk"))["n"] or 0,
    }
