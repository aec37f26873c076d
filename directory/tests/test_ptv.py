"""Importing services from the national service catalogue PTV, from its recorded answers.

The page and the HTTP client are tested against a fake PTV: a local HTTP server started by the
test that answers with the recorded files of ``directory/fixtures/ptv`` by path and query. Nothing
here calls the internet.
"""

from __future__ import annotations

import datetime
import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from audit.roles import Role
from directory import ptv
from directory.models import Area, ContactPoint, Location, Organisation, Service
from directory.tests.factories import (
    AreaFactory,
    ContactPointFactory,
    ProgrammeFactory,
    SectorFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

ORG = "826c27a5-e03e-43fa-ade5-56f5be049d95"
S1, S2, S3, S4 = (
    "1d2c78e0-2da2-4124-baac-caa93bc76d02",
    "565b2678-49ea-4513-a0ed-fea8f54c81d5",
    "5f0dead0-ca5b-4896-9d3b-f09a5256b4fc",
    "5b0ccf00-0d35-4b7a-b8a8-0b3dfa52727e",
)
LOCATION = "35e13ca0-d73a-4148-906c-c3a86b7124a1"
INITIAL = ptv.FIXTURES / "initial"
CHANGED = ptv.FIXTURES / "changed"
MAPPING = ptv.FIXTURES / "mapping.toml"
PAGE = reverse("directory:ptv_import")


class FakePtv(http.server.ThreadingHTTPServer):
    """Answers ``/api/v11/<path>?<query>`` with the recorded file for it; 404 when none."""

    directory: Path = INITIAL
    broken: dict[str, tuple[int, bytes]]
    requests: list[str]


class Handler(http.server.BaseHTTPRequestHandler):
    server: FakePtv

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        self.server.requests.append(self.path)
        path = url.path.removeprefix("/api/v11/")
        params = dict(urllib.parse.parse_qsl(url.query))
        name = ptv.fixture_name(path, params)
        if name in self.server.broken:
            status, body = self.server.broken[name]
        else:
            file = self.server.directory / name
            status, body = (200, file.read_bytes()) if file.is_file() else (404, b"{}")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The errors are read in English here (they are translated to Finnish and Swedish)."""
    with translation.override("en"):
        yield


@pytest.fixture
def fake_ptv(settings) -> Iterator[FakePtv]:
    server = FakePtv(("127.0.0.1", 0), Handler)
    server.broken, server.requests = {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ARKI_PTV_URL = f"http://127.0.0.1:{server.server_address[1]}/api/v11"
    settings.ARKI_PTV_TIMEOUT = 5
    settings.ARKI_PTV_MAPPING = str(MAPPING)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def arki(db):
    """The sectors, area and programme the test mapping names."""
    return {
        "social": SectorFactory(code="social-health"),
        "education": SectorFactory(code="education-culture"),
        "area": AreaFactory(code="kaakkuri", name="Kaakkuri"),
        "programme": ProgrammeFactory(code="children-families"),
    }


def run(directory: Path = INITIAL, since: datetime.date | None = None) -> ptv.PtvPlan:
    return ptv.import_organisation(
        ptv.FileSource(directory), ORG, since=since, mapping=ptv.load_mapping(MAPPING)
    )


def service(ptv_id: str) -> Service:
    return Service.objects.get(ptv_id=ptv_id)


def test_every_field_is_mapped_from_the_recorded_answers(arki):
    plan = run()

    organisation = Organisation.objects.get(ptv_id=ORG)
    assert organisation.name == "Oulun kaupunki, perhe- ja sosiaalipalvelut"
    assert organisation.description.startswith("Oulun kaupungin perhe- ja sosiaalipalvelut")
    assert organisation.email == "perhepalvelut@ouka.example.fi"
    assert organisation.phone == "+358 8 5584 0000"
    assert organisation.website == "https://www.ouka.example.fi"
    # Three of the four services are classed as families' or social services.
    assert organisation.sector == arki["social"]

    counselling = service(S1)
    assert counselling.organisation == organisation
    assert counselling.name == "Perheneuvola"
    assert counselling.description.startswith("Perheneuvola tukee lapsiperheitä")
    assert counselling.phone == "+358 8 5584 6000"  # the phone channel
    assert counselling.email == "perheneuvola@ouka.example.fi"
    assert counselling.url == ""  # no web page channel
    assert counselling.is_active
    assert list(counselling.areas.all()) == [arki["area"]]
    assert list(counselling.programmes.all()) == [arki["programme"]]
    assert service(S2).url == "https://www.ouka.example.fi/perhepalvelut"
    assert service(S3).name == "Koulukuraattoripalvelut"  # from the second page
    young_adults = service(S4)
    assert young_adults.phone == "+358 8 5584 6200"  # the service location's phone

    location = Location.objects.get(ptv_id=LOCATION)
    assert location.name == "Kaakkurin perhekeskus"
    assert location.address == "Kaakkurintie 12"
    assert location.postal_code == "90410"
    assert location.city == "Oulu"
    assert set(location.services.all()) == {counselling, young_adults}

    contact = ContactPoint.objects.get(area=arki["area"], programme=arki["programme"])
    assert contact.name == "Perheneuvolan ajanvaraus"
    assert contact.phone == "+358 8 5584 6000"
    assert contact.opening_hours == "maanantai–perjantai 09:00–15:00"  # in LANGUAGE_CODE
    assert contact.service == counselling

    assert [change.name for change in plan.created] == [
        "Oulun kaupunki, perhe- ja sosiaalipalvelut",
        "Perheneuvola",
        "Lapsiperheiden kotipalvelu",
        "Koulukuraattoripalvelut",
        "Nuorten aikuisten sosiaalityö",
        "Kaakkurin perhekeskus",
        "Perheneuvolan ajanvaraus",
    ]
    assert not plan.updated and not plan.deactivated


def test_the_sector_follows_the_mapping_of_organisations_first(arki, tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        MAPPING.read_text().replace(
            "[organisations]", f'[organisations]\n"{ORG}" = "education-culture"'
        )
    )
    ptv.import_organisation(ptv.FileSource(INITIAL), ORG, mapping=ptv.load_mapping(mapping))
    assert Organisation.objects.get(ptv_id=ORG).sector == arki["education"]


def test_a_second_run_changes_nothing(arki):
    run()
    plan = run()
    assert not plan.has_changes
    assert len(plan.unchanged) == 7


def test_an_incremental_run_updates_changed_and_deactivates_removed_services(arki):
    run()
    plan = run(CHANGED, since=datetime.date(2026, 11, 1))

    assert service(S1).name == "Perheneuvola ja kasvatusneuvonta"
    assert service(S1).phone == "+358 8 5584 6100"  # its phone channel changed
    assert not service(S3).is_active  # PTV lists it as deleted
    assert Service.objects.filter(ptv_id=S3).exists()  # never deleted
    assert ContactPoint.objects.get().phone == "+358 8 5584 6100"
    assert {change.name for change in plan.updated} == {
        "Perheneuvola ja kasvatusneuvonta",
        "Lapsiperheiden kotipalvelu",  # linked to the changed phone channel
        "Perheneuvolan ajanvaraus",
    }
    assert [change.name for change in plan.deactivated] == ["Koulukuraattoripalvelut"]
    assert "Nuorten aikuisten sosiaalityö" in {change.name for change in plan.unchanged}


def test_an_incremental_run_leaves_services_not_changed_since(arki):
    run()
    Service.objects.filter(ptv_id=S4).update(description="Kirjoitettu Arkissa.")
    run(CHANGED, since=datetime.date(2026, 11, 1))
    assert service(S4).description == "Kirjoitettu Arkissa."
    run(CHANGED)  # a full run takes PTV's description back
    assert service(S4).description.startswith("Sosiaalityö tukee")


def test_a_service_ptv_no_longer_lists_is_marked_not_in_use(arki, tmp_path):
    run()
    organisation = Organisation.objects.get(ptv_id=ORG)
    gone = ServiceFactory(organisation=organisation, name="Lakkautettu palvelu")
    gone.ptv_id = "7ab15c5e-ec0c-4a8a-8f6c-ad011a5f696d"
    gone.save()
    plan = run()
    gone.refresh_from_db()
    assert not gone.is_active
    assert [change.name for change in plan.deactivated] == ["Lakkautettu palvelu"]


def test_local_additions_and_local_fields_are_kept(arki):
    run()
    organisation = Organisation.objects.get(ptv_id=ORG)
    local = Service.objects.create(organisation=organisation, name="Arjen tuki (Arkin oma)")
    counselling = service(S1)
    counselling.basic_task = "Perheiden kasvatustuki verkostossa"
    counselling.save()
    counselling.areas.clear()
    other_area = Area.objects.create(code="tuira", name="Tuira", municipality="Oulu")
    counselling.areas.add(other_area)
    location = Location.objects.get(ptv_id=LOCATION)
    location.area = other_area
    location.save()
    location.services.add(local)

    run(CHANGED)

    local.refresh_from_db()
    assert local.is_active and local.name == "Arjen tuki (Arkin oma)"
    counselling.refresh_from_db()
    assert counselling.basic_task == "Perheiden kasvatustuki verkostossa"
    assert list(counselling.areas.all()) == [other_area]
    location.refresh_from_db()
    assert location.area == other_area
    assert local in location.services.all()


def test_an_existing_contact_point_keeps_its_name_and_answering_service(arki):
    local_service = ServiceFactory(name="Perhekeskuksen neuvonta")
    ContactPointFactory(
        area=arki["area"],
        programme=arki["programme"],
        name="Kaakkurin perhekeskus, yhteinen numero",
        phone="044 000 0000",
        service=local_service,
    )
    run()
    contact = ContactPoint.objects.get()
    assert contact.name == "Kaakkurin perhekeskus, yhteinen numero"
    assert contact.service == local_service
    assert contact.phone == "+358 8 5584 6000"


def test_an_unknown_sector_in_the_mapping_stops_the_import(db):
    with pytest.raises(ptv.PtvError, match="social-health"):
        run()
    assert not Organisation.objects.exists()


# --- over HTTP: the fake PTV ------------------------------------------------------------------


def test_the_client_follows_the_pages(arki, fake_ptv):
    data = ptv.fetch(ptv.configured_source(), ORG)
    assert [item["id"] for item in data.services] == [S1, S2, S3, S4]
    assert f"/api/v11/Service/list/organization?organizationId={ORG}&page=2" in fake_ptv.requests


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (500, b'{"message": "An error has occurred."}', "PTV answered 500"),
        (200, b'{"pageNumber": 2, "itemList": [', "not valid JSON"),
        (200, b'{"pageNumber": 2, "pageCount": 2, "itemList": [{"id": "x"}]}', "expected form"),
        (200, b'{"pageNumber": 2, "pageCount": 2}', "itemList"),
    ],
)
def test_a_broken_answer_gives_a_clear_error_and_writes_nothing(
    arki, fake_ptv, status, body, message
):
    # The second page of services breaks after the first one was read fine.
    name = ptv.fixture_name("Service/list/organization", {"organizationId": ORG, "page": "2"})
    fake_ptv.broken[name] = (status, body)
    with pytest.raises(ptv.PtvError, match=message):
        ptv.import_organisation(ptv.configured_source(), ORG)
    assert not Organisation.objects.exists()
    assert not Service.objects.exists()


def test_a_failure_while_writing_rolls_everything_back(arki, monkeypatch):
    plan = ptv.plan_import(ptv.fetch(ptv.FileSource(INITIAL), ORG), ptv.load_mapping(MAPPING))

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Location, "save", fail)
    with pytest.raises(RuntimeError):
        ptv.apply_import(plan)
    assert not Organisation.objects.exists()
    assert not Service.objects.exists()


def test_an_unreachable_ptv_gives_a_clear_error(arki, settings):
    settings.ARKI_PTV_URL = "http://127.0.0.1:9/api/v11"  # the discard port: nothing listens
    with pytest.raises(ptv.PtvError, match="could not be reached"):
        ptv.fetch(ptv.configured_source(), ORG)


def test_a_wrong_organisation_id_is_refused_before_any_request(fake_ptv):
    with pytest.raises(ptv.PtvError, match="not a PTV id"):
        ptv.fetch(ptv.configured_source(), "oulu")
    assert fake_ptv.requests == []


def test_a_broken_mapping_gives_a_clear_error(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("[defaults]\nareas = []\n")
    with pytest.raises(ptv.PtvError, match="needs a sector"):
        ptv.load_mapping(mapping)
    mapping.write_text("[defaults\n")
    with pytest.raises(ptv.PtvError, match="cannot be read"):
        ptv.load_mapping(mapping)


def test_the_shipped_mapping_reads():
    assert ptv.load_mapping(ptv.DEFAULT_MAPPING).default_sector == "social-health"


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def keeper(client, in_english):
    client.force_login(UserFactory(roles=[Role.DEVELOPER_WORKER]))
    return client


def test_the_keeper_previews_then_applies_the_import(arki, fake_ptv, keeper):
    assert keeper.get(PAGE).status_code == 200

    preview = keeper.post(PAGE, {"organisation": ORG})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'id="ptv-import-preview"' in html
    assert "Perheneuvola" in html and "Kaakkurin perhekeskus" in html
    assert not Organisation.objects.exists()  # a preview writes nothing
    apply = preview.context["apply_form"].initial
    assert apply["organisation"] == ORG

    done = keeper.post(PAGE, {"organisation": ORG, "fingerprint": apply["fingerprint"]})
    assert done.status_code == 200
    assert 'id="ptv-import-result"' in done.content.decode()
    assert Service.objects.filter(organisation__ptv_id=ORG).count() == 4
    assert [change.name for change in done.context["plan"].deactivated] == []


def test_the_keeper_runs_an_incremental_import(arki, fake_ptv, keeper):
    run()
    fake_ptv.directory = CHANGED
    preview = keeper.post(PAGE, {"organisation": ORG, "since": "2026-11-01"})
    apply = preview.context["apply_form"].initial
    assert [change.name for change in preview.context["plan"].deactivated] == [
        "Koulukuraattoripalvelut"
    ]
    keeper.post(
        PAGE,
        {"organisation": ORG, "since": "2026-11-01", "fingerprint": apply["fingerprint"]},
    )
    assert not service(S3).is_active


def test_applying_after_ptv_changed_shows_a_new_preview(arki, fake_ptv, keeper):
    preview = keeper.post(PAGE, {"organisation": ORG})
    fingerprint = preview.context["apply_form"].initial["fingerprint"]
    fake_ptv.directory = CHANGED
    moved = keeper.post(PAGE, {"organisation": ORG, "fingerprint": fingerprint})
    assert moved.status_code == 409
    assert 'id="ptv-import-moved"' in moved.content.decode()
    assert not Organisation.objects.exists()


def test_the_page_shows_ptvs_error_and_writes_nothing(arki, fake_ptv, keeper):
    name = ptv.fixture_name(
        "ServiceChannel/list/organization", {"organizationId": ORG, "page": "1"}
    )
    fake_ptv.broken[name] = (500, b"{}")
    response = keeper.post(PAGE, {"organisation": ORG})
    assert response.status_code == 502
    assert "PTV answered 500" in response.content.decode()
    assert not Organisation.objects.exists()


def test_the_page_refuses_a_wrong_id(fake_ptv, keeper):
    response = keeper.post(PAGE, {"organisation": "Oulun kaupunki"})
    assert response.status_code == 400
    assert "not a PTV id" in response.content.decode()
    assert fake_ptv.requests == []


@pytest.mark.parametrize("role", [None, Role.PROFESSIONAL, Role.COORDINATOR])
def test_the_page_is_refused_to_others(client, fake_ptv, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"organisation": ORG}).status_code == 403
    assert fake_ptv.requests == []
    assert not Organisation.objects.exists()


# --- the command ------------------------------------------------------------------------------


def test_the_command_imports_from_the_recorded_files(arki, settings):
    settings.ARKI_PTV_MAPPING = str(MAPPING)
    out = StringIO()
    call_command("import_ptv", ORG, "--file", str(INITIAL), stdout=out)
    assert "Imported: 7 created, 0 updated, 0 marked not in use, 0 unchanged." in out.getvalue()
    out = StringIO()
    call_command("import_ptv", ORG, "--file", str(CHANGED), "--since", "2026-11-01", stdout=out)
    assert "1 marked not in use" in out.getvalue()
    assert not service(S3).is_active


def test_the_command_dry_run_writes_nothing(arki, settings):
    settings.ARKI_PTV_MAPPING = str(MAPPING)
    out = StringIO()
    call_command("import_ptv", ORG, "--file", str(INITIAL), "--dry-run", stdout=out)
    assert "Would import: 7 created" in out.getvalue()
    assert not Organisation.objects.exists()


def test_the_command_reports_errors(arki, tmp_path):
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_ptv", ORG, "--file", str(tmp_path), stdout=StringIO())
    with pytest.raises(CommandError, match="not a date"):
        call_command("import_ptv", ORG, "--since", "1.11.2026", stdout=StringIO())


def test_an_organisation_added_earlier_under_the_same_name_is_linked_not_duplicated(arki):
    """The staff import may have added the organisation before PTV's import: one body, one row."""
    earlier = Organisation.objects.create(
        name="Oulun kaupunki, perhe- ja sosiaalipalvelut", sector=arki["education"]
    )
    ptv.apply_import(run())
    assert Organisation.objects.filter(name=earlier.name).count() == 1
    earlier.refresh_from_db()
    assert str(earlier.ptv_id) == ORG
    assert earlier.sector == arki["education"]  # Arki's own choice is kept
    assert Service.objects.filter(organisation=earlier, ptv_id__isnull=False).exists()
