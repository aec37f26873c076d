"""The indicator dashboard in a browser: charts, tables, drill-down, accessibility."""

import re

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_with_demo_data(page, accessible, settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    password = (tmp_path / "demo_password").read_text().strip()
    coordinator = User.objects.get(email="coordinator@demo.arki.invalid")
    page.goto("/accounts/login/")
    page.get_by_label("Sähköpostiosoite").fill(coordinator.email)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/indicators/")
    page.get_by_role("heading", level=1).wait_for()
    accessible(page)
    section = page.locator("#indicator-child-protection-clients")
    rows = section.get_by_role("table").get_by_role("row")
    assert rows.count() == 4  # header, Kaakkuri, Tuira, all areas
    page.locator("#chart-pilot-phone-usage").wait_for()
    assert page.evaluate("() => Chart.getChart('chart-pilot-phone-usage') !== undefined")
    section.get_by_role("link", name="Kaakkuri").click()
    page.wait_for_url(re.compile(r"area="))
    accessible(page)
