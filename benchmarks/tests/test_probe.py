"""The benchmark's Django-side probes run against any database Arki supports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from indicators.catalogue import load_catalogue
from indicators.models import Event, EventKind

pytestmark = pytest.mark.django_db


def test_time_indicators_recomputes_with_the_cache_off(configuration, kaakkuri, children, settings):
    from benchmarks import probe
    from indicators import computations

    settings.ARKI_INDICATOR_CACHE_SECONDS = 600
    load_catalogue()
    for days in range(1, 8):
        Event.objects.create(
            kind=EventKind.CONTACT_RECEIVED,
            occurred_at=timezone.now() - timedelta(days=days),
            area=kaakkuri,
            programme=children,
        )
    calls = []
    original = computations.REGISTRY["contacts_received"]

    def counted(*args):
        calls.append(args)
        return original(*args)

    computations.REGISTRY["contacts_received"] = counted
    try:
        result = probe.time_indicators(rounds=2)
    finally:
        computations.REGISTRY["contacts_received"] = original
    assert result["events"] == 7
    assert result["event_indicators"] >= 1 and result["indicators"] >= result["event_indicators"]
    for key in ("computations_s", "sql_aggregate_s", "all_computations_s", "all_cached_s"):
        assert result[key] >= 0
    # Per indicator: the warm-up, 2 event rounds and 2 rounds of all computed afresh, the cache
    # was filled once, and the 2 cached rounds computed nothing: 6 calls each.
    assert calls and len(calls) % 6 == 0


def test_day_targets_give_each_user_an_account_of_its_role_and_a_meeting_of_its_own(settings):
    """The county's working day on the generated data: every simulated user is a staff member
    with pages its role may open (the probe opens them: 200), no two save the same meeting."""
    from benchmarks import day, probe
    from scale.generator import load_scale

    settings.PRODUCTION = False
    load_scale("tiny", seed=7, today=timezone.localdate(), password="day-test-password")
    targets = probe.find_day_targets(users=40, search="perhe")
    personas = targets["personas"]
    assert [p["role"] for p in personas] == day.roles_for(40)
    meetings = [p["meeting"] for p in personas if p["meeting"]]
    assert meetings and len(meetings) == len(set(meetings)) == targets["savers"]
    for role in (day.COORDINATOR, day.PROFESSIONAL, day.LEADER):
        emails = [p["email"] for p in personas if p["role"] == role]
        distinct = targets["accounts"][role]
        assert distinct == len(set(emails)) >= 1
        # Accounts are used again only once every account of the role has a user.
        assert len(set(emails[:distinct])) == distinct
    assert all(p["network"] for p in personas if p["role"] != day.LEADER)
    assert all(p["leadership_meeting"] for p in personas if p["role"] == day.LEADER)
    # The first user of each role opened every page of its mix (and saved): all answered.
    assert {"coordinator: queue", "coordinator: record_save", "professional: my_promises"} <= set(
        targets["queries"]
    )
    assert {"leader: leadership", "leader: indicators"} <= set(targets["queries"])
