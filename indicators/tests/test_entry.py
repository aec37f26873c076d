"""Entering and importing figures from other registers: all or nothing, with history."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.tables import RowError, read_table
from indicators.catalogue import load_catalogue
from indicators.entry import entered_indicators, import_values, save_entered_values
from indicators.models import EnteredValue, EnteredValueChange, Indicator, Provenance, Source

pytestmark = pytest.mark.django_db
HEADER = "indicator,area,programme,period,value"


@pytest.fixture(autouse=True)
def _english():
    # The reasons are compared as English text; the views still run in the user's language.
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(configuration):
    load_catalogue()
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def developer(db):
    return user_with_role(Role.DEVELOPER_WORKER, full_name="Kehittäjä Kaisa")


@pytest.fixture
def share(configuration):
    """An entered indicator measured in per cent, so that decimals are allowed."""
    return Indicator.objects.create(
        code="test-share",
        name_fi="Osuus",
        name_en="Share",
        definition_fi="Testiosuus",
        cadence="quarterly",
        unit="percent",
        direction="up",
        source=Source.ENTERED,
    )


def row(indicator="child-protection-clients", area="kaakkuri", period="2025", value="31"):
    return {
        "indicator": indicator,
        "area": area,
        "programme": "children-families",
        "period": period,
        "value": value,
    }


def upload(name, content):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


# --- import_values: every bad input names its row, column and reason, and writes nothing ---


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [
        ({"indicator": "no-such-indicator"}, "indicator", "unknown indicator"),
        (
            {"indicator": "pilot-phone-usage", "period": "2025-03"},
            "indicator",
            "the indicator is computed by Arki and cannot be imported",
        ),
        ({"area": "atlantis"}, "area", "unknown area"),
        ({"programme": "no-such-programme"}, "programme", "unknown programme"),
        (
            {"period": "2025-13"},
            "period",
            "not a period code (use 2026-03, 2026Q1, 2026S1 or 2026)",
        ),
        ({"period": "2025Q1"}, "period", "wrong period for a yearly indicator (2026)"),
        (
            {"indicator": "student-welfare-groups", "period": "2025"},
            "period",
            "wrong period for a quarterly indicator (2026Q1)",
        ),
        ({"value": "many"}, "value", "not a number"),
        ({"value": "NaN"}, "value", "not a number"),
        ({"value": "-3"}, "value", "negative"),
        ({"value": "12.5"}, "value", "not a whole number (this indicator counts)"),
        ({"value": "12,5"}, "value", "not a whole number (this indicator counts)"),
        ({"value": "12345678901"}, "value", "too large"),
        ({"value": " "}, "value", "missing value"),
        ({"area": ""}, "area", "missing value"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(
    catalogue, developer, kaakkuri, tuira, bad, column, reason
):
    good = row(area="tuira")
    broken = {**row(), **bad}

    report = import_values(by=developer, rows=[good, broken])

    assert report.errors == [RowError(3, column, reason)]
    assert not report.ok
    assert EnteredValue.objects.count() == 0
    assert EnteredValueChange.objects.count() == 0


def test_an_inactive_indicator_cannot_be_imported(catalogue, developer, kaakkuri):
    Indicator.objects.filter(code="child-protection-clients").update(is_active=False)
    report = import_values(by=developer, rows=[row()])
    assert report.errors == [RowError(2, "indicator", "the indicator is not in use")]


def test_a_duplicate_row_names_the_first_one(catalogue, developer, kaakkuri, tuira):
    rows = [row(), row(area="tuira"), row(value="32")]
    report = import_values(by=developer, rows=rows)
    assert report.errors == [RowError(4, "", "duplicate of row 2")]
    assert EnteredValue.objects.count() == 0


def test_a_missing_column_is_reported_on_the_header_row(catalogue, developer, kaakkuri):
    rows = [{k: v for k, v in row().items() if k != "value"}]
    report = import_values(by=developer, rows=rows)
    assert report.errors == [RowError(1, "value", "missing column")]
    assert EnteredValue.objects.count() == 0


def test_an_empty_file_is_an_error(catalogue, developer):
    report = import_values(by=developer, rows=[])
    assert report.errors == [RowError(2, "", "the file has no rows to import")]


def test_all_problems_are_reported_at_once(catalogue, developer, kaakkuri):
    rows = [row(), row(indicator="nope", area="atlantis"), row(period="2025", value="-1")]
    report = import_values(by=developer, rows=rows)
    assert report.errors == [
        RowError(3, "indicator", "unknown indicator"),
        RowError(3, "area", "unknown area"),
        RowError(4, "value", "negative"),
        RowError(4, "", "duplicate of row 2"),
    ]
    assert EnteredValue.objects.count() == 0


# --- import_values: a correct file writes everything and its history ---


def test_a_correct_import_writes_values_and_history(catalogue, developer, kaakkuri, tuira):
    rows = [
        row(),
        {},  # a blank row is skipped but still counted, as in the spreadsheet
        row(area="tuira", value="40"),
        row(indicator="student-welfare-groups", period="2025q4", value="7"),
    ]
    report = import_values(by=developer, rows=rows)

    assert report.ok
    assert (report.created, report.changed, report.unchanged) == (3, 0, 0)
    value = EnteredValue.objects.get(
        indicator=catalogue["student-welfare-groups"], area=kaakkuri, period="2025Q4"
    )
    assert value.value == 7
    assert value.period_start == date(2025, 10, 1)
    assert value.updated_by == developer
    change = value.changes.get()
    assert (change.old_value, change.new_value, change.via) == (None, 7, "import")

    again = import_values(by=developer, rows=[row(value="33"), row(area="tuira", value="40")])
    assert (again.created, again.changed, again.unchanged) == (0, 1, 1)
    corrected = EnteredValue.objects.get(area=kaakkuri, period="2025")
    assert corrected.value == 33
    assert [(c.old_value, c.new_value) for c in corrected.changes.all()] == [(None, 31), (31, 33)]
    assert EnteredValueChange.objects.count() == 4  # the unchanged Tuira value wrote nothing


# --- save_entered_values ---


def test_a_correction_keeps_the_old_value_in_history(catalogue, developer, kaakkuri, children):
    indicator = catalogue["child-protection-clients"]
    common = {"by": developer, "area": kaakkuri, "programme": children, "period_code": "2025"}

    assert save_entered_values(**common, values={indicator: Decimal(31)}) == 1
    assert save_entered_values(**common, values={indicator: Decimal(31)}) == 0
    assert save_entered_values(**common, values={indicator: None}) == 0
    assert save_entered_values(**common, values={indicator: Decimal(29)}) == 1

    value = EnteredValue.objects.get()
    assert value.value == 29
    assert [(c.old_value, c.new_value, c.via) for c in value.changes.all()] == [
        (None, 31, "form"),
        (31, 29, "form"),
    ]


@pytest.mark.parametrize(
    ("code", "period", "value", "key", "message"),
    [
        ("child-protection-clients", "2025", Decimal(-1), "child-protection-clients", "negative"),
        (
            "child-protection-clients",
            "2025",
            Decimal("2.5"),
            "child-protection-clients",
            "not a whole number (this indicator counts)",
        ),
        (
            "child-protection-clients",
            "2025Q1",
            Decimal(1),
            "child-protection-clients",
            "wrong period for a yearly indicator (2026)",
        ),
        (
            "pilot-phone-usage",
            "2025-03",
            Decimal(1),
            "pilot-phone-usage",
            "the indicator is computed by Arki and cannot be imported",
        ),
        ("child-protection-clients", "last year", Decimal(1), "period", "not a period code"),
    ],
)
def test_save_rejects_bad_values_and_writes_nothing(
    catalogue, developer, kaakkuri, children, code, period, value, key, message
):
    with pytest.raises(ValidationError) as caught:
        save_entered_values(
            by=developer,
            area=kaakkuri,
            programme=children,
            period_code=period,
            values={catalogue[code]: value},
        )
    assert message in " ".join(caught.value.message_dict[key])
    assert EnteredValue.objects.count() == 0
    assert EnteredValueChange.objects.count() == 0


def test_one_bad_value_stops_the_whole_save(catalogue, developer, kaakkuri, children):
    with pytest.raises(ValidationError):
        save_entered_values(
            by=developer,
            area=kaakkuri,
            programme=children,
            period_code="2025",
            values={
                catalogue["child-protection-clients"]: Decimal(31),
                catalogue["specialised-care-clients"]: Decimal(-2),
            },
        )
    assert EnteredValue.objects.count() == 0


# --- read_table ---


def test_semicolon_csv_with_bom_and_decimal_comma(share, developer, kaakkuri):
    content = (
        "\ufeffIndicator;Area;Programme;Period;Value\r\n"
        "test-share;kaakkuri;children-families;2025Q4;12,5\r\n"
    )
    rows = read_table(upload("arvot.csv", content))
    assert rows == [
        {
            "indicator": "test-share",
            "area": "kaakkuri",
            "programme": "children-families",
            "period": "2025Q4",
            "value": "12,5",
        }
    ]
    report = import_values(by=developer, rows=rows)
    assert report.ok and report.created == 1
    assert EnteredValue.objects.get().value == Decimal("12.5")


def test_comma_csv_keeps_spreadsheet_row_numbers(catalogue, developer, kaakkuri):
    content = f"{HEADER}\nchild-protection-clients,kaakkuri,children-families,2025,31\n\n"
    content += "child-protection-clients,kaakkuri,children-families,2024,x\n"
    report = import_values(by=developer, rows=read_table(upload("values.csv", content)))
    assert report.errors == [RowError(4, "value", "not a number")]


def test_xlsx_import(catalogue, developer, kaakkuri, tuira):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "area", "programme", "period", "value"])
    sheet.append(["child-protection-clients", "kaakkuri", "children-families", 2025, 31])
    sheet.append(["student-welfare-groups", "tuira", "children-families", "2025Q4", 6.0])
    workbook.create_sheet("Notes").append(["not read"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = read_table(upload("values.xlsx", buffer.getvalue()))
    assert [r["period"] for r in rows] == ["2025", "2025Q4"]
    report = import_values(by=developer, rows=rows)

    assert report.ok and report.created == 2
    assert EnteredValue.objects.get(area=tuira).value == 6


def test_xlsx_errors_use_spreadsheet_rows(catalogue, developer, kaakkuri):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "area", "programme", "period", "value"])
    sheet.append(["child-protection-clients", "kaakkuri", "children-families", 2025, -4])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_values(by=developer, rows=read_table(upload("values.xlsx", buffer.getvalue())))
    assert report.errors == [RowError(2, "value", "negative")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("values.txt", HEADER, "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        ("values.xlsx", b"not a zip file", "could not be read as an Excel workbook"),
        ("values.csv", "indicator;area\nä;ö\n".encode("latin-1"), "not in UTF-8"),
        ("values.csv", "", "The file is empty."),
        ("values.csv", "x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
)
def test_unreadable_files_are_refused(name, content, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_table(upload(name, content))


# --- views ---


@pytest.fixture
def signed_in(client, developer):
    client.force_login(developer)
    return client


def test_the_form_lists_the_indicators_of_the_periods_cadence(
    signed_in, catalogue, kaakkuri, children
):
    url = reverse("indicator_entry:form")
    assert signed_in.get(url).status_code == 200

    query = {"area": kaakkuri.pk, "programme": children.pk, "period": "2025Q4"}
    page = signed_in.get(url, query).content.decode()
    assert 'name="student-welfare-groups"' in page
    assert 'name="child-protection-clients"' not in page
    assert 'name="pilot-phone-usage"' not in page


def test_a_correction_through_the_form_is_shown_in_history(
    signed_in, catalogue, developer, kaakkuri, children
):
    url = (
        reverse("indicator_entry:form") + f"?area={kaakkuri.pk}&programme={children.pk}&period=2025"
    )

    response = signed_in.post(url, {"child-protection-clients": "31"})
    assert response.status_code == 302 and response["Location"] == url
    signed_in.post(url, {"child-protection-clients": "28", "specialised-care-clients": ""})

    value = EnteredValue.objects.get()
    assert value.value == 28
    assert [(c.old_value, c.new_value) for c in value.changes.all()] == [(None, 31), (31, 28)]
    assert not EnteredValue.objects.filter(indicator=catalogue["specialised-care-clients"]).exists()
    page = signed_in.get(url).content.decode()
    assert "Kehittäjä Kaisa" in page
    assert 'value="28"' in page


def test_the_form_shows_service_errors_and_saves_nothing(signed_in, catalogue, kaakkuri, children):
    url = (
        reverse("indicator_entry:form") + f"?area={kaakkuri.pk}&programme={children.pk}&period=2025"
    )
    response = signed_in.post(url, {"child-protection-clients": "2.5"})
    assert response.status_code == 200
    with translation.override("fi"):
        expected = translation.gettext("not a whole number (this indicator counts)")
    assert expected in response.content.decode()
    assert EnteredValue.objects.count() == 0


def test_the_import_page_reports_problems_and_imports_nothing(signed_in, catalogue, kaakkuri):
    url = reverse("indicator_entry:import")
    assert signed_in.get(url).status_code == 200
    content = f"{HEADER}\nchild-protection-clients,kaakkuri,children-families,2025,31\n"
    content += "pilot-phone-usage,kaakkuri,children-families,2025-03,4\n"

    response = signed_in.post(url, {"file": upload("values.csv", content)})

    page = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">3</th><td>indicator</td>' in page
    with translation.override("fi"):
        expected = translation.gettext("the indicator is computed by Arki and cannot be imported")
    assert expected in page
    assert EnteredValue.objects.count() == 0


def test_the_import_page_shows_counts(signed_in, catalogue, kaakkuri):
    content = f"{HEADER}\nchild-protection-clients,kaakkuri,children-families,2025,31\n"
    response = signed_in.post(
        reverse("indicator_entry:import"), {"file": upload("values.csv", content)}
    )
    assert response.status_code == 200
    assert response.context["report"].created == 1
    assert EnteredValue.objects.get().value == 31


def test_an_unreadable_upload_is_a_field_error(signed_in, catalogue):
    response = signed_in.post(
        reverse("indicator_entry:import"), {"file": upload("values.pdf", "%PDF")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert response.context["report"] is None


def test_the_template_can_be_filled_in_and_imported(signed_in, catalogue, developer, kaakkuri):
    response = signed_in.get(reverse("indicator_entry:template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_table(upload("template.csv", response.content))
    assert list(rows[0]) == ["indicator", "area", "programme", "period", "value"]
    assert len(rows) == 1
    assert import_values(by=developer, rows=rows).ok


@pytest.mark.parametrize("name", ["form", "import", "template"])
def test_only_developers_leaders_and_administrators_may_enter(client, configuration, name):
    url = reverse(f"indicator_entry:{name}")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get(url).status_code == 403
    for role in (Role.LEADERSHIP_MEMBER, Role.ADMINISTRATOR):
        client.force_login(user_with_role(role))
        assert client.get(url).status_code == 200


# --- provenance, and computed indicators whose figures may also be entered ---


def test_each_way_of_saving_records_where_the_value_came_from(
    signed_in, catalogue, developer, kaakkuri, tuira, children
):
    content = f"{HEADER}\nchild-protection-clients,kaakkuri,children-families,2025,31\n"
    signed_in.post(
        reverse("indicator_entry:import"), {"file": upload("lastensuojelu.csv", content)}
    )
    imported = EnteredValue.objects.get(area=kaakkuri)
    assert (imported.provenance, imported.provenance_detail) == (
        Provenance.FILE,
        "lastensuojelu.csv",
    )

    url = (
        reverse("indicator_entry:form") + f"?area={kaakkuri.pk}&programme={children.pk}&period=2025"
    )
    page = signed_in.get(url).content.decode()
    with translation.override("fi"):
        source = translation.gettext("imported from a file")
    assert f"{source}: lastensuojelu.csv" in page  # beside the saved value

    signed_in.post(url, {"child-protection-clients": "30"})
    imported.refresh_from_db()
    assert (imported.provenance, imported.provenance_detail) == (Provenance.FORM, "")
    assert [c.via for c in imported.changes.all()] == ["import", "form"]


def test_an_unchanged_value_keeps_its_source(catalogue, developer, kaakkuri, children):
    import_values(by=developer, rows=[row()], source_name="a.csv")
    save_entered_values(
        by=developer,
        area=kaakkuri,
        programme=children,
        period_code="2025",
        values={catalogue["child-protection-clients"]: Decimal(31)},
    )
    assert EnteredValue.objects.get().provenance_detail == "a.csv"


def test_an_enterable_computed_indicator_is_entered_and_imported(
    catalogue, developer, kaakkuri, tuira, children
):
    trained = catalogue["lp-trained-staff"]
    half_yearly = entered_indicators(children, "half_yearly")
    assert trained in half_yearly
    assert catalogue["lp-method-use"] not in entered_indicators(children)

    report = import_values(
        by=developer, rows=[row(indicator="lp-trained-staff", period="2025S2", value="12")]
    )
    assert report.ok, report.errors
    saved = save_entered_values(
        by=developer,
        area=tuira,
        programme=children,
        period_code="2025S2",
        values={trained: Decimal(9)},
    )
    assert saved == 1
    assert EnteredValue.objects.filter(indicator=trained).count() == 2


def test_the_form_offers_the_enterable_indicator(signed_in, catalogue, kaakkuri, children):
    query = {"area": kaakkuri.pk, "programme": children.pk, "period": "2025S2"}
    page = signed_in.get(reverse("indicator_entry:form"), query).content.decode()
    assert 'name="lp-trained-staff"' in page
    assert 'name="shl-clients"' in page


def test_a_coordinator_cannot_post_an_import(client, catalogue, kaakkuri):
    client.force_login(user_with_role(Role.COORDINATOR))
    content = f"{HEADER}\nchild-protection-clients,kaakkuri,children-families,2025,31\n"
    response = client.post(reverse("indicator_entry:import"), {"file": upload("v.csv", content)})
    assert response.status_code == 403
    assert EnteredValue.objects.count() == 0
