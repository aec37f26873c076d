"""Open Referral HSDS export and import."""

import csv
import io
import json
import uuid
import zipfile

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.tests.factories import UserFactory
from directory import hsds
from directory.models import Location, Organisation, Position, Service
from directory.services import import_hsds
from directory.tests.factories import (
    AreaFactory,
    LocationFactory,
    OrganisationFactory,
    PositionFactory,
    ProgrammeFactory,
    SectorFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    kaakkuri, tuira = AreaFactory(code="kaakkuri"), AreaFactory(code="tuira")
    families, working_age = ProgrammeFactory(code="families"), ProgrammeFactory(code="working-age")
    city = OrganisationFactory(
        name="Oulun kaupunki",
        sector=SectorFactory(code="education"),
        description="Kunta",
        email="kirjaamo@example.fi",
        phone="08 558 410",
        website="https://www.example.fi/",
    )
    association = OrganisationFactory(
        name="Nuorten Ystävät", sector=SectorFactory(code="ngo"), phone=""
    )
    school = ServiceFactory(
        organisation=city,
        name="Kaakkurin koulu",
        basic_task="Opetus",
        description="Perusopetus",
        email="koulu@example.fi",
        phone="044 123",
        url="https://koulu.example.fi/",
        areas=[kaakkuri, tuira],
        programmes=[families, working_age],
    )
    workshop = ServiceFactory(organisation=association, name="Työpaja", is_active=False, phone="")
    LocationFactory(
        organisation=city,
        name="Koulun päärakennus",
        address="Koulutie 1",
        postal_code="90410",
        city="Oulu",
        area=kaakkuri,
        services=[school],
    )
    LocationFactory(organisation=association, name="Paja", area=None, services=[workshop, school])
    PositionFactory(
        service=school,
        title="Koulukuraattori",
        user__full_name="Kaisa K",
        user__email="kaisa@example.fi",
    )
    PositionFactory(service=school, title="Rehtori", is_active=False)
    return {"city": city, "school": school}


def snapshot():
    """The directory as comparable plain values, keyed by HSDS id."""
    return {
        "organisations": {
            o.hsds_id: (o.name, o.sector.code, o.description, o.email, o.phone, o.website)
            for o in Organisation.objects.select_related("sector")
        },
        "services": {
            s.hsds_id: (
                s.organisation.hsds_id,
                s.name,
                s.basic_task,
                s.description,
                s.email,
                s.phone,
                s.url,
                s.is_active,
                sorted(a.code for a in s.areas.all()),
                sorted(p.code for p in s.programmes.all()),
            )
            for s in Service.objects.select_related("organisation")
        },
        "locations": {
            loc.hsds_id: (
                loc.organisation.hsds_id,
                loc.name,
                loc.address,
                loc.postal_code,
                loc.city,
                loc.area.code if loc.area else None,
                sorted(s.hsds_id for s in loc.services.all()),
            )
            for loc in Location.objects.select_related("organisation", "area")
        },
    }


def empty_the_directory():
    Position.objects.all().delete()
    Location.objects.all().delete()
    Service.objects.all().delete()
    Organisation.objects.all().delete()


def test_json_export_uses_hsds_tables_and_field_names(directory):
    tables = json.loads(hsds.export_directory("json").content)

    assert set(tables) == {
        "organizations",
        "services",
        "locations",
        "addresses",
        "service_at_locations",
        "contacts",
        "phones",
    }
    city = next(o for o in tables["organizations"] if o["name"] == "Oulun kaupunki")
    assert city == {
        "id": str(directory["city"].hsds_id),
        "name": "Oulun kaupunki",
        "description": "Kunta",
        "email": "kirjaamo@example.fi",
        "website": "https://www.example.fi/",
        "x_sector": "education",
    }
    school = next(s for s in tables["services"] if s["name"] == "Kaakkurin koulu")
    assert school["organization_id"] == str(directory["city"].hsds_id)
    assert school["status"] == "active"
    assert school["x_basic_task"] == "Opetus"
    assert school["x_areas"] == ["kaakkuri", "tuira"]
    assert school["x_programmes"] == ["families", "working-age"]
    workshop = next(s for s in tables["services"] if s["name"] == "Työpaja")
    assert workshop["status"] == "inactive"
    assert "email" not in workshop and "url" not in workshop  # HSDS: left out, not empty
    building = next(loc for loc in tables["locations"] if loc["name"] == "Koulun päärakennus")
    assert building["x_area"] == "kaakkuri"
    assert building["location_type"] == "physical"
    assert "address_1" not in building  # HSDS keeps addresses in their own table
    address = next(a for a in tables["addresses"] if a["location_id"] == building["id"])
    assert {key: value for key, value in address.items() if key != "id"} == {
        "location_id": building["id"],
        "address_1": "Koulutie 1",
        "city": "Oulu",
        "state_province": settings.ARKI_REGION_NAME,
        "postal_code": "90410",
        "country": "FI",
        "address_type": "physical",
    }
    assert [
        s["service_id"]
        for s in tables["service_at_locations"]
        if s["location_id"] == building["id"]
    ] == [str(directory["school"].hsds_id)]
    assert [(c["name"], c["title"], c["email"]) for c in tables["contacts"]] == [
        ("Kaisa K", "Koulukuraattori", "kaisa@example.fi")
    ]
    assert tables["contacts"][0]["service_id"] == str(directory["school"].hsds_id)
    phones = {
        (p.get("organization_id"), p.get("service_id"), p["number"]) for p in tables["phones"]
    }
    assert phones == {
        (str(directory["city"].hsds_id), None, "08 558 410"),
        (None, str(directory["school"].hsds_id), "044 123"),
    }


def test_csv_export_is_a_zip_of_one_csv_per_table_with_lists_joined_by_bars(directory):
    archive = zipfile.ZipFile(io.BytesIO(hsds.export_directory("csv").content))

    assert sorted(archive.namelist()) == [
        "addresses.csv",
        "contacts.csv",
        "datapackage.json",
        "locations.csv",
        "organizations.csv",
        "phones.csv",
        "service_at_location.csv",
        "services.csv",
    ]
    services = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode("utf-8"))))
    assert list(services[0]) == hsds.csv_columns("services")
    assert set(hsds.COLUMNS["services"]) <= set(services[0])
    school = next(s for s in services if s["name"] == "Kaakkurin koulu")
    assert school["x_areas"] == "kaakkuri|tuira"
    assert school["x_programmes"] == "families|working-age"
    locations = list(csv.DictReader(io.StringIO(archive.read("locations.csv").decode("utf-8"))))
    paja = next(loc for loc in locations if loc["name"] == "Paja")
    at_locations = list(
        csv.DictReader(io.StringIO(archive.read("service_at_location.csv").decode("utf-8")))
    )
    assert len([s for s in at_locations if s["location_id"] == paja["id"]]) == 2


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_an_empty_directory_reproduces_it(directory, fmt):
    before = snapshot()
    exported = hsds.export_directory(fmt).content
    empty_the_directory()

    report = import_hsds(exported, fmt)

    assert report.errors == []
    assert snapshot() == before
    assert (report.organisations_created, report.services_created, report.locations_created) == (
        2,
        2,
        2,
    )
    # Kaisa's account still exists, so her position comes back; nobody else's is invented.
    assert report.positions_added == 1
    assert list(Position.objects.values_list("user__email", "title")) == [
        ("kaisa@example.fi", "Koulukuraattori")
    ]


