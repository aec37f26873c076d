"""Journey: a coordinator signs in, searches the directory, opens an actor map, switches language."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    call_command("load_configuration", verbosity=0)
    call_command("load_demo", verbosity=0)
    return (tmp_path / "demo_password").read_text().strip()


def test_coordinator_finds_services_and_the_actor_map(page, accessible, demo):
    page.goto("/")
    page.wait_for_url("**/accounts/login/**")
    accessible(page)
    page.get_by_label("Sähköpostiosoite").fill("coordinator@demo.arki.invalid")
    page.get_by_label("Salasana").fill(demo)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tervetuloa")
    accessible(page)

    page.get_by_role("navigation", name="Päävalikko").get_by_role(
        "link", name="Palveluhakemisto"
    ).click()
    page.wait_for_url("**/directory/**")
    accessible(page)
    page.get_by_role("searchbox").fill("neuvola")
    page.keyboard.press("Enter")
    results = page.locator("#search-results")
    results.get_by_role("link", name=re.compile("neuvola", re.IGNORECASE)).first.wait_for()
    accessible(page)
    results.get_by_role("link", name=re.compile("neuvola", re.IGNORECASE)).first.click()
    page.wait_for_url("**/directory/services/**")
    accessible(page)

    page.goto("/directory/areas/")
    accessible(page)
    page.get_by_role("link", name=re.compile("Kaakkuri")).first.click()
    page.wait_for_url("**/areas/kaakkuri/map/**")
    assert page.get_by_role("heading", level=2).count() >= 3
    accessible(page)

    page.get_by_role("button", name="Svenska").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("link", name="Tillgänglighetsutlåtande").is_visible()
    accessible(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    accessible(page)
