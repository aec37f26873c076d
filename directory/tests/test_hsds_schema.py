"""The HSDS export conforms to the official Open Referral HSDS 3.0 JSON schemas."""

import copy
import json

import pytest
from django.core.management import call_command

from directory import hsds
from directory.hsds_schema import csv_tables, schema_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_export(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    return hsds.directory_as_hsds()


def test_the_demo_export_validates_against_the_hsds_schemas(demo_export):
    assert demo_export["organizations"] and demo_export["services"] and demo_export["locations"]
    assert demo_export["service_at_locations"] and demo_export["phones"]
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
