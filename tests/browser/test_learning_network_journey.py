"""Journey: a region writes a learning and signs its package; the hub's coordinator uploads it,
sees a tampered copy rejected, compares the regions per 1,000 children and plans a meeting."""

import json
import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import user_with_role
from audit.roles import Role
from demo.learning import OTHER_REGIONS, demo_key, synthetic_payload
from directory.models import Area
from indicators.catalogue import load_catalogue
from learning import package, services
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learning_network(page, accessible, configuration, kaakkuri, settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    settings.ARKI_REGION_CODE, settings.ARKI_REGION_NAME = "oulu", "Oulu"
    load_catalogue()
    Area.objects.filter(pk=kaakkuri.pk).update(population=16000, child_population=4300)
    services.register_region(
        code="oulu",
        name="Oulu (Kaakkuri, Tuira)",
        public_key=package.public_key_text(package.signing_key()),
    )
    developer = user_with_role(Role.DEVELOPER_WORKER, email="kehittaja@example.fi")
    coordinator = user_with_role(Role.LEARNING_NETWORK, email="itla@example.fi")

    # The region writes down a learning and signs its package.
    sign_in(page, developer)
    page.get_by_role("link", name="Oppimisverkosto").click()
    page.get_by_role("link", name="Jakamamme opit").click()
    accessible(page)
    page.get_by_role("textbox", name="Oppi:").fill("Iltapäivätapaamiset koulun tiloissa toimivat.")
    page.get_by_role("button", name="Tallenna oppi").click()
    expect(
        page.get_by_role("cell", name="Iltapäivätapaamiset koulun tiloissa toimivat.", exact=True)
    ).to_be_visible()
    page.get_by_role("link", name="Pakettimme").click()
    accessible(page)
    page.get_by_role("button", name="Allekirjoita uusi versio").click()
    expect(page.get_by_role("status")).to_contain_text("Versio 1")
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Lataa versio 1").click()
    signed = tmp_path / "oulu-v1.json"
    download.value.save_as(signed)

    # Another region's package arrives through the API.
    soite_name, soite_areas = OTHER_REGIONS["soite"]
    services.register_region(
        code="soite", name=soite_name, public_key=package.public_key_text(demo_key("soite"))
    )
    template = package.open_envelope(signed.read_bytes()).payload
    services.receive_package(
        package.seal(
            synthetic_payload("soite", soite_name, soite_areas, template, 1), demo_key("soite")
        )
    )

    # The hub's coordinator uploads Oulu's file; a tampered copy is rejected with the reason.
    page.context.clear_cookies()
    sign_in(page, coordinator)
    page.goto("/learning/hub/upload/")
    accessible(page)
    envelope = json.loads(signed.read_bytes())
    envelope["signature"] = envelope["signature"][::-1]
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(envelope))
    page.get_by_label("Pakettitiedosto").set_input_files(tampered)
    page.get_by_role("button", name="Tarkista ja vastaanota paketti").click()
    expect(page.get_by_text("Paketti hylättiin")).to_be_visible()
    accessible(page)
    page.get_by_label("Pakettitiedosto").set_input_files(signed)
    page.get_by_role("button", name="Tarkista ja vastaanota paketti").click()
    page.wait_for_url(re.compile(r"/learning/hub/regions/oulu/$"))
    expect(page.get_by_role("status")).to_contain_text("Versio 1")
    accessible(page)

    # The comparison: both regions side by side, per 1,000 children, with a table.
    page.get_by_role("link", name="Vertailu").click()
    page.get_by_label("Tunnusluku").select_option(
        label="Avatut verkostot (Lapsi- ja perhekeskeinen verkostotyö)"
    )
    page.get_by_role("button", name="Vertaa").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Oulu (Kaakkuri, Tuira)")
    expect(table).to_contain_text(soite_name)
    expect(table.get_by_role("columnheader", name="Per 1 000")).to_be_visible()
    expect(page.locator("canvas#comparison-chart")).to_be_visible()
    accessible(page)

    # The monthly meeting, with a learning to test in practice.
    page.get_by_role("link", name="Tapaamiset ja kokeilut").click()
    page.get_by_label("Aihe").fill("Joulukuun oppimisverkosto")
    page.get_by_label("Alkaa").fill("2026-12-10T13:00")
    page.get_by_role("button", name="Sovi tapaaminen").click()
    expect(page.get_by_role("heading", name="Joulukuun oppimisverkosto")).to_be_visible()
    accessible(page)