def test_importing_the_same_file_again_updates_instead_of_duplicating(directory):
    exported = hsds.export_directory("json").content
    before = snapshot()

    report = import_hsds(exported, "json")

    assert (report.organisations_created, report.organisations_updated) == (0, 2)
    assert (report.services_created, report.services_updated) == (0, 2)
    assert snapshot() == before


def test_import_updates_a_record_by_its_id_and_leaves_left_out_columns_alone(directory):
    city = directory["city"]
    document = {"organizations": [{"id": str(city.hsds_id), "name": "Oulu", "x_sector": "ngo"}]}

    report = import_hsds(json.dumps(document).encode(), "json")

    assert report.ok
    city.refresh_from_db()
    assert (city.name, city.sector.code) == ("Oulu", "ngo")
    assert (city.description, city.email, city.phone) == (
        "Kunta",
        "kirjaamo@example.fi",
        "08 558 410",
    )


def test_contacts_never_create_accounts():
    SectorFactory(code="ngo")
    organisation_id, service_id = str(uuid.uuid4()), str(uuid.uuid4())
    known = UserFactory(email="known@example.fi")
    document = {
        "organizations": [{"id": organisation_id, "name": "Järjestö", "x_sector": "ngo"}],
        "services": [{"id": service_id, "organization_id": organisation_id, "name": "Kerho"}],
        "contacts": [
            {
                "id": str(uuid.uuid4()),
                "service_id": service_id,
                "title": "Ohjaaja",
                "email": "KNOWN@example.fi",
            },
            {
                "id": str(uuid.uuid4()),
                "service_id": service_id,
                "title": "Vapaaehtoinen",
                "email": "new@example.fi",
            },
            {
                "id": str(uuid.uuid4()),
                "service_id": service_id,
                "name": "Vaihde",
                "title": "Vaihde",
            },
        ],
    }
    users_before = get_user_model().objects.count()

    report = import_hsds(json.dumps(document).encode(), "json")

    assert report.ok
    assert (report.positions_added, report.contacts_skipped) == (1, 2)
    assert get_user_model().objects.count() == users_before
    position = Position.objects.get()
    assert (position.user, position.service.name, position.title) == (known, "Kerho", "Ohjaaja")


