"""Journey: first meeting with three promises → follow-up reviews them and re-rates the goals →
progress chart and table show two points → memo PDF text → the family's link and code."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from meetings.models import Promise, PromiseStatus
from meetings.tests.helpers import later_meeting, network_with_meeting
from tests.browser.test_one_contact_journey import exactly, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finnish(text):
    """The Finnish of a text, or the text while its translation is still missing."""
    with override("fi"):
        return gettext(text)


def fill_promise(page, number, who, act, due):
    row = page.get_by_role("group", name=f"Lupaus {number}")
    row.get_by_label("Kuka lupaa").select_option(label=who)
    row.get_by_label("Mitä tekee omassa roolissaan").fill(act)
    row.get_by_label("Mihin mennessä").fill(due.isoformat())


def test_meetings_promises_progress_memo_and_family_link(
    page, browser, live_server, accessible, kaakkuri, children
):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    sign_in(page, coordinator)
    page.goto(f"/networks/{network.pk}/")
    accessible(page)
    page.get_by_role("link", name="Kirjaa tapaaminen").click()
    accessible(page)
    page.get_by_label(exactly("Perheen näkemys omin sanoin")).fill(
        "Aamut ovat raskaita, mutta jalkapallo auttaa."
    )
    first_goal = page.get_by_role("group", name="Uusi tavoite 1")
    first_goal.get_by_label("Kenen tavoite").select_option(index=0)
    first_goal.get_by_label(exactly("Tavoite")).fill("Vähemmän poissaoloja")
    first_goal.get_by_label("Arvio nyt (0–10)").select_option("3")
    second_goal = page.get_by_role("group", name="Uusi tavoite 2")
    second_goal.get_by_label("Kenen tavoite").select_option(index=1)
    second_goal.get_by_label(exactly("Tavoite")).fill("Rauhalliset aamut")
    second_goal.get_by_label("Arvio nyt (0–10)").select_option("4")
    due = timezone.localdate() + timedelta(days=14)
    fill_promise(page, 1, re_label(page, "Olli Opettaja"), "Soitan perheelle joka perjantai", due)
    fill_promise(page, 2, re_label(page, "Maija Virtanen"), "Herätys kello seitsemän", due)
    fill_promise(page, 3, re_label(page, "Olli Opettaja"), "Varaan ajan perheneuvolaan", due)
    page.get_by_role("button", name="Tallenna kirjaus").click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    accessible(page)
    assert Promise.objects.filter(network=network).count() == 3

    follow_up = later_meeting(network, coordinator)
    page.goto(f"/meetings/{follow_up.pk}/record/")
    accessible(page)
    for index, answer in enumerate(["Toteutui", "Toteutui osittain", "Ei toteutunut"]):
        page.get_by_role("radio", name=answer, exact=True).nth(index).check()
    page.get_by_label("Vähemmän poissaoloja").select_option("6")
    page.get_by_label("Rauhalliset aamut").select_option("5")
    page.get_by_role("button", name="Tallenna kirjaus").click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    accessible(page)
    statuses = sorted(Promise.objects.values_list("status", flat=True))
    assert statuses == sorted([PromiseStatus.KEPT, PromiseStatus.PARTLY, PromiseStatus.NOT_KEPT])

    table = page.get_by_role("table", name="Tavoitteiden arviot (0–10) tapaamisittain")
    row = table.get_by_role("row", name=re.compile("Vähemmän poissaoloja"))
    assert [cell.strip() for cell in row.get_by_role("cell").all_inner_texts()] == ["3", "6"]
    page.locator("canvas#goal-chart").wait_for()
    points = page.evaluate("() => Chart.getChart('goal-chart').data.datasets.map(d => d.data)")
    assert points == [[3, 6], [4, 5]]

    page.goto(f"/meetings/{meeting.pk}/memo/")
    accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Lataa PDF").click()
    pdf = download_info.value.path().read_bytes()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Soitan perheelle joka perjantai" in text
    assert "Olli Opettaja" in text and "Maija Virtanen" in text

    page.goto(f"/networks/{network.pk}/")
    page.get_by_role("button", name="Luo henkilökohtainen linkki: Maija Virtanen").click()
    accessible(page)
    url = page.locator("dd code").inner_text()
    code = page.locator("dd strong").inner_text()

    family = browser.new_context(base_url=live_server.url, locale="fi-FI")
    family_page = family.new_page()
    family_page.goto(url)
    accessible(family_page)
    family_page.get_by_label("Kertakäyttöinen koodi").fill(code)
    family_page.get_by_role("button", name=finnish("Open the plan")).click()
    family_page.get_by_role("heading", name="Perheen suunnitelma").wait_for()
    assert "Eeli Virtanen" in family_page.locator("main").inner_text()
    accessible(family_page)
    family.close()

    stranger = browser.new_context(base_url=live_server.url, locale="fi-FI")
    stranger_page = stranger.new_page()
    stranger_page.goto(url)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        stranger_page.get_by_label("Kertakäyttöinen koodi").fill(wrong)
        stranger_page.get_by_role("button", name=finnish("Open the plan")).click()
        stranger_page.wait_for_load_state()
    stranger_page.get_by_text("Linkki on lukittu viiden väärän koodin jälkeen").wait_for()
    accessible(stranger_page)
    stranger.close()


def re_label(page, name):
    """The full option label of a participant (name and role) in the promise's select."""
    options = (
        page.get_by_role("group", name="Lupaus 1")
        .get_by_label("Kuka lupaa")
        .locator("option")
        .all_inner_texts()
    )
    return next((option for option in options if option.startswith(name)), None)
