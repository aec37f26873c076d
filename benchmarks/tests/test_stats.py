"""The load benchmark's pure parts: percentiles, summaries, target checks, the report, forms."""

import pytest

from benchmarks import stats
from benchmarks.formdata import form_fields, replace, value_of
from benchmarks.stats import PageResult, Sample


def test_percentile_nearest_rank():
    values = list(range(1, 21))  # 1..20
    assert stats.percentile(values, 50) == 10
    assert stats.percentile(values, 95) == 19
    assert stats.percentile(values, 99) == 20
    assert stats.percentile(values, 100) == 20
    assert stats.percentile([7.0], 95) == 7.0
    assert stats.percentile([], 95) is None
    assert stats.percentile([3, 1, 2], 0) == 1  # unsorted input
    with pytest.raises(ValueError):
        stats.percentile(values, 101)


def _samples(name, latencies, start=100.0, step=0.1, ok=True, status=200):
    return [Sample(name, start + i * step, ms, status, ok) for i, ms in enumerate(latencies)]


def test_summarise_uses_only_the_window_and_the_page():
    samples = [
        *_samples("queue", [999.0] * 5, start=90.0),  # before the window: sign-in time
        *_samples("queue", [10.0] * 90 + [50.0] * 9 + [80.0], start=100.0),
        *_samples("ping", [1.0] * 50, start=100.0),
        Sample("queue", 105.0, 20.0, 500, False),
    ]
    result = stats.summarise("queue", samples, (100.0, 110.0))
    assert result.requests == 101
    assert result.failures == 1
    assert result.p50 == 10.0
    assert result.p95 == 50.0
    assert result.p99 == 50.0
    assert result.rps == 10.1
    assert result.statuses == {"200": 100, "500": 1}


def test_floor_share_and_page_checks():
    results = {
        "ping": PageResult("ping", 1000, 0, 10, 5, 9, 12, 100.0),
        "queue": PageResult("queue", 500, 0, 10, 40, 90, 120, 50.0),
        "indicators": PageResult("indicators", 100, 2, 10, 300, 900, 1200, 10.0),
    }
    stats.with_floor_shares(results)
    assert results["queue"].floor_share == 0.5
    assert results["indicators"].floor_share == 0.1
    checks = {(c.target.split()[0], c.subject): c.met for c in stats.page_checks("demo", results)}
    assert checks[("p95", "demo: queue")] is True
    assert checks[("throughput", "demo: queue")] is True
    assert checks[("p95", "demo: indicators")] is False
    assert checks[("throughput", "demo: indicators")] is False
    assert checks[("no", "demo: indicators")] is False  # failed requests
    assert not any(subject == "demo: ping" for _target, subject in checks)


def test_scale_query_access_log_and_indicator_checks():
    small = {"queue": PageResult("queue", 1, 0, 1, 10, 40, 50, 1)}
    grows = {"queue": PageResult("queue", 1, 0, 1, 10, 59, 80, 1)}
    too_much = {"queue": PageResult("queue", 1, 0, 1, 10, 60, 80, 1)}
    assert stats.scale_checks(("pilot", small), ("county", grows))[0].met is True
    assert stats.scale_checks(("pilot", small), ("county", too_much))[0].met is False

    same = stats.query_checks({"pilot": {"queue": 12}, "county": {"queue": 12}})
    differ = stats.query_checks({"pilot": {"queue": 12}, "county": {"queue": 13}})
    assert same[0].met is True and differ[0].met is False
    assert stats.query_checks({"pilot": {"queue": 12}}) == []

    with_log = PageResult("network", 1, 0, 1, 54.0, 80, 90, 1)
    without = PageResult("network", 1, 0, 1, 50.0, 80, 90, 1)
    assert stats.access_log_check("demo", [with_log], [without]).met is True
    with_log.p50 = 56.0
    assert stats.access_log_check("demo", [with_log], [without]).met is False
    # Runs alternate; each side is the mean of its runs' medians.
    again = PageResult("network", 1, 0, 1, 52.0, 80, 90, 1)  # (56 + 52) / 2 = 54 → +8 %
    other = PageResult("network", 1, 0, 1, 50.0, 80, 90, 1)
    check = stats.access_log_check("demo", [with_log, again], [without, other])
    assert check.met is True and "2 + 2 runs" in check.value
    assert stats.access_log_check("demo", [], [without]).met is None

    assert stats.indicator_check("demo", 0.2, 0.1).met is True
    assert stats.indicator_check("demo", 0.21, 0.1).met is False


