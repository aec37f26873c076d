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


def test_floor_share_and_throughput_checks():
    results = {
        "ping": PageResult("ping", 1000, 0, 10, 5, 9, 12, 100.0),
        "queue": PageResult("queue", 500, 0, 10, 40, 90, 120, 25.0),
        "indicators": PageResult("indicators", 100, 2, 10, 300, 900, 1200, 24.9),
    }
    stats.with_floor_shares(results)
    assert results["queue"].floor_share == 0.25
    assert results["indicators"].floor_share == 0.25  # rounded for show: 24.9 / 100 …
    checks = {c.subject: c for c in stats.throughput_checks("county", results, 16)}
    assert set(checks) == {"county: queue (16 users)", "county: indicators (16 users)"}
    assert checks["county: queue (16 users)"].met is True  # exactly 25 % is enough
    assert checks["county: indicators (16 users)"].met is False  # … but 24.9 % is not 25 %
    assert checks["county: queue (16 users)"].target == "throughput ≥ 25% of the floor's"
    del results["ping"]
    assert stats.throughput_checks("county", results, 16)[0].met is None  # no floor measured


def test_service_checks_compare_with_the_floor_of_the_same_run():
    results = {
        "ping": PageResult("ping", 100, 0, 10, 2.5, 3.0, 4.0, 50.0),
        "queue": PageResult("queue", 50, 0, 10, 10.0, 25.0, 30, 20.0),  # 4 × 2.5, 25 ms: met
        "network": PageResult("network", 50, 0, 10, 10.1, 25.1, 30, 20.0),  # both missed
        "leadership": PageResult("leadership", 50, 0, 10, 8.0, 40.0, 50, 20.0),  # p95 missed
    }
    checks = stats.service_checks("county", results)
    verdicts = {(c.subject, c.target.split()[0]): c.met for c in checks}
    assert verdicts == {
        ("county: queue (1 user)", "p50"): True,
        ("county: queue (1 user)", "p95"): True,
        ("county: network (1 user)", "p50"): False,
        ("county: network (1 user)", "p95"): False,
        ("county: leadership (1 user)", "p50"): True,
        ("county: leadership (1 user)", "p95"): False,
    }
    assert checks[0].target == "p50 ≤ 4 × the floor's p50"
    assert checks[0].value == "10 ms vs 4 × 2.5 ms = 10 ms (4.0×)"
    assert checks[1].target == "p95 ≤ 25 ms"
    # No floor measured (or no request): not measured rather than met.
    del results["ping"]
    assert {c.met for c in stats.service_checks("county", results) if "p50" in c.target} == {None}


def test_failure_and_sqlite_checks():
    results = {
        "ping": PageResult("ping", 400, 0, 10, 5, 9, 12, 40.0),
        "queue": PageResult("queue", 200, 0, 10, 40, 100.0, 120, 20.0, statuses={"200": 200}),
        "record_save": PageResult(
            "record_save", 90, 3, 10, 50, 101.0, 130, 9.0, statuses={"302": 87, "503": 3}
        ),
        "directory": PageResult("directory", 0, 0, 10, None, None, None, 0.0),
    }
    failures = stats.failure_checks("pilot.sqlite3", results, 4)
    assert [(c.subject, c.value, c.met) for c in failures] == [
        ("pilot.sqlite3: record_save (4 users)", "3 of 90", False)
    ]
    assert stats.failure_checks("county", {"queue": results["queue"]}, 1) == []
    checks = {
        (c.subject.split(":")[1].split()[0], c.target): c.met
        for c in stats.sqlite_checks("pilot.sqlite3", results, 4)
    }
    assert checks == {
        ("queue", "no 5xx"): True,
        ("queue", "p95 ≤ 100 ms"): True,
        ("record_save", "no 5xx"): False,
        ("record_save", "p95 ≤ 100 ms"): False,
        ("directory", "no 5xx"): False,  # no request answered: not a pass
        ("directory", "p95 ≤ 100 ms"): None,
    }
    assert stats.server_errors(results["record_save"]) == 3


def test_mixed_window_day_checks_and_capacity():
    samples = [
        Sample("sign-in", 100.0, 300.0, 302, True),  # never measured
        *_samples("queue", [20.0] * 90 + [90.0] * 10, start=110.0, step=0.1),
        *_samples("network", [30.0] * 10, start=111.0, step=0.1),
        Sample("__stop__", 115.0, 0, 0, True),
        *_samples("queue", [5000.0] * 5, start=121.0),  # after the window
    ]
    result = stats.summarise_mix(samples, (110.0, 120.0), 300)
    assert (result.requests, result.errors, result.server_errors) == (110, 0, 0)
    assert result.p95 == 90.0 and result.rps == 11.0
    assert [c.met for c in stats.day_checks("county", result)] == [True, True]
    assert stats.holds(result) is True

    slow = [*samples, *_samples("indicators", [150.0] * 10, start=112.0)]
    slow_result = stats.summarise_mix(slow, (110.0, 120.0), 300)
    assert slow_result.p95 == 150.0
    assert [c.met for c in stats.day_checks("county", slow_result)] == [False, True]
    assert stats.holds(slow_result) is True  # ≤ 200 ms holds capacity
    failing = [*samples, Sample("record_save", 113.0, 40.0, 500, False)]
    failing_result = stats.summarise_mix(failing, (110.0, 120.0), 300)
    assert failing_result.server_errors == 1
    checks = stats.day_checks("county", failing_result, sign_in_failures=2)
    assert [c.met for c in checks] == [True, False, False]
    assert checks[1].value == "1 failed, 1 5xx"
    assert stats.holds(failing_result) is False  # an error: the step does not hold
    too_slow = [*samples, *_samples("queue", [250.0] * 10, start=112.0)]
    assert stats.holds(stats.summarise_mix(too_slow, (110.0, 120.0), 300)) is False
    assert stats.holds(None) is False
    assert stats.holds(stats.summarise_mix([], (110.0, 120.0), 300)) is False


