"""Computed figures are kept as objects while the cache holds their key (issue #21): what the cache
no longer holds (cleared, expired) is computed again, and a caller's change to the figures it got
never reaches the next reader."""

from datetime import date

import pytest
from django.core.cache import cache

from core.db import Scalars
from indicators import computations
from indicators.computations import Figure, compute
from indicators.periods import Cadence, period_containing
from programmes.models import Programme

PERIODS = [period_containing(date(2026, 3, 1), Cadence.MONTHLY)]


@pytest.fixture
def counted(monkeypatch, settings):
    settings.ARKI_INDICATOR_CACHE_SECONDS = 60
    calls = []

    def figures(programme, area_ids, periods):
        calls.append(1)
        return {(area_ids[0], periods[0].code): Figure(float(len(calls)), None)}

    monkeypatch.setitem(computations.REGISTRY, "kept_test", figures)
    monkeypatch.setitem(computations.SOURCE, "kept_test", "kept_test_source")
    monkeypatch.setitem(computations.STAMPS, "kept_test_source", Scalars(lambda: []))
    cache.clear()
    yield calls
    cache.clear()


def test_a_second_read_takes_the_kept_figures(counted):
    first = compute("kept_test", Programme(pk=1), [7], PERIODS)
    second = compute("kept_test", Programme(pk=1), [7], PERIODS)
    assert first == second == {(7, PERIODS[0].code): Figure(1.0, None)}
    assert len(counted) == 1


def test_what_the_cache_no_longer_holds_is_computed_again(counted):
    compute("kept_test", Programme(pk=1), [7], PERIODS)
    cache.clear()
    again = compute("kept_test", Programme(pk=1), [7], PERIODS)
    assert again == {(7, PERIODS[0].code): Figure(2.0, None)}
    assert len(counted) == 2


def test_a_callers_change_does_not_reach_the_next_reader(counted):
    first = compute("kept_test", Programme(pk=1), [7], PERIODS)
    first[(None, PERIODS[0].code)] = Figure(99.0, None)  # as figures() adds entered values
    second = compute("kept_test", Programme(pk=1), [7], PERIODS)
    assert second == {(7, PERIODS[0].code): Figure(1.0, None)}


def test_only_the_newest_figures_are_kept(counted, monkeypatch):
    monkeypatch.setattr(computations, "READ_KEPT", 2)
    for area in (1, 2, 3):
        compute("kept_test", Programme(pk=1), [area], PERIODS)
    assert len(computations._READ) == 2


def test_kept_figures_end_with_the_caches_timeout_even_if_the_cache_still_holds_them(
    counted, monkeypatch
):
    """With a cache other processes share, another process may set the key again: what this one
    keeps still ends at the timeout from when it read them."""
    now = [1000.0]
    monkeypatch.setattr(computations.time, "monotonic", lambda: now[0])
    compute("kept_test", Programme(pk=1), [7], PERIODS)
    now[0] += 61  # past ARKI_INDICATOR_CACHE_SECONDS; the (local) cache entry is not expired
    monkeypatch.setattr(cache, "get", lambda key, default=None: None)
    again = compute("kept_test", Programme(pk=1), [7], PERIODS)
    assert again == {(7, PERIODS[0].code): Figure(2.0, None)}
    assert len(counted) == 2
