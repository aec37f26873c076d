from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.periods import Cadence, parse_period, period_containing


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026-03", date(2026, 3, 1), date(2026, 4, 1)),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
        ("2026Q1", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026Q4", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026S2", date(2026, 7, 1), date(2027, 1, 1)),
        ("2026", date(2026, 1, 1), date(2027, 1, 1)),
    ],
)
def test_codes(code, start, end):
    period = parse_period(code)
    assert (period.start, period.end, period.code) == (start, end, code)


@pytest.mark.parametrize("bad", ["2026-13", "2026Q5", "2026S3", "26", "2026-3", "", "Q1"])
def test_bad_codes_are_refused(bad):
    with pytest.raises(ValueError, match="period code"):
        parse_period(bad)


def test_previous_and_year_earlier():
    assert parse_period("2026Q1").previous().code == "2025Q4"
    assert parse_period("2026-01").previous().code == "2025-12"
    assert parse_period("2026S1").year_earlier().code == "2025S1"


def test_bounds_are_helsinki_midnights_across_dst():
    start, end = parse_period("2026-03").bounds()
    assert start.utcoffset().total_seconds() == 2 * 3600
    assert end.utcoffset().total_seconds() == 3 * 3600


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from([Cadence.MONTHLY, Cadence.QUARTERLY, Cadence.HALF_YEARLY, Cadence.YEARLY]),
)
def test_every_day_is_in_exactly_its_period(day, cadence):
    period = period_containing(day, cadence)
    assert period.start <= day < period.end
    assert parse_period(period.code) == period
    assert period.previous().end == period.start
