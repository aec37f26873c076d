"""Bad input gets a clear answer, never a 500 or a stuck worker (issue #14, hole 9)."""

from __future__ import annotations

import csv
import io
import json
import time
import uuid

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core import exports
from core.pdf import PdfTimeLimitExceeded, render_pdf

pytestmark = pytest.mark.django_db

FREE_TEXT_APPS = ("contacts", "networks", "meetings", "leadership", "backbone")


def test_every_free_text_field_has_a_maximum_length():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in FREE_TEXT_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.editable and not field.max_length
    ]
    assert unbounded == []


@pytest.fixture
def record_setup(kaakkuri, children):
    from meetings.tests.helpers import network_with_meeting

    return network_with_meeting(kaakkuri, children)


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_an_over_long_life_area_note_is_a_form_error_and_nothing_is_saved(client, record_setup):
    from meetings.models import MeetingRecord
    from meetings.tests.test_views import record_post

    network, meeting, coordinator = record_setup
    life_area = network.programme.life_areas.filter(is_active=True).first()
    data = record_post(network, meeting, **{f"la-{life_area.pk}-strengths": "x" * 1_000_000})
    response = english(client, coordinator).post(
        reverse("meetings:record", args=[meeting.pk]), data
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[f"la-{life_area.pk}-strengths"]
    assert "Ensure this value has at most 2000 characters (it has 1000000)." in errors
    assert not MeetingRecord.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    "given_at", ["0001-01-01T00:00", "0001-01-01T00:00:00", "1989-12-31T23:59", "1000-06-15T12:00"]
)
def test_an_absurd_consent_date_is_a_form_error(client, record_setup, given_at):
    network, _meeting, coordinator = record_setup
    response = english(client, coordinator).post(
        reverse("networks:consents", args=[network.pk]),
        {
            "action": "consent",
            "scope": "share",
            "given_by": "Maija Virtanen, äiti",
            "given_how": "in_person",
            "given_at": given_at,
        },
    )
    assert response.status_code == 200
    assert "The date must be in 1990 or later." in response.content.decode()
    assert not network.consents.exists()


def fill_to_the_limits(network, meeting, coordinator):
    """A meeting record with every free-text field at its maximum length."""
    from meetings.services import NewGoal, NewPromise, RecordInput, save_meeting_record
    from meetings.tests.helpers import participants

    def text(length: int) -> str:
        return ("Perhe kertoo arjestaan ja toiveistaan, koulusta ja harrastuksista. " * 200)[
            :length
        ]

    people = list(participants(network).values())
    life_areas = network.programme.life_areas.filter(is_active=True)
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.localdate() + timedelta(days=14)
    save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            family_view=text(5000),
            child_views={meeting.network.children.get().pk: text(5000)},
            common_goal=text(2000),
            protective_factors=text(5000),
            life_areas={area.pk: (text(2000), text(2000)) for area in life_areas},
            new_goals=[NewGoal("child", text(300), 5, text(300)) for _ in range(3)],
            new_promises=[NewPromise(person, text(400), due) for person in people],
        ),
    )


def test_the_memo_pdf_with_every_field_at_its_maximum_renders_within_the_limit(
    client, record_setup
):
    from meetings.memo import render_memo_pdf

    network, meeting, coordinator = record_setup
    fill_to_the_limits(network, meeting, coordinator)
    started = time.monotonic()
    pdf = render_memo_pdf(meeting, "fi")  # raises PdfTimeLimitExceeded over the limit
    assert pdf.startswith(b"%PDF")
    assert time.monotonic() - started < 20


def test_a_pdf_over_its_time_limit_is_stopped_and_answers_a_message(client, record_setup, settings):
    network, meeting, coordinator = record_setup
    settings.ARKI_PDF_TIME_LIMIT = 0
    response = english(client, coordinator).get(reverse("meetings:memo_pdf", args=[meeting.pk]))
    assert response.status_code == 503
    assert "Making the PDF took too long and was stopped." in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_render_pdf_stops_the_render_at_the_deadline():
    slow = "<p>" + "Perhe kertoo arjestaan. " * 200_000 + "</p>"
    render_pdf("<p>Arki</p>", base_url=".")  # the first render also starts the fork server
    started = time.monotonic()
    with pytest.raises(PdfTimeLimitExceeded):
        render_pdf(slow, base_url=".", time_limit=0.5)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("-12", "-12"),
        ("-3,5", "-3,5"),
        ("+5 %", "+5 %"),
        ("Kaakkuri", "Kaakkuri"),
        (42, 42),
        (None, None),
    ],
)
def test_a_cell_that_could_be_a_formula_is_neutralised(value, written):
    assert exports.cell(value) == written


DANGEROUS_ROW = ["=1+1", "-2+3", "@SUM(A1)", "+cmd", "-7", 5]
NEUTRAL_ROW = ["'=1+1", "'-2+3", "'@SUM(A1)", "'+cmd", "-7"]


def export_rows(response, fmt):
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_feedback_export_neutralises_formula_cells(client, monkeypatch, fmt):
    from feedback import views

    monkeypatch.setattr(views, "_rows", lambda request: [DANGEROUS_ROW])
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    response = client.get(reverse("feedback:export", args=[fmt]))
    assert response.status_code == 200
    row = export_rows(response, fmt)[0]
    assert row[:5] == NEUTRAL_ROW
    assert str(row[5]) == "5"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_indicator_export_neutralises_formula_cells(client, monkeypatch, fmt):
    from indicators import views

    monkeypatch.setattr(views, "_views", lambda request, code: ({}, []))
    monkeypatch.setattr(views, "_table_rows", lambda found, **options: [DANGEROUS_ROW])
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    response = client.get(reverse("indicators:export", args=[fmt]))
    assert response.status_code == 200
    row = export_rows(response, fmt)[0]
    assert row[:5] == NEUTRAL_ROW


def test_a_lone_surrogate_in_an_hsds_import_is_a_row_error_not_a_500(client):
    from directory.models import Organisation
    from directory.services import import_hsds

    # A JSON file may spell a lone surrogate as an escape; json.loads then returns it as text.
    organisation = {"id": str(uuid.uuid4()), "name": "Kaakkurin HERE koulu", "x_sector": "ngo"}
    document = json.dumps({"organizations": [organisation]}).replace("HERE", "\\ud800")
    report = import_hsds(document.encode(), "json")
    assert not report.ok
    assert [(e.table, e.row, e.column) for e in report.errors] == [("organizations", 1, "name")]
    assert not Organisation.objects.exists()
    # The same through the page: a 200 with the error listed.
    client.force_login(user_with_role(Role.DEVELOPER_WORKER))
    client.cookies["django_language"] = "en"
    upload = io.BytesIO(document.encode())
    upload.name = "directory.json"
    response = client.post(reverse("directory:import_hsds"), {"file": upload, "format": "json"})
    assert response.status_code == 200
    assert "The text contains a character that cannot be stored" in response.content.decode()


def test_hsds_json_is_still_read_with_ordinary_text():
    from directory import hsds

    rows, errors = hsds.read_json(json.dumps({"organizations": [{"name": "Äänekoski"}]}).encode())
    assert errors == [] and rows["organizations"][0].text("name") == "Äänekoski"
