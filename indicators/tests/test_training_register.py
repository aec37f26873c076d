"""A training register's LP-trained people, counted per area and half-year, all or nothing."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.tables import RowError, read_table
from indicators.catalogue import load_catalogue
from indicators.entry import ConfigurationError
from indicators.models import EnteredValue, EnteredValueChange, Indicator, Provenance
from indicators.training_register import half_years, import_training_register, parse_date

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)
NAME = "Maija Meikäläinen"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(configuration):
    load_catalogue()
    return {i.code: i for i in Indicator.objects.all()}


@pytest.fixture
def developer(db):
    return user_with_role(Role.DEVELOPER_WORKER, full_name="Kehittäjä Kaisa")


def person(area="kaakkuri", completed="2025-03-14", **more):
    return {"area": area, "completed": completed, **more}


def run(rows, *, by, programme, name="koulutetut.csv"):
    return import_training_register(
        by=by, rows=rows, programme=programme, source_name=name, today=TODAY
    )


def counts():
    return {
        (v.area.code, v.period): v.value
        for v in EnteredValue.objects.filter(indicator__code="lp-trained-staff").select_related(
            "area"
        )
    }


# --- counting ---


def test_people_are_counted_cumulatively_by_the_end_of_each_half_year(
    catalogue, developer, children, kaakkuri, tuira
):
    rows = [
        person(completed="2025-03-14"),
        person(completed="30.6.2025"),  # the last day of 2025S1: trained by its end
        person(completed="01.07.2025"),  # the first day of 2025S2: not by the end of 2025S1
        person(area="tuira", completed="14.3.2026"),
    ]

    report = run(rows, by=developer, programme=children)

    assert report.ok, report.errors
    assert report.people == 4
    assert [period.code for period in report.periods] == ["2025S1", "2025S2", "2026S1", "2026S2"]
    assert counts() == {
        ("kaakkuri", "2025S1"): 2,
        ("kaakkuri", "2025S2"): 3,
        ("kaakkuri", "2026S1"): 3,
        ("kaakkuri", "2026S2"): 3,
        ("tuira", "2025S1"): 0,
        ("tuira", "2025S2"): 0,
        ("tuira", "2026S1"): 1,
        ("tuira", "2026S2"): 1,
    }
    assert (report.created, report.changed, report.unchanged) == (8, 0, 0)
    value = EnteredValue.objects.get(area=tuira, period="2026S1")
    assert value.programme == children
    assert value.provenance == Provenance.TRAINING_REGISTER
    assert value.provenance_detail == "koulutetut.csv"
    assert value.period_start == date(2026, 1, 1)
    assert value.changes.get().via == "training_register"


def test_a_second_register_corrects_the_counts(catalogue, developer, children, kaakkuri):
    run([person()], by=developer, programme=children)
    report = run(
        [person(), person(completed="2026-11-30")],
        by=developer,
        programme=children,
        name="uusi.csv",
    )
    assert (report.created, report.changed, report.unchanged) == (0, 1, 3)
    value = EnteredValue.objects.get(area=kaakkuri, period="2026S2")
    assert value.value == 2
    assert value.provenance_detail == "uusi.csv"
    assert [(c.old_value, c.new_value) for c in value.changes.all()] == [(None, 1), (1, 2)]


def test_names_are_never_stored_and_a_person_listed_twice_counts_once(
    catalogue, developer, children, kaakkuri, tuira
):
    rows = [
        person(name=NAME, completed="2026-02-01"),
        person(name=NAME.upper(), completed="2025-09-01"),  # the same person, trained earlier
        person(area="tuira", name=NAME, completed="2026-02-01"),  # and in another area
        person(name="Matti Meikäläinen", completed="2026-02-01"),
    ]

    report = run(rows, by=developer, programme=children)

    assert report.ok
    assert report.people == 3
    assert sum(report.skipped.values()) == 1
    assert counts()[("kaakkuri", "2025S2")] == 1
    assert counts()[("kaakkuri", "2026S1")] == 2
    assert counts()[("tuira", "2026S1")] == 1
    stored = [str(field) for row in EnteredValue.objects.values_list() for field in row] + [
        str(field) for row in EnteredValueChange.objects.values_list() for field in row
    ]
    assert not any("Meikäläinen" in text or "MEIKÄLÄINEN" in text for text in stored)


def test_areas_not_in_the_file_are_left_as_they_are(
    catalogue, developer, children, kaakkuri, tuira
):
    run([person()], by=developer, programme=children)
    assert {area for area, _period in counts()} == {"kaakkuri"}


def test_half_years_run_from_the_first_completion_to_today():
    assert [p.code for p in half_years(date(2025, 12, 31), date(2026, 1, 1))] == [
        "2025S2",
        "2026S1",
    ]
    assert [p.code for p in half_years(TODAY, TODAY)] == ["2026S2"]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-03-14", date(2026, 3, 14)),
        ("14.3.2026", date(2026, 3, 14)),
        ("01.07.2025", date(2025, 7, 1)),
    ],
)
def test_both_date_forms_are_read(text, day):
    assert parse_date(text) == day


# --- all or nothing ---


@pytest.mark.parametrize(
    ("bad", "column", "reason"),
    [
        ({"area": "atlantis"}, "area", "unknown area"),
        ({"area": ""}, "area", "missing value"),
        ({"completed": "31.2.2026"}, "completed", "not a date (use 2026-03-14 or 14.3.2026)"),
        ({"completed": "2026/03/14"}, "completed", "not a date (use 2026-03-14 or 14.3.2026)"),
        ({"completed": "maaliskuu"}, "completed", "not a date (use 2026-03-14 or 14.3.2026)"),
        ({"completed": "2026-12-04"}, "completed", "a date in the future"),
        ({"completed": ""}, "completed", "missing value"),
    ],
)
def test_one_bad_row_stops_the_whole_import(
    catalogue, developer, children, kaakkuri, bad, column, reason
):
    report = run([person(), {**person(), **bad}], by=developer, programme=children)
    assert report.errors == [RowError(3, column, reason)]
    assert EnteredValue.objects.count() == 0
    assert EnteredValueChange.objects.count() == 0


def test_a_missing_column_is_reported_on_the_header_row(catalogue, developer, children):
    report = run([{"area": "kaakkuri", "date": "2026-01-01"}], by=developer, programme=children)
    assert report.errors == [RowError(1, "completed", "missing column")]


def test_an_empty_register_is_an_error(catalogue, developer, children):
    report = run([{"area": "", "completed": ""}], by=developer, programme=children)
    assert report.errors == [RowError(2, "", "the file has no rows to import")]


def test_the_indicator_must_be_enterable(catalogue, developer, children, kaakkuri):
    Indicator.objects.filter(code="lp-trained-staff").update(enterable=False)
    with pytest.raises(ConfigurationError, match="computed by Arki"):
        run([person()], by=developer, programme=children)
    assert EnteredValue.objects.count() == 0


# --- files ---


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_excel_dates_on_the_first_of_a_month_are_days(catalogue, developer, children, kaakkuri):
    content = xlsx(
        [
            ["Name", "Area", "Completed"],
            [NAME, "kaakkuri", datetime(2025, 7, 1)],
            [NAME, "kaakkuri", date(2025, 3, 14)],
        ]
    )
    rows = read_table(SimpleUploadedFile("rekisteri.xlsx", content), month_codes=False)
    assert [row["completed"] for row in rows] == ["2025-07-01", "2025-03-14"]
    report = run(rows, by=developer, programme=children, name="rekisteri.xlsx")
    assert report.ok
    assert counts()[("kaakkuri", "2025S1")] == 1  # the same name: counted once, from 14.3.


@pytest.fixture
def signed_in(client, developer):
    client.force_login(developer)
    return client


def upload(client, content, name="koulutetut.csv", **fields):
    return client.post(
        reverse("indicator_entry:import"),
        {"kind": "training_register", "file": SimpleUploadedFile(name, content), **fields},
    )


def test_the_upload_reports_people_and_half_years(signed_in, catalogue, children, kaakkuri):
    content = f"nimi;area;completed\n{NAME};kaakkuri;14.3.2026\n".encode()
    response = upload(signed_in, content, programme=children.pk)

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["report"].people == 1
    assert "(2026S1)" in page  # the half-years written, from the first completion to today
    assert NAME not in page
    assert counts()[("kaakkuri", "2026S1")] == 1


def test_the_upload_shows_problems(signed_in, catalogue, children, kaakkuri):
    response = upload(signed_in, b"area;completed\nkaakkuri;2099-01-01\n", programme=children.pk)
    assert response.status_code == 200
    assert '<th scope="row">2</th><td>completed</td>' in response.content.decode()
    assert EnteredValue.objects.count() == 0


def test_an_excel_date_of_the_first_reads_as_a_day_through_the_page(
    signed_in, catalogue, children, kaakkuri
):
    content = xlsx([["area", "completed"], ["kaakkuri", datetime(2025, 7, 1)]])
    response = upload(signed_in, content, name="rekisteri.xlsx", programme=children.pk)
    assert response.context["report"].ok
    assert EnteredValue.objects.get(area=kaakkuri, period="2025S2").value == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("koulutetut.xlsx", b"PK\x03\x04 not a workbook"),
        ("koulutetut.csv", b"\xff\xfe\x00\x01"),
        ("koulutetut.pdf", b"%PDF"),
    ],
)
def test_garbage_is_a_file_error(signed_in, catalogue, children, name, content):
    response = upload(signed_in, content, name=name, programme=children.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_disabled_indicator_is_shown_as_a_form_error(signed_in, catalogue, children, kaakkuri):
    Indicator.objects.filter(code="lp-trained-staff").update(enterable=False)
    response = upload(signed_in, b"area;completed\nkaakkuri;2026-01-02\n", programme=children.pk)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert EnteredValue.objects.count() == 0


def test_a_coordinator_cannot_import(client, catalogue, children, kaakkuri):
    client.force_login(user_with_role(Role.COORDINATOR))
    response = upload(client, b"area;completed\nkaakkuri;2026-01-02\n", programme=children.pk)
    assert response.status_code == 403
    assert EnteredValue.objects.count() == 0


def test_the_operators_command(catalogue, developer, children, kaakkuri, tmp_path):
    path = tmp_path / "koulutetut.csv"
    path.write_text("area;completed\nkaakkuri;2025-03-14\n", encoding="utf-8")
    arguments = ["--programme", "children-families", "--user", developer.email]
    call_command("import_training_register", str(path), *arguments)
    assert EnteredValue.objects.get(area=kaakkuri, period="2025S1").value == Decimal(1)

    path.write_text("area;completed\natlantis;2025-03-14\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_training_register", str(path), *arguments)


def test_a_working_age_register_feeds_the_working_age_trained_staff(working_age, kaakkuri):
    """Issue #18: trainings of the working-age method are imported for its own indicator."""
    report = import_training_register(
        by=user_with_role("developer_worker"),
        rows=[
            {"area": "kaakkuri", "completed": "14.3.2026", "person": "1"},
            {"area": "kaakkuri", "completed": "2026-04-02", "person": "2"},
        ],
        programme=working_age,
        today=date(2026, 12, 3),
    )
    assert not report.errors
    saved = EnteredValue.objects.filter(indicator__code="work-ability-trained-staff")
    assert saved.filter(programme=working_age, area=kaakkuri, period="2026S1").get().value == 2
    assert not EnteredValue.objects.filter(indicator__code="lp-trained-staff").exists()
