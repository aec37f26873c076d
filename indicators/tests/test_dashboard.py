"""The dashboard: suppression, changes, targets, exports and the read API."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from indicators.catalogue import load_catalogue
from indicators.models import EnteredValue, Event, EventKind, Indicator, Target
from indicators.selectors import indicator_view

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def catalogue(configuration):
    load_catalogue()
    return {i.code: i for i in Indicator.objects.all()}


def contacts(area, programme, month, n, year=2026):
    for day in range(1, n + 1):
        Event.objects.create(
            kind=EventKind.CONTACT_RECEIVED,
            occurred_at=datetime(year, month, day, 12, tzinfo=HELSINKI),
            area=area,
            programme=programme,
        )


def test_small_counts_are_hidden_with_secondary_suppression(catalogue, kaakkuri, tuira, children):
    contacts(kaakkuri, children, 10, 3)
    contacts(tuira, children, 10, 12)
    view = indicator_view(
        catalogue["pilot-phone-usage"], children, [kaakkuri, tuira], until=date(2026, 10, 15)
    )
    october = {row.label: row.cells[-1] for row in view.rows}
    assert october["Kaakkuri"].text == "<5"
    # Tuira's 12 and the total 15 would reveal Kaakkuri's 3: one of them is hidden as well.
    assert (
        october["Tuira"].hidden
        or october[next(k for k in october if k not in ("Kaakkuri", "Tuira"))].hidden
    )


def test_change_direction_and_target(catalogue, kaakkuri, children):
    contacts(kaakkuri, children, 9, 8)
    contacts(kaakkuri, children, 10, 11)
    Target.objects.create(
        indicator=catalogue["pilot-phone-usage"], period="2026-10", value=Decimal(10)
    )
    view = indicator_view(
        catalogue["pilot-phone-usage"],
        children,
        [kaakkuri],
        area=kaakkuri,
        until=date(2026, 10, 15),
    )
    assert (view.current.value, view.previous.value) == (11, 8)
    assert view.change_from_previous == 3
    assert view.right_direction is True
    assert view.target == Decimal(10) and view.target_met is True


def test_entered_yearly_values_and_year_earlier(catalogue, kaakkuri, children):
    developer = user_with_role(Role.DEVELOPER_WORKER)
    for year, value in [(2024, 40), (2025, 31)]:
        EnteredValue.objects.create(
            indicator=catalogue["child-protection-clients"],
            area=kaakkuri,
            programme=children,
            period=str(year),
            period_start=date(year, 1, 1),
            value=value,
            updated_by=developer,
        )
    view = indicator_view(
        catalogue["child-protection-clients"],
        children,
        [kaakkuri],
        area=kaakkuri,
        until=date(2025, 6, 1),
    )
    assert view.current.value == 31
    assert view.change_from_year_earlier == -9
    assert view.right_direction is True  # down is better


def test_dashboard_page_and_role_rule(client, catalogue, kaakkuri, children):
    contacts(kaakkuri, children, 10, 6)
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.get(reverse("indicators:dashboard")).status_code == 403
    client.force_login(user_with_role(Role.COORDINATOR))
    page = client.get(reverse("indicators:dashboard"), {"until": "2026-10-20"}).content.decode()
    assert "Pilottipuhelimen käyttöluvut" in page
    assert "Mitä pitäisi olla, että tätä palvelua ei tarvittaisi lainkaan?" in page


def test_exports_and_api_apply_suppression(client, catalogue, kaakkuri, tuira, children):
    contacts(kaakkuri, children, 10, 2)
    contacts(tuira, children, 10, 9)
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    params = {"indicator": "pilot-phone-usage", "until": "2026-10-20"}
    data = client.get(reverse("indicators:api_values"), params).json()["values"]
    october = [v for v in data if v["period"] == "2026-10"]
    assert all(v["value"] is None or v["value"] >= 5 or v["value"] == 0 for v in october)
    assert any(v["suppressed"] for v in october)
    csv = client.get(reverse("indicators:api_values"), {**params, "format": "csv"}).content.decode()
    assert csv.startswith("indicator,area,period,value,suppressed,unit")
    assert ",2," not in csv
    svg = client.get(reverse("indicators:chart", args=["pilot-phone-usage"]), params)
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    xlsx = client.get(reverse("indicators:export", args=["xlsx"]), params)
    assert xlsx.content[:2] == b"PK"
    schema = client.get(reverse("indicators:api_schema")).json()
    assert "/indicators/api/values" in schema["paths"]


def test_interpretation_note(client, catalogue, kaakkuri, children):
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    response = client.post(
        reverse("indicators:add_note", args=["pilot-phone-usage"]),
        {"period": "2026-10", "text": "Syyslomaviikko näkyy."},
    )
    assert response.status_code == 302
    assert catalogue["pilot-phone-usage"].notes.get().text == "Syyslomaviikko näkyy."


def test_training_attendance_changes_the_trained_staff_indicator(catalogue, kaakkuri, children):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Membership
    from accounts.tests.factories import UserFactory
    from backbone.models import Method, StaffEvent
    from backbone.services import record_attendance

    developer = user_with_role(Role.DEVELOPER_WORKER)
    indicator = catalogue["lp-trained-staff"]
    assert indicator.source == "computed"
    started = timezone.now() - timedelta(days=2)
    training = StaffEvent.objects.create(
        kind="training",
        title="LP-koulutus",
        starts_at=started,
        ends_at=started + timedelta(hours=3),
        method=Method.LP,
        created_by=developer,
    )
    staff = []
    for n in range(6):
        person = UserFactory(email=f"opettaja{n}@example.fi")
        Membership.objects.create(user=person, role=Role.PROFESSIONAL, area=kaakkuri)
        staff.append(person)

    def trained_now():
        # The period running today (by default a view ends at the latest period that has ended).
        return indicator_view(
            indicator, children, [kaakkuri], area=kaakkuri, until=timezone.localdate()
        ).current

    assert trained_now().value == 0
    for person in staff:
        record_attendance(training, person, True, developer)
    assert trained_now().value == 6
    record_attendance(training, staff[0], False, developer)
    assert trained_now().value == 5


def test_area_rows_link_to_the_area_and_escape_its_name(client, catalogue, kaakkuri, children):
    kaakkuri.name = '<b>Kaakkuri & "itä"</b>'
    kaakkuri.save()
    contacts(kaakkuri, children, 10, 7)
    client.force_login(user_with_role(Role.DEVELOPER_WORKER))
    page = reverse("indicators:indicator", args=["pilot-phone-usage"])
    html = client.get(page, {"programme": children.pk}).content.decode()
    assert "<b>Kaakkuri" not in html
    link = (
        f'<a href="?programme={children.pk}&amp;area={kaakkuri.pk}">'
        "&lt;b&gt;Kaakkuri &amp; &quot;itä&quot;&lt;/b&gt;</a>"
    )
    assert link in html
    one_area = client.get(page, {"programme": children.pk, "area": kaakkuri.pk}).content.decode()
    assert f'area={kaakkuri.pk}">&lt;b&gt;' not in one_area  # the area's own row is not a link
    assert '<th scope="row">&lt;b&gt;Kaakkuri &amp; &quot;itä&quot;&lt;/b&gt;</th>' in one_area


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_figure_format_equals_django_number_format(language, settings):
    from django.utils import translation
    from django.utils.formats import number_format
    from hypothesis import given
    from hypothesis import strategies as st

    from indicators.selectors import figure_formatter

    settings.USE_THOUSAND_SEPARATOR = True

    @given(
        st.one_of(
            st.integers(-100_000, 100_000),
            st.floats(-100_000, 100_000, allow_nan=False),
            st.floats(-1, 1, allow_nan=False).map(lambda x: round(x, 2)),
            st.decimals(-2000, 2000, places=2).map(float),
        ),
        st.sampled_from([0, 1]),
    )
    def same(value, decimal_pos):
        assert format_number(value, decimal_pos=decimal_pos) == number_format(
            value, decimal_pos=decimal_pos
        )

    with translation.override(language):
        format_number = figure_formatter()
        same()


def test_a_period_that_has_not_ended_is_never_a_change_in_the_wrong_direction(
    catalogue, kaakkuri, children
):
    """Issue #17: the February agenda showed January 2027, not yet begun, as "0, -7 ▼"."""
    from django.utils import timezone

    from indicators.periods import period_containing

    today = timezone.localdate()
    running = period_containing(today, "monthly")
    last = running.previous()
    contacts(kaakkuri, children, last.start.month, 7, year=last.start.year)
    view = indicator_view(
        catalogue["pilot-phone-usage"], children, [kaakkuri], area=kaakkuri, until=today
    )
    assert view.period == running and view.in_progress
    assert view.change_from_previous is None and view.right_direction is None
    ended = indicator_view(
        catalogue["pilot-phone-usage"], children, [kaakkuri], area=kaakkuri, until=last.start
    )
    assert not ended.in_progress