def test_a_malformed_file_is_rejected_whole_with_row_level_reasons(directory):
    before = snapshot()
    known_organisation = str(directory["city"].hsds_id)
    new_organisation = str(uuid.uuid4())
    document = {
        "organizations": [
            {"id": new_organisation, "name": "Hyvä rivi", "x_sector": "ngo"},
            {"id": str(uuid.uuid4()), "name": "Outo", "x_sector": "no-such-sector"},
            {"id": str(uuid.uuid4()), "name": "", "x_sector": "ngo"},
            {"id": "not-a-uuid", "name": "Väärä tunniste", "x_sector": "ngo"},
            {
                "id": str(uuid.uuid4()),
                "name": "Sähköposti",
                "x_sector": "ngo",
                "email": "not an email",
            },
        ],
        "services": [
            {"id": str(uuid.uuid4()), "organization_id": str(uuid.uuid4()), "name": "Orpo"},
            {
                "id": str(uuid.uuid4()),
                "organization_id": known_organisation,
                "name": "Alueeton",
                "x_areas": ["kaakkuri", "atlantis"],
            },
            {
                "id": str(uuid.uuid4()),
                "organization_id": new_organisation,
                "name": "Tila",
                "status": "maybe",
            },
        ],
        "locations": [
            {
                "id": str(uuid.uuid4()),
                "organization_id": known_organisation,
                "name": "Paikka",
                "x_area": "mordor",
            },
        ],
        "contacts": [
            {
                "id": str(uuid.uuid4()),
                "service_id": str(directory["school"].hsds_id),
                "title": "X",
                "email": "@@",
            },
        ],
    }

    with translation.override("en"):
        report = import_hsds(json.dumps(document).encode(), "json")

    assert not report.ok
    found = {(e.table, e.row, e.column) for e in report.errors}
    assert found == {
        ("organizations", 2, "x_sector"),
        ("organizations", 3, "name"),
        ("organizations", 4, "id"),
        ("organizations", 5, "email"),
        ("services", 1, "organization_id"),
        ("services", 2, "x_areas"),
        ("services", 3, "status"),
        ("locations", 1, "x_area"),
        ("contacts", 1, "email"),
    }
    reasons = {(e.table, e.row): e.reason for e in report.errors}
    assert reasons[("organizations", 2)] == "Unknown sector code “no-such-sector”."
    assert reasons[("organizations", 4)] == "“not-a-uuid” is not a valid UUID."
    assert reasons[("services", 2)] == "Unknown area code “atlantis”."
    assert "No organisation has the id" in reasons[("services", 1)]
    assert snapshot() == before
    assert not Organisation.objects.filter(name="Hyvä rivi").exists()


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(b"{not json", "json"), (b"[1, 2]", "json"), (b"not a zip", "csv")],
)
def test_an_unreadable_file_is_one_error_about_the_whole_file(data, fmt):
    report = import_hsds(data, fmt)
    assert len(report.errors) == 1
    assert (report.errors[0].table, report.errors[0].row) == ("", 0)


def test_csv_rows_are_numbered_as_in_a_spreadsheet():
    SectorFactory(code="ngo")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "organizations.csv",
            f"id,name,x_sector\r\n{uuid.uuid4()},Hyvä,ngo\r\n{uuid.uuid4()},,ngo\r\n",
        )
    report = import_hsds(buffer.getvalue(), "csv")
    assert [(e.table, e.row, e.column) for e in report.errors] == [("organizations", 3, "name")]
    assert not Organisation.objects.exists()