def _step(users, p95, errors=0, ready=True):
    result = stats.MixResult(users, 100, errors, 0, 60.0, p95 / 2, p95, p95 * 1.2, 10.0)
    return stats.Step(users, ready, result)


def test_capacity_is_the_last_step_held_before_the_first_that_is_not():
    steps = [_step(300, 80), _step(600, 150), _step(1200, 420)]
    assert stats.capacity(steps) == 600
    [check] = stats.capacity_checks("county", steps)
    assert check.met is True
    assert check.value == "600 users (at 1200: p95 420 ms, 0 errors)"
    # The first step already fails: nothing held.
    [check] = stats.capacity_checks("county", [_step(300, 201)])
    assert (check.met, stats.capacity([_step(300, 201)])) == (False, None)
    assert check.value.startswith("0 users (at 300: p95 201 ms")
    # Errors, or users who never finished signing in, end the stepping too.
    assert stats.capacity([_step(300, 80), _step(600, 90, errors=1)]) == 300
    assert stats.capacity([_step(300, 80), stats.Step(600, False, None)]) == 300
    [check] = stats.capacity_checks("county", [_step(300, 80), stats.Step(600, False, None)])
    assert check.value == "300 users (at 600: not every user signed in)"
    # Every step held: a lower bound.
    [check] = stats.capacity_checks("county", [_step(300, 80), _step(600, 90)])
    assert check.met is True and check.value.startswith("≥ 600 users")
    table = stats.markdown_steps("county", steps).splitlines()
    assert table[4] == "| 300 | yes | 100 | 0 | 0 | 40 ms | 80 ms | 96 ms | 10.0 | yes |"
    assert table[6].endswith("| no |")
    assert stats.as_json(steps)[0]["result"]["p95"] == 80


def test_day_mix_roles_and_pages():
    from benchmarks import day

    roles = day.roles_for(300)
    assert (roles.count("coordinator"), roles.count("professional"), roles.count("leader")) == (
        120,
        165,
        15,
    )
    # Any first N users have about the same mix (the stepping keeps the first ones).
    assert day.roles_for(20).count("coordinator") == 8 and "leader" in day.roles_for(20)
    shares = day.request_shares(300)
    assert abs(sum(shares.values()) - 1) < 1e-9
    mostly = {"queue", "network", "record", "record_save", "my_promises", "directory"}
    assert sum(shares[page] for page in mostly) > 0.9
    assert 0 < shares["indicators"] < 0.05 and 0 < shares["leadership"] < 0.05
    assert set(day.mix_for({"role": "coordinator", "meeting": 7})) >= {"record", "record_save"}
    assert not set(day.mix_for({"role": "coordinator", "meeting": None})) & day.RECORD_PAGES
    assert "queue" not in day.mix_for({"role": "professional"})  # coordinators' page only
    assert set(day.mix_for({"role": "leader"})) == {"leadership", "indicators", "directory"}
    for mix in day.MIX.values():
        assert set(mix) <= set(day.PATHS) | {"record_save"}


def test_scale_query_access_log_and_indicator_checks():
    small = {"queue": PageResult("queue", 1, 0, 1, 10, 40, 50, 1)}
    grows = {"queue": PageResult("queue", 1, 0, 1, 10, 59, 80, 1)}
    too_much = {"queue": PageResult("queue", 1, 0, 1, 10, 60, 80, 1)}
    [check] = stats.scale_checks(("pilot", small), ("county", grows))
    assert check.met is True
    assert check.subject == "queue (1 user: work, not queueing)"
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
    checks = stats.markdown_checks(
        stats.service_checks("pilot", results) + stats.throughput_checks("pilot", results, 16)
    ).splitlines()
    assert "| p95 ≤ 25 ms | pilot: queue (1 user) | 123 ms | MISSED |" in checks
    assert (
        "| throughput ≥ 25% of the floor's | pilot: queue (16 users) | 50% (50.0 req/s) | met |"
        in checks
    )


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


def test_the_machine_reference_is_a_positive_time_in_milliseconds():
    from benchmarks.stats import machine_reference_ms

    assert 0 < machine_reference_ms(rounds=1) < 60_000
