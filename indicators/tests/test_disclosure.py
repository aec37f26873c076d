"""Suppression by audience (issue #17): small counts of activity are exact for the region's own
staff on Arki's pages; nothing that leaves the region carries a small count, of people or of
activity."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from indicators.catalogue import load_catalogue
from indicators.models import Audience, Disclosure, Event, EventKind, Indicator, Unit
from indicators.selectors import indicator_view

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")
UNTIL = {"until": "2026-10-20"}


@pytest.fixture
def small_everything(configuration, kaakkuri, tuira, children):
    """Two of every counted event in Kaakkuri in October 2026, nine in Tuira."""
    load_catalogue()
    for area, n in ((kaakkuri, 2), (tuira, 9)):
        for kind in (
            EventKind.CONTACT_RECEIVED,
            EventKind.NETWORK_OPENED,
            EventKind.NETWORK_CLOSED,
            EventKind.LP_DISCUSSION_HELD,
            EventKind.MEETING_HELD,
        ):
            Event.objects.bulk_create(
                Event(
                    kind=kind,
                    occurred_at=datetime(2026, 10, day, 12, tzinfo=HELSINKI),
                    area=area,
                    programme=children,
                )
                for day in range(1, n + 1)
            )
    return kaakkuri, tuira, children


def october(view, area_name):
    return {row.label: row for row in view.rows}[area_name].cells[
        [p.code for p in view.periods].index("2026-10")
    ]


def test_activity_is_exact_for_staff_and_hidden_outside(small_everything):
    kaakkuri, tuira, children = small_everything
    calls = Indicator.objects.get(code="pilot-phone-usage")
    assert calls.disclosure == Disclosure.ACTIVITY
    staff = indicator_view(
        calls, children, [kaakkuri, tuira], until=date(2026, 10, 20), audience=Audience.STAFF
    )
    assert (october(staff, "Kaakkuri").value, october(staff, "Kaakkuri").hidden) == (2, False)
    outside = indicator_view(calls, children, [kaakkuri, tuira], until=date(2026, 10, 20))
    assert october(outside, "Kaakkuri").hidden and october(outside, "Kaakkuri").value is None


def test_people_are_hidden_for_staff_too(small_everything):
    kaakkuri, tuira, children = small_everything
    opened = Indicator.objects.get(code="networks-opened")
    assert opened.disclosure == Disclosure.PERSON
    staff = indicator_view(
        opened, children, [kaakkuri, tuira], until=date(2026, 10, 20), audience=Audience.STAFF
    )
    assert october(staff, "Kaakkuri").hidden


def test_the_dashboard_page_shows_the_exact_activity(client, small_everything):
    kaakkuri = small_everything[0]
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    response = client.get(reverse("indicators:dashboard"), {**UNTIL, "area": kaakkuri.pk})
    views = {view.indicator.code: view for view in response.context["views"]}
    calls = october(views["pilot-phone-usage"], "Kaakkuri")
    assert (calls.value, calls.hidden) == (2, False)
    assert october(views["networks-opened"], "Kaakkuri").hidden


def small(value):
    return isinstance(value, int | float) and 0 < value < 5


def test_nothing_that_leaves_the_region_carries_a_small_count(client, small_everything):
    """The API (JSON and CSV), the CSV and XLSX exports and the learning-network package."""
    from openpyxl import load_workbook

    from learning import services as learning_services

    kaakkuri, _tuira, _children = small_everything
    counts = set(
        Indicator.objects.filter(unit=Unit.COUNT, person_count=True).values_list("code", flat=True)
    )
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    api = client.get(reverse("indicators:api_values"), UNTIL).json()["values"]
    leaks = [v for v in api if v["indicator"] in counts and small(v["value"])]
    assert not leaks, leaks
    assert any(v["suppressed"] for v in api if v["indicator"] == "pilot-phone-usage")

    api_csv = client.get(reverse("indicators:api_values"), {**UNTIL, "format": "csv"}).text
    for record in csv.DictReader(io.StringIO(api_csv)):
        if record["indicator"] in counts and record["value"]:
            assert not small(float(record["value"])), record

    names = dict(Indicator.objects.values_list("name_fi", "code"))
    export = client.get(reverse("indicators:export", args=["csv"]), UNTIL).text
    for line in list(csv.reader(io.StringIO(export)))[1:]:
        if names.get(line[0]) in counts:
            assert line[3] not in {"1", "2", "3", "4"}, line
    xlsx = client.get(reverse("indicators:export", args=["xlsx"]), UNTIL)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    for cells in list(sheet.iter_rows(values_only=True))[1:]:
        if names.get(str(cells[0])) in counts:
            assert not small(cells[3]), cells

    body = learning_services.build_payload(version=1, until=date(2026, 10, 20))
    leaks = [f for f in body["figures"] if f["indicator"] in counts and small(f["value"])]
    assert not leaks, leaks
