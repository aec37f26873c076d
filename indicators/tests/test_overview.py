"""The overview, the indicator's own page and its chart: latest period with data, the areas
chosen and no more, gaps for hidden figures, integer axes, the target line, provenance."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.roles import Role
from indicators.catalogue import load_catalogue
from indicators.charts import axis_ticks, chart_svg, sparkline_svg
from indicators.forms import ChartForm
from indicators.models import EnteredValue, Event, EventKind, Indicator, Provenance, Target
from indicators.selectors import indicator_view

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def catalogue(configuration):
    load_catalogue()
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day):
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=HELSINKI)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_day


def calls(area, programme, month, n, year=2026):
    for day in range(1, n + 1):
        Event.objects.create(
            kind=EventKind.CONTACT_RECEIVED,
            occurred_at=datetime(year, month, day, 12, tzinfo=HELSINKI),
            area=area,
            programme=programme,
        )


def enter(indicator, area, programme, period, value, by, **more):
    start = date(int(period[:4]), 1, 1)
    return EnteredValue.objects.create(
        indicator=indicator,
        area=area,
        programme=programme,
        period=period,
        period_start=start,
        value=Decimal(value),
        updated_by=by,
        **more,
    )


def test_a_yearly_register_figure_shows_its_latest_year_not_the_empty_current_one(
    catalogue, kaakkuri, children, on_day
):
    on_day(date(2026, 12, 3))
    entered_by = user_with_role(Role.DEVELOPER_WORKER)
    enter(catalogue["child-protection-clients"], kaakkuri, children, "2024", 40, entered_by)
    enter(catalogue["child-protection-clients"], kaakkuri, children, "2025", 31, entered_by)
    view = indicator_view(catalogue["child-protection-clients"], children, [kaakkuri])
    assert view.period.code == "2025"
    assert view.current.value == 31
    assert view.change_from_previous == -9
    assert view.right_direction is True  # fewer child protection clients is better
    assert [p.code for p in view.periods] == ["2023", "2024", "2025"]
    # A day chosen by hand still shows the period containing it, empty or not.
    assert (
        indicator_view(
            catalogue["child-protection-clients"], children, [kaakkuri], until=date(2026, 6, 1)
        ).period.code
        == "2026"
    )


def test_a_monthly_count_shows_the_latest_month_that_has_ended(
    catalogue, kaakkuri, children, on_day
):
    on_day(date(2026, 12, 3))
    calls(kaakkuri, children, 10, 8)
    calls(kaakkuri, children, 11, 6)
    calls(kaakkuri, children, 12, 2)
    view = indicator_view(catalogue["pilot-phone-usage"], children, [kaakkuri])
    assert view.period.code == "2026-11"
    assert not view.in_progress
    assert view.current.value == 6
    assert len(view.periods) == 13
    assert view.sparkline[-2:] == [8, 6]


def test_the_chart_draws_the_headline_row_unless_areas_are_chosen(
    catalogue, kaakkuri, tuira, children
):
    calls(kaakkuri, children, 10, 8)
    calls(tuira, children, 10, 9)
    view = indicator_view(
        catalogue["pilot-phone-usage"], children, [kaakkuri, tuira], until=date(2026, 10, 20)
    )
    assert [s["label"] for s in view.chart()["series"]] == ["Kaikki alueet"]
    form = ChartForm(view, {"show": [str(kaakkuri.pk), str(tuira.pk)]})
    assert [s["label"] for s in view.chart(form.chosen_rows())["series"]] == ["Kaakkuri", "Tuira"]
    # An area that is not in the table is not drawn: the form says so and the headline is shown.
    wrong = ChartForm(view, {"show": ["999999"]})
    assert [row.label for row in wrong.chosen_rows()] == ["Kaikki alueet"]
    assert wrong.errors
    one_area = indicator_view(
        catalogue["pilot-phone-usage"], children, [kaakkuri, tuira], kaakkuri, date(2026, 10, 20)
    )
    assert [s["label"] for s in one_area.chart()["series"]] == ["Kaakkuri"]


def test_hidden_figures_are_gaps_and_named_under_the_chart(
    catalogue, kaakkuri, tuira, children, client
):
    calls(kaakkuri, children, 9, 8)
    calls(kaakkuri, children, 10, 3)  # 1–4: hidden in what leaves the region
    calls(kaakkuri, children, 11, 9)
    view = indicator_view(
        catalogue["pilot-phone-usage"], children, [kaakkuri, tuira], kaakkuri, date(2026, 11, 20)
    )
    series = view.chart()["series"][0]
    assert series["values"][-3:] == [8, None, 9]
    assert series["hidden"] == ["lokakuu 2026"]
    svg = chart_svg("Puhelut", view.chart())
    # Two separate points, no line across the hidden month.
    assert svg.count("<polyline") == 1  # only the earlier run of several months, if any
    assert "<circle" in svg


def test_a_count_axis_has_whole_numbers():
    assert axis_ticks(3, integer=True) == [0, 1, 2, 3]
    assert all(float(t).is_integer() for t in axis_ticks(7, integer=True))
    assert axis_ticks(0, integer=True) == [0, 1]
    assert axis_ticks(3, integer=False)[1] == 1  # 0.75 steps would be 1 for 3 as well
    assert 0.5 in axis_ticks(2, integer=False)
    svg = chart_svg("Puhelut", {"labels": ["a", "b"], "series": [], "integer": True, "target": 3})
    assert ">0.75<" not in svg and ">1<" in svg


def test_the_target_line_is_drawn_and_labelled():
    svg = chart_svg(
        "Koolle", {"labels": ["a", "b"], "series": [], "target": 80.0, "targetLabel": "Tavoite"}
    )
    assert 'stroke-dasharray="6 4"' in svg
    assert "Tavoite 80" in svg


def test_a_sparkline_breaks_at_a_gap_and_says_nothing_to_screen_readers():
    svg = sparkline_svg([1, 2, None, 4, 5])
    assert svg.count("<polyline") == 2
    assert 'aria-hidden="true"' in svg
    assert "<polyline" not in sparkline_svg([None, None])


def test_the_overview_lists_every_indicator_and_opens_its_page(
    catalogue, kaakkuri, children, client
):
    calls(kaakkuri, children, 10, 8)
    Target.objects.create(
        indicator=catalogue["pilot-phone-usage"], period="2026-10", value=Decimal(10)
    )
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    html = client.get(
        reverse("indicators:dashboard"), {"programme": children.pk, "until": "2026-10-20"}
    ).text
    page = reverse("indicators:indicator", args=["pilot-phone-usage"])
    assert f'<a href="{page}?programme={children.pk}&amp;until=2026-10-20">' in html
    for indicator in Indicator.objects.filter(is_active=True):
        if indicator.programme_id in (None, children.pk):
            assert indicator.name in html
    assert 'class="sparkline"' in html
    assert "ei vielä saavutettu" in html or "not met yet" in html
    detail = client.get(page, {"programme": children.pk, "until": "2026-10-20"}).text
    assert 'id="chart-data"' in detail
    assert "Kaakkuri" in detail


def test_an_indicator_not_followed_in_the_area_is_not_found(
    catalogue, kaakkuri, tuira, children, client
):
    indicator = catalogue["pilot-phone-usage"]
    indicator.areas.set([tuira])
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    for name in ("indicators:indicator", "indicators:chart"):
        response = client.get(reverse(name, args=[indicator.code]), {"area": kaakkuri.pk})
        assert response.status_code == 404


def test_an_entered_figure_shows_where_it_came_from(catalogue, kaakkuri, tuira, children, client):
    by = user_with_role(Role.DEVELOPER_WORKER)
    indicator = catalogue["child-protection-clients"]
    enter(
        indicator,
        kaakkuri,
        children,
        "2025",
        31,
        by,
        provenance=Provenance.SOTKANET,
        provenance_detail="Sotkanet 1234 · sotkanet.json",
    )
    enter(indicator, tuira, children, "2025", 44, by)
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    page = reverse("indicators:indicator", args=[indicator.code])
    html = client.get(page, {"programme": children.pk}).text
    assert '31 <span class="muted source">(Sotkanet (THL))</span>' in html
    assert '44 <span class="muted source">(syötetty Arkissa)</span>' in html
    assert "Sotkanet 1234 · sotkanet.json" in html
    # On Tuira's own page, Kaakkuri's source is not listed.
    tuira_page = client.get(page, {"programme": children.pk, "area": tuira.pk}).text
    assert "Sotkanet 1234" not in tuira_page


def test_an_entered_trained_staff_figure_replaces_the_computed_one(
    catalogue, kaakkuri, tuira, children
):
    indicator = catalogue["lp-trained-staff"]
    assert indicator.enterable
    by = user_with_role(Role.DEVELOPER_WORKER)
    enter(indicator, kaakkuri, children, "2026S1", 12, by, provenance=Provenance.TRAINING_REGISTER)
    view = indicator_view(indicator, children, [kaakkuri, tuira], until=date(2026, 6, 30))
    cells = {row.label: row.cells[-1] for row in view.rows}
    assert cells["Kaakkuri"].value == 12
    assert cells["Tuira"].value == 0  # computed: nobody trained in Arki
    assert cells["Kaikki alueet"].value == 12
