"""The coordinator's fast path, measured: every user action on the way is counted (#15).

A fill of one field is one action, a click one, a choice in a select one; a keyboard
search-and-pick counts the keys and clicks it really needs (the search typed: one; Enter: one).

Before (the form as it was, the same scenarios): a professional's call took 7 actions on the
form (the professional chosen in one select of every professional in the directory, counted as
one action), 9 from the front page (Queue, then "Record a contact"); an advice call took 6 on
the form and the contact page, 8 from the front page.
"""

import re

import pytest

from contacts.models import Contact
from contacts.tests.helpers import coordinator_of, professional
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Actions:
    """Wraps the page's user actions and counts them, and the pages loaded on the way."""

    def __init__(self, page):
        self.page = page
        self.count = 0
        self.pages = 0
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.pages += 1

    def fill(self, locator, text):
        locator.fill(text)
        self.count += 1

    def check(self, locator):
        locator.check()
        self.count += 1

    def click(self, locator):
        locator.click()
        self.count += 1

    def select(self, locator, **option):
        locator.select_option(**option)
        self.count += 1

    def press(self, locator, key):
        locator.press(key)
        self.count += 1


def many_professionals(count=300):
    """A real city's directory: hundreds of professionals."""
    from accounts.models import User
    from directory.models import Organisation, Position, Sector, Service

    sector = Sector.objects.get_or_create(code="health", defaults={"name_fi": "Terveys"})[0]
    organisation = Organisation.objects.get_or_create(
        name="Oulun terveyspalvelut", defaults={"sector": sector}
    )[0]
    service = Service.objects.get_or_create(organisation=organisation, name="Neuvola")[0]
    users = User.objects.bulk_create(
        User(email=f"ammattilainen{n}@example.fi", full_name=f"Ammattilainen {n:03d}")
        for n in range(count)
    )
    Position.objects.bulk_create(
        Position(user=user, service=service, title="Terveydenhoitaja") for user in users
    )


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(
        kaakkuri, children, email="koordinaattori@example.fi", full_name="Kaisa Koordinaattori"
    )


def open_the_form_from_the_front_page(page, actions):
    page.goto("/")
    actions.click(page.get_by_role("link", name="Kirjaa yhteydenotto"))
    page.wait_for_url(re.compile(r"/contacts/new/$"))
    return actions.count, actions.pages


def a_typical_call(page, actions, pick_the_caller):
    """Caller, concern, one category, one age band, LP held, consent, save."""
    pick_the_caller()
    actions.fill(page.locator("#id_concern"), "Paljon poissaoloja, perheen tilanne muuttunut.")
    actions.check(page.get_by_label("Koulunkäynti ja koulusta lintsaaminen", exact=True))
    actions.check(page.get_by_label("7–12-vuotiaat", exact=True))
    actions.check(page.get_by_label("Kyllä, käyty"))
    actions.check(page.get_by_label("Perhe tietää ja suostuu"))
    pages_before_saving = actions.pages
    actions.click(page.get_by_role("button", name="Tallenna"))
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    return pages_before_saving


def test_a_professionals_call_takes_at_most_eight_actions_on_one_page(
    page, accessible, coordinator
):
    many_professionals()
    curator = professional(email="kuraattori@example.fi", full_name="Kalle Kuraattori")
    sign_in(page, coordinator)
    accessible(page)
    actions = Actions(page)
    from_home, form_page = open_the_form_from_the_front_page(page, actions)
    accessible(page)
    # Only the coordinator's own programme: no programme names before the categories.
    assert page.get_by_text("Lapsi- ja perhekeskeinen verkostotyö:").count() == 0
    assert page.locator('input[name="concern_categories"]').count() == 9
    assert page.locator('select[name="contact_person"] option').count() == 0

    def search_and_pick():
        search = page.get_by_label("Search by name, title or service").or_(
            page.locator("#id_contact_person_q")
        )
        actions.fill(search.first, "Kalle Kur")
        actions.press(search.first, "Enter")  # the first match is picked
        expect_checked(page, "Kalle Kuraattori, Koulukuraattori, Kaakkurin koulu")
        accessible(page)

    pages_before_saving = a_typical_call(page, actions, search_and_pick)
    on_the_form = actions.count - from_home
    print(
        f"\nAFTER professional call (search): {on_the_form} on the form, "
        f"{actions.count} from the front page"
    )
    assert on_the_form <= 8
    assert pages_before_saving == form_page  # one page: nothing loaded before saving
    accessible(page)
    contact = Contact.objects.get()
    assert contact.contact_person == curator
    assert [c.code for c in contact.concern_categories.all()] == ["school-attendance"]
    assert [b.code for b in contact.age_bands.all()] == ["7-12"]
    assert (contact.lp_discussion, contact.consent) == ("held", "agrees")