def test_duplicate_ids_and_two_phones_for_one_organisation_are_errors():
    SectorFactory(code="ngo")
    same = str(uuid.uuid4())
    document = {
        "organizations": [
            {"id": same, "name": "A", "x_sector": "ngo"},
            {"id": same, "name": "B", "x_sector": "ngo"},
        ],
        "phones": [
            {"id": str(uuid.uuid4()), "organization_id": same, "number": "1"},
            {"id": str(uuid.uuid4()), "organization_id": same, "number": "2"},
            {"id": str(uuid.uuid4()), "number": "3"},
        ],
    }
    report = import_hsds(json.dumps(document).encode(), "json")
    assert {(e.table, e.row, e.column) for e in report.errors} == {
        ("organizations", 2, "id"),
        ("phones", 2, "number"),
        ("phones", 3, "organization_id"),
    }


def test_commands_export_and_import_and_fail_on_errors(directory, tmp_path, capsys):
    path = tmp_path / "directory.zip"
    call_command("export_directory", "--format", "csv", str(path))
    before = snapshot()
    empty_the_directory()

    call_command("import_directory", "--format", "csv", str(path))

    assert snapshot() == before
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"organizations": [{"id": "x", "name": "Y", "x_sector": "ngo"}]}))
    with pytest.raises(CommandError):
        call_command("import_directory", "--format", "json", str(broken))
    assert "organizations, row 1, id" in capsys.readouterr().err


def test_a_phones_only_file_updates_the_numbers_of_existing_records(directory):
    city, school = directory["city"], directory["school"]
    document = {
        "phones": [
            {"id": str(uuid.uuid4()), "organization_id": str(city.hsds_id), "number": "08 000"},
            {"id": str(uuid.uuid4()), "service_id": str(school.hsds_id), "number": "044 999"},
        ]
    }

    report = import_hsds(json.dumps(document).encode(), "json")

    assert (report.ok, report.phones, report.organisations_updated) == (True, 2, 0)
    city.refresh_from_db()
    school.refresh_from_db()
    assert (city.phone, city.name, school.phone) == ("08 000", "Oulun kaupunki", "044 999")


def test_service_at_locations_must_name_a_location_of_the_file(directory):
    school = directory["school"]
    document = {
        "service_at_locations": [
            {
                "id": str(uuid.uuid4()),
                "service_id": str(school.hsds_id),
                "location_id": str(uuid.uuid4()),
            }
        ]
    }

    report = import_hsds(json.dumps(document).encode(), "json")

    assert [(e.table, e.row, e.column) for e in report.errors] == [
        ("service_at_locations", 1, "location_id")
    ]


def older_csv_export(location_id, service_id, organisation_id):
    """A CSV zip as Arki wrote it before the data package: address columns on the location
    row and ``service_at_locations.csv``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "locations.csv",
            "id,location_type,organization_id,name,address_1,postal_code,city\r\n"
            f"{location_id},physical,{organisation_id},Vanha,Tie 2,90100,Oulu\r\n",
        )
        archive.writestr(
            "service_at_locations.csv",
            f"id,service_id,location_id\r\n{uuid.uuid4()},{service_id},{location_id}\r\n",
        )
    return buffer.getvalue()


def test_files_of_older_exports_still_import(directory):
    location_id = uuid.uuid4()
    data = older_csv_export(location_id, directory["school"].hsds_id, directory["city"].hsds_id)

    report = import_hsds(data, "csv")

    assert report.errors == []
    location = Location.objects.get(hsds_id=location_id)
    assert (location.address, location.postal_code, location.city) == ("Tie 2", "90100", "Oulu")
    assert list(location.services.all()) == [directory["school"]]


def test_an_address_row_sets_the_street_address_of_its_location(directory):
    building = Location.objects.get(name="Koulun päärakennus")
    unknown = uuid.uuid4()
    document = {
        "locations": [
            {"id": str(building.hsds_id), "location_type": "physical", "name": building.name}
        ],
        "addresses": [
            {"id": str(uuid.uuid4()), "location_id": str(unknown), "address_1": "X"},
            {
                "id": str(uuid.uuid4()),
                "location_id": str(building.hsds_id),
                "address_1": "Uusi tie 5",
                "city": "Oulu",
                "state_province": "Pohjois-Pohjanmaa",
                "postal_code": "90420",
                "country": "FI",
                "address_type": "physical",
            },
        ],
    }
    data = json.dumps(document).encode()

    report = import_hsds(data, "json")

    assert [(e.table, e.row, e.column) for e in report.errors] == [("addresses", 1, "location_id")]
    assert str(unknown) in report.errors[0].reason
    del document["addresses"][0]
    assert import_hsds(json.dumps(document).encode(), "json").errors == []
    building.refresh_from_db()
    assert (building.address, building.postal_code) == ("Uusi tie 5", "90420")
