"""Journey: phone contact → convene with three participants → invitations → the queue.

Also the advice-only path and the duplicate-family path, with axe scans on every page.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from contacts.tests.helpers import coordinator_of, professional
from networks.models import Network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(kaakkuri, children):
    user = coordinator_of(
        kaakkuri, children, email="koordinaattori@example.fi", full_name="Kaisa Koordinaattori"
    )
    return user


def exactly(text):
    """A label as Django renders it: the text and its suffix colon."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def sign_in(page, user):
    from accounts.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Sähköpostiosoite").fill(user.email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(re.compile(r"/$"))


def record_phone_contact(page, accessible, concern):
    page.goto("/contacts/new/")
    accessible(page)
    page.get_by_label(exactly("Puhelin")).check()
    page.get_by_label("Joku muu (esim. ammattilainen, joka ei ole hakemistossa)").check()
    page.get_by_label("Yhteydenottajan nimi").fill("Aino Opettaja")
    page.get_by_label("Hänen palvelunsa").fill("Kaakkurin koulu")
    page.get_by_label(exactly("Huoli")).fill("Paljon poissaoloja, perheen tilanne muuttunut.")
    page.get_by_label("Perhe tietää ja suostuu").check()
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    accessible(page)


def test_phone_contact_is_convened_with_three_participants(page, accessible, coordinator, children):
    curator = professional(email="kuraattori@example.fi", full_name="Kalle Kuraattori")
    sign_in(page, coordinator)
    record_phone_contact(page, accessible, "Poissaoloja")

    page.get_by_role("link", name="Kutsu verkosto koolle").click()
    accessible(page)
    page.get_by_label("Lapsen tai asiakkaan nimi").fill("Eeli Virtanen")
    page.get_by_role("button", name="Tarkista ja avaa verkosto").click()
    page.wait_for_url(re.compile(r"/networks/\d+/$"))
    accessible(page)
    network = Network.objects.get()

    page.get_by_role("link", name="Lisää tai poista osallistujia").click()
    accessible(page)
    page.get_by_label("Ammattilainen palveluhakemistosta").select_option(
        label="Kalle Kuraattori, Koulukuraattori, Kaakkurin koulu"
    )
    page.get_by_role("button", name="Lisää ammattilainen", exact=True).click()
    for name, relation, email in [
        ("Maija Virtanen", "äiti", "maija@example.fi"),
        ("Pekka Korhonen", "jalkapallovalmentaja", "pekka@example.fi"),
    ]:
        # The family member's form, beside the one for a professional without an account.
        family = page.locator("section[aria-labelledby='add-family']")
        family.get_by_label("Kuka").select_option(index=1)
        family.get_by_label(exactly("Nimi")).fill(name)
        family.get_by_label("Suhde").fill(relation)
        family.get_by_label("Sähköposti").fill(email)
        family.get_by_role("button", name="Lisää henkilö").click()
        page.get_by_role("cell", name=name, exact=True).wait_for()
    accessible(page)
    assert network.participants.count() == 3

    page.get_by_role("link", name="Takaisin verkostoon").click()
    page.get_by_role("link", name="Sovi tapaaminen").click()
    accessible(page)
    starts = timezone.localtime() + timedelta(days=5)
    page.get_by_label("Alkaa").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Päättyy").fill(starts.strftime("%Y-%m-%dT11:30"))
    page.get_by_label("Paikka").fill("Kaakkurin koulu, neuvotteluhuone")
    mail.outbox.clear()
    page.get_by_role("button", name="Tallenna ja lähetä kutsut").click()
    page.wait_for_url(re.compile(r"/networks/\d+/$"))
    accessible(page)

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["kuraattori@example.fi", "maija@example.fi", "pekka@example.fi"]
    for message in mail.outbox:
        (ics,) = [a for a in message.attachments if a[0].endswith(".ics")]
        calendar = Calendar.from_ical(ics[1])
        assert calendar["METHOD"] == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert event.decoded("DTSTART").strftime("%H:%M") == "10:00"
        assert "Virtanen" not in message.subject
    assert curator.email in recipients

    page.get_by_role("link", name="Tulostettava kutsu").click()
    accessible(page)

    page.goto("/contacts/queue/")
    accessible(page)
    row = page.get_by_role("row", name=re.compile(f"Verkosto {network.pk}"))
    days_left = (network.convening_deadline - timezone.localdate()).days
    assert f"{days_left} päivää jäljellä" in row.inner_text()