def test_a_repeat_callers_call_is_one_click_shorter(
    page, accessible, coordinator, kaakkuri, children
):
    from contacts.tests.helpers import a_contact

    curator = professional(email="kuraattori@example.fi", full_name="Kalle Kuraattori")
    a_contact(kaakkuri, children, coordinator, contacted_by="professional", contact_person=curator)
    many_professionals(50)
    sign_in(page, coordinator)
    actions = Actions(page)
    from_home, form_page = open_the_form_from_the_front_page(page, actions)

    def pick_a_recent_caller():
        actions.check(page.get_by_label(re.compile(r"^\s*Kalle Kuraattori, Koulukuraattori")))

    pages_before_saving = a_typical_call(page, actions, pick_a_recent_caller)
    on_the_form = actions.count - from_home
    print(f"\nAFTER professional call (recent caller): {on_the_form} on the form")
    assert on_the_form <= 7
    assert pages_before_saving == form_page
    assert Contact.objects.latest("pk").contact_person == curator


def test_an_advice_call_takes_at_most_six_actions_and_no_name(page, accessible, coordinator):
    sign_in(page, coordinator)
    actions = Actions(page)
    from_home, _form_page = open_the_form_from_the_front_page(page, actions)
    actions.check(page.get_by_label("Vanhempi tai huoltaja"))
    # A parent's call: no professional to pick, the caller's name is not asked for.
    assert not page.locator("#id_contact_person_q").is_visible()
    actions.fill(
        page.locator("#id_concern"), "Vanhempi kysyy, mistä saa tukea murrosikäisen kanssa."
    )
    actions.check(page.get_by_label("Perhe tietää ja suostuu"))
    actions.click(page.get_by_role("button", name="Tallenna"))
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    accessible(page)
    actions.fill(page.get_by_label("Mitä neuvottiin"), "Kerrottiin perheneuvolan palveluista.")
    actions.click(page.get_by_role("button", name="Sulje neuvonnalla"))
    page.get_by_text("Neuvonta ja konsultaatio").first.wait_for()
    accessible(page)
    counted = actions.count - from_home
    print(
        f"\nAFTER advice call: {counted} on the form and the contact page, {actions.count} from the front page"
    )
    assert counted <= 6
    contact = Contact.objects.get()
    assert (contact.outcome, contact.contacted_by) == ("advice", "parent")
    assert (contact.contact_person, contact.contact_person_name) == (None, "")


def expect_checked(page, label):
    radio = page.get_by_label(re.compile(rf"^\s*{re.escape(label)}"))
    radio.wait_for()
    assert radio.is_checked()


def test_the_legal_ground_appears_only_without_consent(page, accessible, coordinator):
    sign_in(page, coordinator)
    page.goto("/contacts/new/")
    legal = page.locator("#no-consent-fields")
    assert legal.is_hidden()
    assert page.locator("#id_legal_ground").is_disabled()
    page.get_by_label("Ei suostumusta").check()
    assert legal.is_visible()
    accessible(page)
    page.get_by_label("Perhe tietää ja suostuu").check()
    assert legal.is_hidden()
    page.get_by_label("Ei suostumusta").check()
    page.locator("#id_concern").fill("Huoli lapsen turvallisuudesta.")
    page.locator("#id_legal_ground").select_option("shl_35_need")
    page.locator("#id_no_consent_reasons").fill("Lapsen etu vaatii.")
    page.get_by_label("Vanhempi tai huoltaja").check()
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    assert Contact.objects.get().legal_ground == "shl_35_need"


