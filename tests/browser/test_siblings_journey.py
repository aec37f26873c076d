"""Journey: a family with two children keeps one network. The coordinator adds the sibling,
records each child's own view and goals, and the memo and the family's plan show each child's
goals separately."""

import re

import pytest

from meetings.models import Goal
from meetings.tests.helpers import network_with_meeting
from tests.browser.test_one_contact_journey import exactly, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_children_one_network(page, browser, live_server, accessible, kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    sign_in(page, coordinator)
    page.goto(f"/networks/{network.pk}/")
    accessible(page)
    page.get_by_text("Lisää sisarus tähän verkostoon").click()
    page.get_by_label("Lapsen nimi").fill("Eetu Virtanen")
    page.get_by_label("Syntymäaika").fill("2019-04-02")
    page.get_by_role("button", name="Lisää lapsi").click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/"))
    accessible(page)
    children_list = page.locator("section[aria-labelledby=children-heading]")
    assert "Eeli Virtanen" in children_list.inner_text()
    assert re.search(r"Eetu Virtanen, \d+ vuotta", children_list.inner_text())

    page.goto(f"/meetings/{meeting.pk}/record/")
    accessible(page)
    page.get_by_label("Eeli Virtanen: lapsen tai nuoren näkemys omin sanoin").fill(
        "Haluan mennä kouluun kaverin kanssa."
    )
    page.get_by_label("Eetu Virtanen: lapsen tai nuoren näkemys omin sanoin").fill(
        "Haluan leikkiä pihalla."
    )
    for number, (whose, goal, rating) in enumerate(
        [
            ("Oma tavoite: Eeli Virtanen", "Kouluun joka päivä", "3"),
            ("Oma tavoite: Eetu Virtanen", "Uni tulee illalla", "5"),
            ("Vanhempien tavoite", "Rauhalliset aamut", "4"),
        ],
        start=1,
    ):
        row = page.get_by_role("group", name=f"Uusi tavoite {number}")
        row.get_by_label("Kenen tavoite").select_option(label=whose)
        row.get_by_label(exactly("Tavoite")).fill(goal)
        row.get_by_label("Arvio nyt (0–10)").select_option(rating)
    page.get_by_role("button", name="Tallenna kirjaus").click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    accessible(page)
    assert {g.text: g.whose for g in Goal.objects.filter(network=network)} == {
        "Kouluun joka päivä": "Eeli Virtanen",
        "Uni tulee illalla": "Eetu Virtanen",
        "Rauhalliset aamut": "Vanhempien tavoite",
    }
    # The network page: a goal table per child and one for the parents.
    captions = page.locator("table caption").all_inner_texts()
    assert any(c.startswith("Eeli Virtanen:") for c in captions)
    assert any(c.startswith("Eetu Virtanen:") for c in captions)
    assert any(c.startswith("Vanhempien tavoite:") for c in captions)
    timeline = page.locator("section[aria-labelledby=timeline-heading]").inner_text()
    assert "Eetu Virtanen liitettiin perheen verkostoon" in timeline
    assert "Tavoite sovittu (Eetu Virtanen): Uni tulee illalla" in timeline

    page.goto(f"/meetings/{meeting.pk}/memo/")
    accessible(page)
    memo = page.locator("main").inner_text()
    assert "Haluan leikkiä pihalla." in memo and "Haluan mennä kouluun kaverin kanssa." in memo
    assert page.get_by_role("table", name="Eetu Virtanen").count() == 1

    # The mother's own plan page: each child's goals in their own table.
    page.goto(f"/networks/{network.pk}/")
    page.get_by_role("button", name="Luo henkilökohtainen linkki: Maija Virtanen").click()
    url = page.locator("dd code").inner_text()
    code = page.locator("dd strong").inner_text()
    family = browser.new_context(base_url=live_server.url, locale="fi-FI")
    mother = family.new_page()
    mother.goto(url)
    mother.get_by_label("Kertakäyttöinen koodi").fill(code)
    mother.get_by_role("button", name="Avaa suunnitelma").click()
    mother.get_by_role("heading", name="Perheen suunnitelma").wait_for()
    accessible(mother)
    assert "Eeli Virtanen, Eetu Virtanen" in mother.locator("main").inner_text()
    # Each child's goals under the child's name, then the parents'.
    goal_headings = mother.locator("section[aria-labelledby='goals-heading'] h3").all_inner_texts()
    assert goal_headings == ["Eeli Virtanen", "Eetu Virtanen", "Vanhempien tavoitteet"]
    family.close()


def test_a_siblings_later_contact_is_offered_the_familys_network(
    page, accessible, kaakkuri, children
):
    from contacts.tests.helpers import a_contact

    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    contact = a_contact(kaakkuri, children, coordinator)
    sign_in(page, coordinator)
    page.goto(f"/contacts/{contact.pk}/convene/")
    accessible(page)
    page.get_by_label("Lapsen tai asiakkaan nimi").fill("Eetu Virtanen")
    page.get_by_label("Huoltajan tai sisaruksen nimi").fill("Maija Virtanen")
    page.get_by_role("button", name="Tarkista ja avaa verkosto").click()
    offer = page.get_by_role("alert").filter(
        has_text="Sisaruksella tai vanhemmalla on jo avoin verkosto"
    )
    offer.wait_for()
    accessible(page)
    offer.get_by_role("button", name=f"Lisää Eetu Virtanen verkostoon {network.pk}").click()
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    accessible(page)
    assert [c.name for c in network.children.all()] == ["Eeli Virtanen", "Eetu Virtanen"]