def test_advice_only_path(page, accessible, coordinator):
    sign_in(page, coordinator)
    record_phone_contact(page, accessible, "Neuvoa tarvitaan")
    page.get_by_label("Mitä neuvottiin").fill(
        "Ohjattiin perheneuvolaan ja kerrottiin vertaisryhmästä."
    )
    page.get_by_role("button", name="Sulje neuvonnalla").click()
    page.get_by_text("Neuvonta ja konsultaatio").first.wait_for()
    accessible(page)
    assert Network.objects.count() == 0


def test_a_parents_advice_call_needs_no_name(page, accessible, coordinator):
    """Issue #15: an advice-only call from a parent is recorded and closed with no name."""
    from contacts.models import Contact

    sign_in(page, coordinator)
    page.goto("/contacts/new/")
    page.get_by_label(exactly("Puhelin")).check()
    page.get_by_label("Vanhempi tai huoltaja").check()
    page.get_by_label(exactly("Huoli")).fill(
        "Vanhempi kysyy, mistä saa tukea murrosikäisen kanssa."
    )
    page.get_by_label("Perhe tietää ja suostuu").check()
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    accessible(page)
    page.get_by_label("Mitä neuvottiin").fill("Kerrottiin perheneuvolan palveluista.")
    page.get_by_role("button", name="Sulje neuvonnalla").click()
    page.get_by_text("Neuvonta ja konsultaatio").first.wait_for()
    contact = Contact.objects.get()
    assert (contact.contacted_by, contact.contact_person_name) == ("parent", "")
    assert "Vanhempi tai huoltaja" in page.locator("main").inner_text()


def test_duplicate_family_joins_the_open_network(page, accessible, coordinator):
    sign_in(page, coordinator)
    for attempt in range(2):
        record_phone_contact(page, accessible, "Huoli")
        page.get_by_role("link", name="Kutsu verkosto koolle").click()
        page.get_by_label("Lapsen tai asiakkaan nimi").fill(
            "Eeli Virtanen" if attempt == 0 else "eeli  VIRTANEN"
        )
        page.get_by_role("button", name="Tarkista ja avaa verkosto").click()
    page.get_by_role("heading", name="Perheellä on jo avoin verkosto").wait_for()
    accessible(page)
    network = Network.objects.get()
    page.get_by_role("button", name=f"Liitä yhteydenotto verkostoon {network.pk}").click()
    page.get_by_text("Liitetty avoimeen verkostoon").first.wait_for()
    accessible(page)
    assert Network.objects.count() == 1
    assert network.contacts.count() == 2


def test_a_match_in_another_area_names_nothing_and_opens_no_second_network(
    page, accessible, coordinator, tuira, children, tmp_path
):
    """Issue #14, hole 2: the coordinator is told only to contact the family's coordinator."""
    from contacts import services as contact_services
    from contacts.tests.helpers import a_contact

    tuira_coordinator = coordinator_of(tuira, children, email="tuira@example.fi")
    elsewhere = contact_services.convene(
        contact=a_contact(tuira, children, tuira_coordinator),
        by=tuira_coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    sign_in(page, coordinator)
    record_phone_contact(page, accessible, "Huoli")
    page.get_by_role("link", name="Kutsu verkosto koolle").click()
    page.get_by_label("Lapsen tai asiakkaan nimi").fill("Eeli Virtanen")
    page.get_by_role("button", name="Tarkista ja avaa verkosto").click()
    page.get_by_role(
        "heading", name="Lapsella tai asiakkaalla voi jo olla avoin verkosto"
    ).wait_for()
    accessible(page)
    page.screenshot(path=str(tmp_path / "match-elsewhere.png"), full_page=True)
    body = page.locator("main").inner_text()
    assert "kysy perheeltä" in body
    assert "Tuira" not in body and f"Verkosto {elsewhere.pk}" not in body
    assert page.get_by_role("button", name=re.compile("Liitä yhteydenotto")).count() == 0
    assert Network.objects.count() == 1