def test_the_legal_ground_fields_are_there_without_javascript(browser, live_server, coordinator):
    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, coordinator)
        page.goto("/contacts/new/")
        assert page.locator("#no-consent-fields").is_visible()
        assert page.locator("#id_contact_person_q").is_visible()
    finally:
        context.close()


def test_a_coordinator_of_both_programmes_switches_without_losing_the_concern(
    page, accessible, kaakkuri, children, working_age
):
    from accounts.models import Membership
    from audit.roles import Role

    coordinator = coordinator_of(kaakkuri, children, email="molemmat@example.fi")
    Membership.objects.create(
        user=coordinator, role=Role.COORDINATOR, area=kaakkuri, programme=working_age
    )
    sign_in(page, coordinator)
    page.goto("/contacts/new/")
    page.locator("#id_concern").fill("Työkyky heikentynyt, toimeentulo tiukalla.")
    assert page.get_by_label("Koulunkäynti ja koulusta lintsaaminen", exact=True).count() == 1
    page.locator(f"#programme-{working_age.pk}").click()
    page.get_by_label("Työkyky", exact=True).wait_for()
    assert page.get_by_label("Koulunkäynti ja koulusta lintsaaminen", exact=True).count() == 0
    assert page.locator("#id_concern").input_value().startswith("Työkyky heikentynyt")
    assert page.locator(f"#programme-{working_age.pk}").get_attribute("aria-current") == "true"
    accessible(page)
    page.get_by_label("Työkyky", exact=True).check()
    page.get_by_label("30–49-vuotiaat", exact=True).check()
    page.get_by_label("Asiakas itse").check()
    page.get_by_label("Perhe tietää ja suostuu").check()
    page.get_by_role("button", name="Tallenna").click()
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    contact = Contact.objects.get()
    assert contact.programme == working_age
    assert [b.code for b in contact.age_bands.all()] == ["30-49"]


def test_the_queue_shows_who_called_about_what_and_how_long_ago(page, accessible, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from contacts.tests.helpers import a_contact

    contact = a_contact(
        coordinator.memberships.get().area,
        coordinator.memberships.get().programme,
        coordinator,
        contacted_by="parent",
        concern="Vanhempi on huolissaan lapsen koulunkäynnistä ja kaverisuhteista, "
        "koska lapsi on viime aikoina jäänyt kotiin usein.",
    )
    Contact.objects.filter(pk=contact.pk).update(received_at=timezone.now() - timedelta(days=3))
    sign_in(page, coordinator)
    page.goto("/contacts/queue/")
    accessible(page)
    row = page.get_by_role("row", name=re.compile(f"Yhteydenotto {contact.pk}"))
    text = row.inner_text()
    assert "Vanhempi tai huoltaja" in text
    assert "Vanhempi on huolissaan lapsen koulunkäynnistä" in text and "usein." not in text
    assert re.search(r"\b3\b", text)


def test_a_professionals_request_form_offers_one_programme_at_a_time(
    page, accessible, kaakkuri, children, working_age
):
    sender = professional(email="opettaja@example.fi", full_name="Olli Opettaja")
    sign_in(page, sender)
    page.goto("/contacts/request/")
    accessible(page)
    assert page.get_by_label("Koulunkäynti ja koulusta lintsaaminen", exact=True).count() == 1
    page.locator(f"#programme-{working_age.pk}").click()
    page.get_by_label("Työkyky", exact=True).wait_for()
    accessible(page)
    assert page.locator("#no-consent-fields").is_hidden()
