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


@pytest.mark.parametrize(
    ("code", "fi", "sv", "en"),
    [
        ("2026-12", "joulukuu 2026", "december 2026", "December 2026"),
        ("2026Q4", "loka–joulukuu 2026", "oktober–december 2026", "October–December 2026"),
        ("2026S2", "heinä–joulukuu 2026", "juli–december 2026", "July–December 2026"),
        ("2026Q1", "tammi–maaliskuu 2026", "januari–mars 2026", "January–March 2026"),
        ("2026", "2026", "2026", "2026"),
    ],
)
def test_periods_are_named_as_people_read_them(code, fi, sv, en):
    """Issue #17: users read "loka–joulukuu 2026", never "2026Q4"; codes stay in files."""
    from indicators.periods import period_name

    period = parse_period(code)
    assert (period_name(period, "fi"), period_name(period, "sv"), period_name(period, "en")) == (
        fi,
        sv,
        en,
    )
    assert period.code == code


def test_the_dashboard_names_its_periods_in_finnish(client, configuration, kaakkuri):
    from django.urls import reverse

    from accounts.tests.factories import user_with_role
    from audit.roles import Role
    from indicators.catalogue import load_catalogue

    load_catalogue()
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    overview = client.get(reverse("indicators:dashboard"), {"until": "2026-12-15"}).text
    assert "<td>joulukuu 2026</td>" in overview
    assert "<td>loka–joulukuu 2026</td>" in overview
    assert ">2026Q4<" not in overview and ">2026-12<" not in overview
    page = client.get(
        reverse("indicators:indicator", args=["pilot-phone-usage"]), {"until": "2026-12-15"}
    ).text
    assert '<th scope="col">joulukuu 2026</th>' in page
    assert ">2026-12<" not in page
