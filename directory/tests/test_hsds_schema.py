"""The HSDS export conforms to the official Open Referral HSDS 3.0 JSON schemas."""

import copy
import csv
import io
import json
import uuid
import zipfile

import pytest
from django.core.management import call_command

from directory import hsds
from directory.hsds_schema import csv_tables, datapackage_errors, schema_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_export(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    return hsds.directory_as_hsds()


def test_the_demo_export_validates_against_the_hsds_schemas(demo_export):
    assert demo_export["organizations"] and demo_export["services"] and demo_export["locations"]
    assert demo_export["service_at_locations"] and demo_export["phones"]
    assert len(demo_export["addresses"]) == len(demo_export["locations"])
    document = json.loads(hsds.export_directory(hsds.JSON).content)
    errors = schema_errors(document)
    assert [str(error) for error in errors] == []


def test_the_demo_csv_export_validates_against_the_hsds_schemas(demo_export):
    errors = schema_errors(csv_tables(hsds.encode(demo_export, hsds.CSV).content), from_csv=True)
    assert [str(error) for error in errors] == []


def test_a_broken_export_fails_validation(demo_export):
    broken = copy.deepcopy(demo_export)
    del broken["locations"][0]["location_type"]
    broken["services"][0]["status"] = "open"
    broken["phones"][0]["organization_id"] = "not-a-uuid"
    broken["organizations"][0]["website"] = 42
    messages = [str(error) for error in schema_errors(broken)]
    assert len(messages) == 4, messages
    assert any("'location_type' is a required property" in message for message in messages)
    assert any("'open' is not one of" in message for message in messages)
    assert any("is not a 'uuid'" in message for message in messages)
    assert any("organizations[1] website" in message for message in messages)


def rewrite(data, changes):
    """A copy of the zip ``data`` with some members replaced (``None`` removes one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = changes.get(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return buffer.getvalue()


def csv_rows(data, name):
    text = zipfile.ZipFile(io.BytesIO(data)).read(name).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def as_csv(rows):
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue()


def test_the_demo_csv_export_is_a_valid_hsds_data_package(demo_export):
    assert demo_export["addresses"]
    data = hsds.encode(demo_export, hsds.CSV).content

    assert [str(error) for error in datapackage_errors(data)] == []
    descriptor = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    assert {resource["path"] for resource in descriptor["resources"]} == {
        "organizations.csv",
        "services.csv",
        "locations.csv",
        "addresses.csv",
        "service_at_location.csv",
        "contacts.csv",
        "phones.csv",
    }
    phone = next(r for r in descriptor["resources"] if r["name"] == "phone")
    assert {key["reference"]["resource"] for key in phone["schema"]["foreignKeys"]} == {
        "contact",
        "location",
        "organization",
        "service",
        "service_at_location",
    }


def test_a_broken_csv_data_package_is_reported_clearly(demo_export):
    data = hsds.encode(demo_export, hsds.CSV).content
    organizations = csv_rows(data, "organizations.csv")
    name = organizations[0].index("name")
    organizations = [row[:name] + row[name + 1 :] for row in organizations]
    services = csv_rows(data, "services.csv")
    services[1][services[0].index("organization_id")] = str(uuid.uuid4())
    services[2][services[0].index("status")] = "open"
    addresses = csv_rows(data, "addresses.csv")
    addresses[1][addresses[0].index("postal_code")] = ""
    broken = rewrite(
        data,
        {
            "organizations.csv": as_csv(organizations),
            "services.csv": as_csv(services),
            "addresses.csv": as_csv(addresses),
        },
    )

    messages = [str(error) for error in datapackage_errors(broken)]

    assert "organization row 1 (file): missing columns ['name']" in messages
    assert any(
        m.startswith("service row 2 organization_id: no organization has id") for m in messages
    )
    assert any(m.startswith("service row 3 status: 'open' is not one of") for m in messages)
    assert "address row 2 postal_code: a value is required" in messages
    assert len(messages) == 4, messages


def test_a_data_package_must_keep_the_official_definitions(demo_export):
    data = hsds.encode(demo_export, hsds.CSV).content
    descriptor = hsds.datapackage()
    service = next(r for r in descriptor["resources"] if r["name"] == "service")
    service["schema"]["fields"][0]["constraints"]["required"] = False
    service["schema"]["fields"].append({"name": "colour", "type": "string"})

    messages = [
        str(error)
        for error in datapackage_errors(rewrite(data, {"datapackage.json": json.dumps(descriptor)}))
    ]

    assert len(messages) == 2, messages
    assert messages[0].startswith("service id: must be defined as")
    assert messages[1] == "service colour: not an HSDS field"
    assert [str(e) for e in datapackage_errors(rewrite(data, {"datapackage.json": None}))] == [
        "datapackage.json (file): the file is missing"
    ]