def test_outage_summary_counts_503s_recovery_and_lost_writes():
    samples = [
        Sample("queue", 9.0, 20, 200, True),
        Sample("queue", 10.5, 30, 503, False),
        Sample("queue", 11.0, 5000, 500, False),
        Sample("queue", 12.5, 40, 503, False),  # after the restart returned, still failing
        Sample("queue", 13.0, 20, 200, True),
        Sample("queue", 14.0, 20, 200, True),
    ]
    result = stats.outage_summary(samples, (10.0, 12.0), acknowledged=7, lost=0)
    assert (result.during, result.during_503, result.during_other_failures) == (2, 1, 1)
    assert result.recovered_after_s == 1.0
    verdicts = [c.met for c in stats.outage_checks(result)]
    assert verdicts == [False, True, True]
    never = stats.outage_summary(samples[:4], (10.0, 12.0), acknowledged=3, lost=1)
    assert never.recovered_after_s is None
    assert [c.met for c in stats.outage_checks(never)] == [False, False, False]


def test_markdown_report():
    results = {
        "ping": PageResult("ping", 1000, 0, 10, 5.25, 9.0, 12.0, 100.0, queries=2),
        "queue": PageResult("queue", 500, 3, 10, 40.0, 123.4, 150.0, 50.0, queries=12),
    }
    stats.with_floor_shares(results)
    table = stats.markdown_table("pilot", results).splitlines()
    assert table[0] == "#### pilot"
    assert table[4] == "| ping | 1000 | 0 | 5.2 ms | 9.0 ms | 12 ms | 100.0 | 100% | 2 |"
    assert table[5] == "| queue | 500 | 3 | 40 ms | 123 ms | 150 ms | 50.0 | 50% | 12 |"
    checks = stats.markdown_checks(stats.page_checks("pilot", results)).splitlines()
    assert "| p95 ≤ 100 ms | pilot: queue | 123 ms | MISSED |" in checks
    assert "| throughput ≥ 40% of the floor's | pilot: queue | 50% | met |" in checks


RECORD_PAGE = """
<form action="/i18n/setlang/" method="post"><input type="hidden" name="csrfmiddlewaretoken"
 value="t0"><select name="language"><option value="fi">suomi</option></select></form>
<form method="post">
  <input type="hidden" name="csrfmiddlewaretoken" value="t1">
  <input type="hidden" name="version" value="3">
  <input type="checkbox" name="present" value="1" checked>
  <input type="checkbox" name="present" value="2">
  <input type="checkbox" name="present" value="5" checked>
  <textarea name="family_view">
Hyvä &amp; huono</textarea>
  <select name="goal-4-rating"><option value="">–</option><option value="6" selected>6</option></select>
  <select name="newgoal-0-owner"><option value="child">Lapsi</option><option value="parents">V</option></select>
  <select name="promise-0-participant"><option value="" selected>---------</option></select>
  <input type="radio" name="review-9-status" value="kept">
  <input type="text" name="promise-0-act" value="">
  <input type="text" name="old" value="x" disabled>
  <button type="submit" name="save">Tallenna</button>
</form>
"""


def test_form_fields_submit_what_a_browser_would():
    fields = form_fields(RECORD_PAGE, "version")
    assert fields == [
        ("csrfmiddlewaretoken", "t1"),
        ("version", "3"),
        ("present", "1"),
        ("present", "5"),
        ("family_view", "Hyvä & huono"),
        ("goal-4-rating", "6"),
        ("newgoal-0-owner", "child"),
        ("promise-0-participant", ""),
        ("promise-0-act", ""),
    ]
    changed = replace(fields, "family_view", "bench u1 s1")
    assert value_of(changed, "family_view") == "bench u1 s1"
    assert value_of(replace(changed, "version", "4"), "version") == "4"
    with pytest.raises(LookupError):
        form_fields(RECORD_PAGE, "no-such-field")