def test_the_api_area_filter_filters_and_a_bad_filter_is_an_error(
    client, catalogue, kaakkuri, tuira, children
):
    """Issue #17: ``?area=`` without a programme was ignored and every area came back."""
    contacts(kaakkuri, children, 10, 6)
    contacts(tuira, children, 10, 9)
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    url = reverse("indicators:api_values")
    params = {"indicator": "pilot-phone-usage", "until": "2026-10-20", "area": kaakkuri.pk}
    data = client.get(url, params).json()["values"]
    assert data and {v["area"] for v in data} == {kaakkuri.code}
    assert [v["value"] for v in data if v["period"] == "2026-10"] == [6]
    wrong = client.get(url, {**params, "area": 999999})
    assert wrong.status_code == 400 and "area" in wrong.json()["fields"]
    assert client.get(url, {**params, "until": "not a date"}).status_code == 400


def test_xlsx_numbers_are_numbers_and_hidden_cells_keep_their_marker(
    client, catalogue, kaakkuri, tuira, children
):
    import io

    from openpyxl import load_workbook

    contacts(kaakkuri, children, 9, 2)
    contacts(kaakkuri, children, 10, 6)
    Event.objects.bulk_create(
        Event(
            kind=EventKind.CONTACT_RECEIVED,
            occurred_at=datetime(2026, 10, 1 + n % 28, 12, tzinfo=HELSINKI),
            area=tuira,
            programme=children,
        )
        for n in range(1234)
    )
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    response = client.get(
        reverse("indicators:export", args=["xlsx"]),
        {"indicator": "pilot-phone-usage", "until": "2026-10-20"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {(row[1], row[2]): row[3] for row in sheet.iter_rows(values_only=True)}
    assert cells[("Tuira", "2026-10")] == 1234 and isinstance(cells[("Tuira", "2026-10")], int)
    assert cells[("Kaakkuri", "2026-10")] == 6
    assert cells[("Kaakkuri", "2026-09")] == "<5"


def test_targets_notes_and_covered_areas_are_what_the_orm_reads(
    catalogue, kaakkuri, tuira, children
):
    """The compiled reads of every dashboard and agenda (indicators.selectors: targets, notes
    of the area or of all areas, the areas an indicator is limited to) hold the same rows as
    the ORM's own queries."""
    from indicators.models import InterpretationNote
    from indicators.selectors import ViewContext, covered_areas, indicators_for

    leader = user_with_role(Role.LEADERSHIP_MEMBER)
    phone, other = catalogue["pilot-phone-usage"], catalogue["lp-trained-staff"]
    Target.objects.create(indicator=phone, period="2026-10", area=None, value=Decimal("12.5"))
    Target.objects.create(indicator=phone, period="2026-10", area=kaakkuri, value=Decimal("7"))
    Target.objects.create(indicator=other, period="2026", area=tuira, value=Decimal("40.25"))
    for area, text in ((None, "Koko alue"), (kaakkuri, "Kaakkuri"), (tuira, "Tuira")):
        InterpretationNote.objects.create(
            indicator=phone, period="2026-10", area=area, text=text, author=leader
        )
    phone.areas.set([kaakkuri])

    context = ViewContext.read([phone, other], None)
    assert context.targets == {
        (phone.pk, "2026-10"): {None: Decimal("12.5"), kaakkuri.pk: Decimal("7")},
        (other.pk, "2026"): {tuira.pk: Decimal("40.25")},
    }
    assert all(
        isinstance(value, Decimal) for by in context.targets.values() for value in by.values()
    )
    assert [n.text for n in context.notes[phone.pk]] == ["Koko alue"]
    in_kaakkuri = ViewContext.read([phone, other], kaakkuri)
    assert [n.text for n in in_kaakkuri.notes[phone.pk]] == ["Kaakkuri"]
    assert in_kaakkuri.notes[phone.pk][0].author == leader
    assert ViewContext.read([other], kaakkuri).notes == {}
    assert covered_areas() == {phone.pk: frozenset({kaakkuri.pk})}
    # The programme's own indicators and every programme's, in the catalogue's order.
    expected = [
        i.pk
        for i in Indicator.objects.filter(is_active=True)
        if i.programme_id in (None, children.pk)
    ]
    assert [i.pk for i in indicators_for(children)] == expected
    assert [i.pk for i in indicators_for(None)] == [
        i.pk for i in Indicator.objects.filter(is_active=True, programme__isnull=True)
    ]
