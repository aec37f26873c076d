"""A dashboard reads every entered figure of its indicators in one query (read_entered); what
each indicator then shows is what it shows when read alone."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.roles import Role
from indicators.catalogue import load_catalogue
from indicators.models import EnteredValue, Indicator
from indicators.periods import parse_period
from indicators.selectors import indicator_view, indicator_views

pytestmark = pytest.mark.django_db

ENTERED = {
    # Old years outside the window, the window's years, none for the year still running.
    "child-protection-clients": ["2019", "2023", "2024", "2025"],
    "specialised-care-clients": ["2024", "2025"],
    "shl-clients": ["2024S2", "2025S1", "2025S2", "2026S1", "2026S2"],
    "student-welfare-groups": ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"],
}


@pytest.fixture
def entered(configuration, children, working_age, kaakkuri, tuira, monkeypatch):
    moment = datetime(2026, 12, 3, 12, tzinfo=ZoneInfo("Europe/Helsinki"))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    load_catalogue()
    by = user_with_role(Role.DEVELOPER_WORKER)
    catalogue = {i.code: i for i in Indicator.objects.all()}
    for n, (code, periods) in enumerate(ENTERED.items()):
        for m, period in enumerate(periods):
            for k, area in enumerate((kaakkuri, tuira)):
                EnteredValue.objects.create(
                    indicator=catalogue[code],
                    area=area,
                    programme=children,
                    period=period,
                    period_start=parse_period(period).start,
                    value=Decimal(20 + 7 * n + 3 * m + k),
                    updated_by=by,
                )
    # The same indicator and period in another programme is not this dashboard's figure.
    EnteredValue.objects.create(
        indicator=catalogue["child-protection-clients"],
        area=kaakkuri,
        programme=working_age,
        period="2025",
        period_start=date(2025, 1, 1),
        value=Decimal(999),
        updated_by=by,
    )
    return catalogue


def _cells(view):
    return [(row.label, [(c.value, c.hidden) for c in row.cells]) for row in view.rows]


@pytest.mark.parametrize("area", [None, "kaakkuri"])
def test_each_indicator_shows_what_it_shows_alone(entered, children, kaakkuri, tuira, area):
    chosen = kaakkuri if area else None
    with CaptureQueriesContext(connection) as together_queries:
        together = {v.indicator.code: v for v in indicator_views(children, chosen)}
    entered_reads = [
        q for q in together_queries.captured_queries if "indicators_enteredvalue" in q["sql"]
    ]
    assert len(entered_reads) == 1
    for code in ENTERED:
        alone = indicator_view(entered[code], children, [kaakkuri, tuira], chosen)
        assert [p.code for p in together[code].periods] == [p.code for p in alone.periods]
        assert _cells(together[code]) == _cells(alone)
        assert together[code].current.value is not None
    assert together["child-protection-clients"].period.code == "2025"
    assert together["student-welfare-groups"].period.code == "2026Q3"  # Q4 still runs


def test_a_changed_period_moves_its_first_day_so_the_dashboard_still_finds_it(
    entered, children, kaakkuri, tuira
):
    from django.core.exceptions import ValidationError

    shl = entered["shl-clients"]
    EnteredValue.objects.filter(indicator=shl, area=kaakkuri, period="2026S1").delete()
    value = EnteredValue.objects.get(indicator=shl, area=kaakkuri, period="2024S2")
    value.period = "2026S1"  # as the administration site would change it
    value.save(update_fields=["period"])
    value.refresh_from_db()
    assert value.period_start == date(2026, 1, 1)
    together = {v.indicator.code: v for v in indicator_views(children)}
    alone = indicator_view(shl, children, [kaakkuri, tuira])
    assert _cells(together["shl-clients"]) == _cells(alone)
    assert together["shl-clients"].period.code == "2026S1"
    assert Decimal(str(together["shl-clients"].rows[0].cells[-1].value)) == value.value
    value.period = "2026 first half"
    with pytest.raises(ValidationError) as refused:
        value.full_clean()
    assert "period" in refused.value.message_dict
    value.period = "2026s1"
    value.full_clean()
    assert value.period == "2026S1"
