"""CSV that opens right in Finnish Excel (issue #20): UTF-8 with BOM, a semicolon variant with
decimal commas, formula-safe cells."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.csv_export import BOM, COMMA, SEMICOLON, csv_response, csv_text, delimiter_from

ROWS: list[list[Any]] = [
    ["Kysymys", "Vastauksia", "Keskiarvo"],
    ["Äänestitkö?", 5, 3.25],
    ["=1+1", -12, None],
]


def parse(text: str, delimiter: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=delimiter))


def test_comma_csv_has_a_bom_crlf_and_decimal_points():
    text = csv_text(ROWS)
    assert text.startswith("\ufeffKysymys,")
    assert "\r\n" in text
    assert parse(text, COMMA) == [
        ["Kysymys", "Vastauksia", "Keskiarvo"],
        ["Äänestitkö?", "5", "3.25"],
        ["'=1+1", "-12", ""],  # a formula is neutralised, a negative number is not
    ]


def test_semicolon_csv_for_finnish_excel_writes_decimal_commas():
    text = csv_text([*ROWS, ["Osuus", Decimal("66.7"), 0.5]], delimiter=SEMICOLON)
    rows = parse(text, SEMICOLON)
    assert rows[1] == ["Äänestitkö?", "5", "3,25"]
    assert rows[3] == ["Osuus", "66,7", "0,5"]
    assert all(len(row) == 3 for row in rows)


def test_the_bytes_are_utf8_with_the_bom_and_utf8_sig_reads_them_clean():
    response = csv_response(ROWS, filename="arki.csv", delimiter=SEMICOLON)
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="arki.csv"'
    decoded = response.content.decode("utf-8-sig")
    assert decoded.startswith("Kysymys;") and "Äänestitkö?" in decoded


def test_without_bom_for_programs():
    assert csv_text(ROWS, bom=False).startswith("Kysymys,")


def test_only_comma_and_semicolon():
    with pytest.raises(ValueError):
        csv_text(ROWS, delimiter="\t")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", COMMA), ("?sep=semicolon", SEMICOLON), ("?sep=comma", COMMA), ("?sep=tab", COMMA)],
)
def test_the_delimiter_comes_from_sep(query, expected):
    assert delimiter_from(RequestFactory().get("/export.csv" + query)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params"),
    [
        (reverse("indicators:export", args=["csv"]), {}),
        (reverse("feedback:export", args=["csv"]), {}),
    ],
)
def test_the_exports_have_the_bom_and_the_semicolon_variant(client, url, params):
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    plain = client.get(url, params)
    assert plain.status_code == 200 and plain.content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(plain.content.decode("utf-8-sig"))))
    excel = client.get(url, {**params, "sep": "semicolon"})
    assert excel.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(excel.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == header and len(header) > 2


@pytest.mark.django_db
def test_the_indicator_import_template_stays_semicolon_separated_with_a_bom(client):
    client.force_login(user_with_role(Role.DEVELOPER_WORKER))
    response = client.get(reverse("indicator_entry:template"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert (
        len(next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))) == 5
    )


@pytest.mark.django_db
def test_the_indicator_api_csv_has_no_bom(client):
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    response = client.get(reverse("indicators:api_values"), {"format": "csv"})
    assert response.content.startswith(b"indicator,area,period,value,suppressed,unit")
