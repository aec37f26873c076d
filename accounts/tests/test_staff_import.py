"""Bulk import of staff: preview, all-or-nothing apply, re-runs and deactivations."""

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Membership, SecurityEvent, SecurityEventKind, StaffImport, User
from accounts.staff_import import apply_staff_import, plan_staff_import, read_table
from accounts.tests.factories import UserFactory, user_with_role
from audit.roles import Role
from directory.models import Position
from directory.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ["name", "email", "organisation", "service", "position", "role", "area", "programme"]


@pytest.fixture
def world():
    organisation = OrganisationFactory(name="Oulun kaupunki")
    return {
        "organisation": organisation,
        "school": ServiceFactory(organisation=organisation, name="Kaakkurin koulu"),
        "area": AreaFactory(code="kaakkuri"),
        "programme": ProgrammeFactory(code="children-families"),
        "admin": user_with_role(Role.ADMINISTRATOR, email="admin@example.fi"),
    }


def rows(*lines):
    return [dict(zip(HEADER, line, strict=True)) for line in lines]


MAIJA = (
    "Maija Meikäläinen",
    "Maija@Example.fi",
    "Oulun kaupunki",
    "Kaakkurin koulu",
    "Koulukuraattori",
    "coordinator",
    "kaakkuri",
    "children-families",
)
PEKKA = ("Pekka Virtanen", "pekka@example.fi", "oulun kaupunki", "", "", "", "", "")


def csv_upload(lines, name="staff.csv"):
    text = "\n".join(";".join(line) for line in [HEADER, *lines])
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_upload(lines, name="staff.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for line in [HEADER, *lines]:
        sheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_preview_lists_creates_updates_and_missing_staff(world):
    UserFactory(email="pekka@example.fi", full_name="Pekka V")
    leaver = UserFactory(email="leaver@example.fi")
    Position.objects.create(user=leaver, service=world["school"], title="Opettaja")

    plan = plan_staff_import(rows(MAIJA, PEKKA), by=world["admin"])

    assert plan.ok
    assert (plan.created, plan.updated, plan.unchanged) == (1, 1, 0)
    maija, pekka = plan.rows
    assert maija.new and maija.email == "maija@example.fi"
    assert len(maija.changes) == 3  # user, role, position
    assert not pekka.new and len(pekka.changes) == 1  # the name
    assert [user.email for user in plan.missing] == ["leaver@example.fi"]
    assert not User.objects.filter(email="maija@example.fi").exists()  # a preview writes nothing


def test_apply_writes_exactly_the_preview(world):
    pekka = UserFactory(email="pekka@example.fi", full_name="Pekka V")
    old_role = Membership.objects.create(
        user=pekka, role=Role.PROFESSIONAL, organisation=world["organisation"]
    )
    plan = plan_staff_import(rows(MAIJA, PEKKA), by=world["admin"])

    run = apply_staff_import(plan, by=world["admin"], deactivate_missing=False, file_name="a.csv")

    maija = User.objects.get(email="maija@example.fi")
    assert maija.full_name == "Maija Meikäläinen" and not maija.has_usable_password()
    membership = maija.memberships.get()
    assert (membership.role, membership.area, membership.programme, membership.organisation) == (
        Role.COORDINATOR,
        world["area"],
        world["programme"],
        world["organisation"],
    )
    assert maija.positions.get().title == "Koulukuraattori"
    pekka.refresh_from_db()
    assert pekka.full_name == "Pekka Virtanen"
    assert not Membership.objects.filter(pk=old_role.pk).exists()
    assert (run.created, run.updated, run.unchanged, run.deactivated) == (1, 1, 0, 0)
    assert run.by == world["admin"] and run.file_name == "a.csv"
    # The coordinator role opens personal data: its grant is logged with the administrator.
    grant = SecurityEvent.objects.get(kind=SecurityEventKind.MEMBERSHIP_GRANTED, user=maija)
    assert grant.actor == world["admin"]


def test_second_run_of_the_same_file_changes_nothing(world):
    first = plan_staff_import(rows(MAIJA, PEKKA), by=world["admin"])
    apply_staff_import(first, by=world["admin"], deactivate_missing=False)
    users, memberships, positions = (
        User.objects.count(),
        Membership.objects.count(),
        Position.objects.count(),
    )

    again = plan_staff_import(rows(MAIJA, PEKKA), by=world["admin"])

    assert again.ok and not again.has_changes and not again.missing
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    run = apply_staff_import(again, by=world["admin"], deactivate_missing=True)
    assert (run.created, run.updated, run.deactivated) == (0, 0, 0)
    assert (User.objects.count(), Membership.objects.count(), Position.objects.count()) == (
        users,
        memberships,
        positions,
    )


@pytest.mark.parametrize(
    ("line", "column"),
    [
        (("X", "x@example.fi", "No such org", "", "", "", "", ""), "organisation"),
        (("X", "x@example.fi", "Oulun kaupunki", "No such", "Title", "", "", ""), "service"),
        (("X", "x@example.fi", "Oulun kaupunki", "", "", "", "nowhere", ""), "area"),
        (("X", "x@example.fi", "Oulun kaupunki", "", "", "professional", "", "nope"), "programme"),
        (("X", "x@example.fi", "Oulun kaupunki", "", "", "chief", "", ""), "role"),
        (("X", "x@example.fi", "Oulun kaupunki", "", "", "administrator", "", ""), "role"),
        (("X", "not-an-email", "Oulun kaupunki", "", "", "", "", ""), "email"),
        (("X", "maija@example.fi", "Oulun kaupunki", "", "", "", "", ""), "email"),
        (("X", "x@example.fi", "Oulun kaupunki", "", "", "coordinator", "", ""), "area"),
        (("", "x@example.fi", "Oulun kaupunki", "", "", "", "", ""), "name"),
    ],
)
def test_one_bad_row_writes_nothing(world, line, column):
    plan = plan_staff_import(rows(MAIJA, line), by=world["admin"])

    assert not plan.ok
    assert any(error.row == 3 and error.column == column for error in plan.errors)
    with pytest.raises(ValueError):
        apply_staff_import(plan, by=world["admin"], deactivate_missing=True)
    assert not User.objects.filter(email="maija@example.fi").exists()


def test_missing_columns_are_reported():
    plan = plan_staff_import([{"name": "X", "email": "x@example.fi"}])
    assert [(error.row, error.column) for error in plan.errors] == [(1, "organisation")]


def test_missing_staff_are_deactivated_only_when_ticked(world, client):
    leaver = UserFactory(email="leaver@example.fi")
    Membership.objects.create(
        user=leaver, role=Role.PROFESSIONAL, organisation=world["organisation"]
    )
    client.force_login(leaver)
    plan = plan_staff_import(rows(MAIJA), by=world["admin"])

    run = apply_staff_import(plan, by=world["admin"], deactivate_missing=False)
    leaver.refresh_from_db()
    assert leaver.is_active and run.left_active == 1 and run.deactivated == 0

    plan = plan_staff_import(rows(MAIJA), by=world["admin"])
    run = apply_staff_import(plan, by=world["admin"], deactivate_missing=True)
    leaver.refresh_from_db()
    assert not leaver.is_active and run.deactivated == 1
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.USER_DEACTIVATED, user=leaver, actor=world["admin"]
    ).exists()
    assert not Session.objects.exists()  # signed out at once
    # The administrator running the import is never listed as missing.
    assert world["admin"].is_active


