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
