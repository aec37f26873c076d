"""HSDS export and import pages: only the backbone and administrators may use them."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import UserFactory
from audit.roles import Role
from directory import hsds
from directory.models import Organisation
from directory.tests.factories import OrganisationFactory, SectorFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("directory:import_hsds")


@pytest.fixture
def developer_worker(client):
    client.force_login(UserFactory(roles=[Role.DEVELOPER_WORKER]))
    return client


@pytest.mark.parametrize("role", [None, Role.PROFESSIONAL, Role.COORDINATOR])
def test_export_and_import_are_refused_to_other_roles(client, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    assert client.get(reverse("directory:export_hsds", args=["json"])).status_code == 403
    assert client.get(IMPORT).status_code == 403
    upload = SimpleUploadedFile("d.json", b"{}", content_type="application/json")
    assert client.post(IMPORT, {"file": upload, "format": "json"}).status_code == 403


def test_search_page_links_import_and_export_only_for_those_who_may_use_them(client):
    client.force_login(UserFactory(roles=[Role.PROFESSIONAL]))
    assert IMPORT not in client.get(reverse("directory:search")).content.decode()
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert IMPORT in client.get(reverse("directory:search")).content.decode()


@pytest.mark.parametrize(
    ("fmt", "content_type", "filename"),
    [
        ("json", "application/json", "arki-directory-hsds.json"),
        ("csv", "application/zip", "arki-directory-hsds-csv.zip"),
    ],
)
def test_developer_worker_downloads_the_directory(developer_worker, fmt, content_type, filename):
    OrganisationFactory(name="Oulun kaupunki")
    response = developer_worker.get(reverse("directory:export_hsds", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    if fmt == "json":
        assert json.loads(response.content)["organizations"][0]["name"] == "Oulun kaupunki"


def test_unknown_export_format_is_not_found(developer_worker):
    assert developer_worker.get(reverse("directory:export_hsds", args=["xml"])).status_code == 404


def test_import_page_has_a_labelled_upload_form(developer_worker):
    html = developer_worker.get(IMPORT).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file">' in html
    assert '<label for="id_format">' in html


def test_successful_import_redirects_with_the_counts(developer_worker, in_english):
    SectorFactory(code="ngo")
    document = {"organizations": [{"id": str(uuid.uuid4()), "name": "Järjestö", "x_sector": "ngo"}]}
    upload = SimpleUploadedFile("d.json", json.dumps(document).encode(), "application/json")

    response = developer_worker.post(IMPORT, {"file": upload, "format": "json"}, follow=True)

    assert response.redirect_chain == [(IMPORT, 302)]
    assert Organisation.objects.get().name == "Järjestö"
    message = str(next(iter(response.context["messages"])))
    assert "Organisations: 1 new, 0 updated." in message


def test_failed_import_shows_the_row_level_report_and_saves_nothing(developer_worker, in_english):
    SectorFactory(code="ngo")
    document = {
        "organizations": [
            {"id": str(uuid.uuid4()), "name": "Hyvä", "x_sector": "ngo"},
            {"id": str(uuid.uuid4()), "name": "Huono", "x_sector": "atlantis"},
        ]
    }
    upload = SimpleUploadedFile("d.json", json.dumps(document).encode(), "application/json")

    response = developer_worker.post(IMPORT, {"file": upload, "format": "json"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown sector code “atlantis”." in html
    assert "<td>organizations</td>" in html
    assert "<td>2</td>" in html
    assert '<th scope="col">' in html
    assert not Organisation.objects.exists()


def test_an_oversized_upload_is_refused_before_reading(developer_worker, monkeypatch):
    monkeypatch.setattr(hsds, "MAX_FILE_BYTES", 10)
    upload = SimpleUploadedFile("d.json", b"{" + b" " * 20 + b"}", "application/json")
    response = developer_worker.post(IMPORT, {"file": upload, "format": "json"})
    assert response.context["form"].errors["file"]