def test_csv_and_xlsx_give_the_same_plan(world):
    lines = [MAIJA, PEKKA]
    from_csv = plan_staff_import(read_table(csv_upload(lines)), by=world["admin"])
    from_xlsx = plan_staff_import(
        read_table(xlsx_upload(lines), month_codes=False), by=world["admin"]
    )
    assert from_csv.ok and from_xlsx.ok
    assert from_csv.fingerprint == from_xlsx.fingerprint


def test_page_is_for_administrators_only(world, client):
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get(reverse("accounts:staff_import")).status_code == 403
    response = client.post(reverse("accounts:staff_import"), {"file": csv_upload([MAIJA])})
    assert response.status_code == 403
    assert client.get(reverse("accounts:staff_import_template")).status_code == 403
    assert not User.objects.filter(email="maija@example.fi").exists()


def test_upload_preview_and_apply_through_the_page(world, client, settings):
    settings.LANGUAGE_CODE = "en"
    leaver = UserFactory(email="leaver@example.fi")
    Membership.objects.create(
        user=leaver, role=Role.PROFESSIONAL, organisation=world["organisation"]
    )
    client.force_login(world["admin"])
    url = reverse("accounts:staff_import")

    preview = client.post(url, {"file": csv_upload([MAIJA, PEKKA])})
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.ok and plan.created == 2 and [u.email for u in plan.missing] == [leaver.email]
    form = preview.context["apply_form"]
    assert not User.objects.filter(email="maija@example.fi").exists()

    applied = client.post(
        url,
        {
            "payload": form.initial["payload"],
            "fingerprint": form.initial["fingerprint"],
            "deactivate_missing": "on",
        },
    )
    assert applied.status_code == 200
    run = applied.context["run"]
    assert (run.created, run.deactivated) == (2, 1)
    assert StaffImport.objects.count() == 1
    leaver.refresh_from_db()
    assert not leaver.is_active

    # Applying the same preview again: the staff moved since, so a new preview is shown.
    stale = client.post(
        url, {"payload": form.initial["payload"], "fingerprint": form.initial["fingerprint"]}
    )
    assert stale.status_code == 409 and stale.context["moved"]
    assert not stale.context["plan"].has_changes
    assert StaffImport.objects.count() == 1


def test_a_tampered_preview_is_refused(world, client):
    client.force_login(world["admin"])
    response = client.post(
        reverse("accounts:staff_import"), {"payload": "forged", "fingerprint": "x"}
    )
    assert response.status_code == 400 and response.context["expired"]


def test_errors_are_listed_row_by_row_on_the_page(world, client):
    client.force_login(world["admin"])
    bad = ("X", "bad", "Nowhere", "", "", "", "", "")
    response = client.post(reverse("accounts:staff_import"), {"file": csv_upload([MAIJA, bad])})
    plan = response.context["plan"]
    assert not plan.ok and {error.column for error in plan.errors} == {"email", "organisation"}
    assert "apply_form" not in response.context
    assert b'id="staff-import-errors"' in response.content


def test_template_downloads(world, client):
    client.force_login(world["admin"])
    response = client.get(reverse("accounts:staff_import_template"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith(";".join(HEADER))
