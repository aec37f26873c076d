"""Journeys: families reached where they are (issue #19), on a phone-sized screen.

1. A coordinator adds a mother who chose text messages and schedules a meeting: the invitation
   (time and place, no names) and the one-time code reach her through the text-message gateway;
   she opens the plan with the code on her phone, prepares the meeting in her own words and her
   child's, and the coordinator sees them in the meeting record as the family's own words.
2. A parent signs in with strong identification through a local SAML identity provider standing
   in for Suomi.fi, sees her plans listed (her two children's network and a half-sibling's), and
   both children's goals on the family's plan; she signs out.
3. The other pages a family member meets: the feedback form, an ended link, the preparation
   after the meeting started, Suomi.fi not in use, a refused sign-in.

Every family page is scanned with axe at phone size (390 × 844) and must not be wider than it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from family.tests import saml_idp
from meetings.models import FamilyPreparation
from meetings.tests.factories import GoalFactory
from networks.identity import hash_identity_code
from networks.tests.factories import ChildFactory, NetworkFactory, ParticipantFactory
from notifications import sms
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MOTHER_CODE = "131052-308T"


def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px screen"


def test_text_messages_bring_the_invitation_and_the_code_and_the_family_prepares_the_meeting(
    page, browser, live_server, accessible, settings, kaakkuri, children
):
    settings.ARKI_SMS_BACKEND = "locmem"
    network = NetworkFactory(area=kaakkuri, programme=children, subject_name="Eeli Virtanen")
    coordinator = network.coordinator

    # The coordinator adds the mother, who wants text messages, and schedules a meeting.
    sign_in(page, coordinator)
    page.goto(f"/networks/{network.pk}/participants/")
    accessible(page)
    page.locator("#id_fam-kind").select_option(index=1)
    page.locator("#id_fam-name").fill("Maija Virtanen")
    page.locator("#id_fam-phone").fill("040 123 4567")
    page.locator("#id_fam-channel").select_option("sms")
    page.locator("#id_fam-name").evaluate("input => input.form.requestSubmit()")
    page.locator(".message--success").wait_for()
    mother = network.participants.get(name="Maija Virtanen")
    assert (mother.channel, mother.phone) == ("sms", "+358401234567")

    starts = (timezone.localtime() + timedelta(days=7)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    page.goto(f"/networks/{network.pk}/meetings/new/")
    page.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_ends_at").fill((starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").fill("Kaakkurin koulu")
    page.locator("#id_place").evaluate("input => input.form.requestSubmit()")
    page.wait_for_url(re.compile(rf"/networks/{network.pk}/$"))
    invitations = [m for m in sms.outbox if m.purpose == "invitation"]
    assert [m.to for m in invitations] == ["+358401234567"]
    text = invitations[0].text
    assert "Kaakkurin koulu" in text and starts.strftime("%-d.%-m.%Y") in text
    assert "Eeli" not in text and "Maija" not in text and "Virtanen" not in text

    # The link on paper, the code by text message.
    page.locator(
        f"form[action$='/participants/{mother.pk}/link/']:has(input[value='sms']) button"
    ).click()
    page.locator(".message--success").wait_for()
    link_url = page.locator("main dl code").inner_text().strip()
    assert page.get_by_text(re.compile(r"^\d{6}$")).count() == 0  # the code is not shown
    codes = [m for m in sms.outbox if m.purpose == "code"]
    assert [m.to for m in codes] == ["+358401234567"]
    code = re.search(r"\b(\d{6})\b", codes[0].text).group(1)
    assert urlparse(link_url).path not in codes[0].text

    # The mother on her phone: the code, the plan, preparing the meeting.
    context, phone = phone_page(browser, live_server)
    try:
        phone.goto(urlparse(link_url).path)
        accessible(phone)
        fits_the_phone(phone)
        phone.locator("#id_code").fill(code)
        phone.locator("main form button[type='submit']").click()
        phone.locator("#own-promises-heading").wait_for()
        accessible(phone)
        fits_the_phone(phone)
        assert "Kaakkurin koulu" in phone.locator("main").inner_text()

        phone.locator(f"a[href$='/prepare/{network.meetings.get().pk}/']").first.click()
        accessible(phone)
        fits_the_phone(phone)
        phone.locator("#id_goes_well").fill("Aamut sujuvat paremmin.")
        phone.locator("#id_worries").fill("Koulumatka jännittää.")
        phone.locator("#id_wishes").fill("Että sovitaan, kuka hakee iltapäivisin.")
        phone.locator("#id_child_view").fill("Tykkään jalkapallosta. Matematiikka on vaikeaa.")
        phone.locator("#id_goes_well").evaluate("field => field.form.requestSubmit()")
        phone.locator(".message--success").wait_for()
        accessible(phone)
        fits_the_phone(phone)
    finally:
        context.close()
    preparation = FamilyPreparation.objects.get(participant=mother)
    assert preparation.child_view.startswith("Tykkään jalkapallosta")

    # The coordinator sees it in the meeting record, marked as the family's own words.
    page.goto(f"/networks/{network.pk}/")
    page.locator("a[href$='#family-words']").click()
    words = page.locator("#family-words")
    words.wait_for()
    accessible(page)
    assert "Perheen omin sanoin" in words.inner_text()
    for said in ("Aamut sujuvat paremmin.", "Koulumatka jännittää.", "Matematiikka on vaikeaa."):
        assert said in words.inner_text()


def local_suomifi(settings, tmp_path, live_server) -> saml_idp.LocalIdentityProvider:
    """Arki configured to trust a local identity provider standing in for Suomi.fi."""
    from saml2.metadata import create_metadata_string

    from family.suomifi.config import sp_config

    provider = saml_idp.LocalIdentityProvider(tmp_path)
    sp_key, sp_cert = saml_idp.make_key_pair(tmp_path, "sp")
    settings.ARKI_BASE_URL = live_server.url
    settings.ARKI_SUOMIFI_IDP_METADATA = str(provider.metadata_file)
    settings.ARKI_SUOMIFI_SP_KEY_FILE = str(sp_key)
    settings.ARKI_SUOMIFI_SP_CERT_FILE = str(sp_cert)
    provider.trust(create_metadata_string(None, config=sp_config(), valid=24))
    return provider


def test_a_parent_signs_in_with_suomifi_and_sees_both_childrens_goals(
    browser, live_server, accessible, settings, tmp_path, kaakkuri, children
):
    provider = local_suomifi(settings, tmp_path, live_server)

    network = NetworkFactory(area=kaakkuri, programme=children, subject_name="Eeli Virtanen")
    network.children.all().delete()
    eeli = ChildFactory(network=network, name="Eeli Virtanen")
    aino = ChildFactory(network=network, name="Aino Virtanen")
    GoalFactory(network=network, child=eeli, text="Kouluun joka aamu", rating=5)
    GoalFactory(network=network, child=aino, text="Kaverin kanssa ulos", rating=7)
    ParticipantFactory(
        network=network, name="Maija Virtanen", identity_code_hash=hash_identity_code(MOTHER_CODE)
    )
    # A half-sibling's network in another area: the mother is part of it too.
    other = NetworkFactory(programme=children, subject_name="Oona Laine")
    ParticipantFactory(
        network=other, name="Maija Virtanen", identity_code_hash=hash_identity_code(MOTHER_CODE)
    )

    def identify(route):
        """Suomi.fi: the person identifies and the browser posts the signed answer back."""
        request = provider.read_request(route.request.url)
        answer = provider.answer(request, identity_code=MOTHER_CODE, surname="Virtanen")
        relay = parse_qs(urlparse(route.request.url).query).get("RelayState", [""])[0]
        route.fulfill(
            content_type="text/html",
            body=(
                "<!doctype html><html lang='fi'><title>Tunnistus</title><body>"
                f"<form method='post' action='{request.message.assertion_consumer_service_url}'>"
                f"<input type='hidden' name='SAMLResponse' value='{answer}'>"
                f"<input type='hidden' name='RelayState' value='{relay}'>"
                "<button type='submit'>Jatka palveluun</button></form></body></html>"
            ),
        )

    context, phone = phone_page(browser, live_server)
    try:
        phone.route(re.compile(r"^https://tunnistus\.test/"), identify)
        phone.goto("/family/me/")
        accessible(phone)
        fits_the_phone(phone)
        phone.get_by_role("link", name="Kirjaudu Suomi.fi-tunnistuksella").click()
        phone.get_by_role("button", name="Jatka palveluun").click()
        phone.get_by_role("heading", name="Suunnitelmasi").wait_for()  # both plans listed
        accessible(phone)
        fits_the_phone(phone)
        assert "Oona Laine" in phone.locator("main").inner_text()
        phone.get_by_role("link", name="Eeli Virtanen").click()
        phone.wait_for_url(re.compile(r"/family/me/\d+/$"))
        phone.locator("#own-promises-heading").wait_for()
        accessible(phone)
        fits_the_phone(phone)
        main = phone.locator("main").inner_text()
        for expected in ("Eeli Virtanen", "Kouluun joka aamu", "Aino Virtanen", "Kaverin kanssa"):
            assert expected in main
        phone.get_by_role("button", name="Kirjaudu ulos").click()
        phone.get_by_role("link", name="Kirjaudu Suomi.fi-tunnistuksella").wait_for()
        accessible(phone)
    finally:
        context.close()


def test_the_other_family_pages_pass_axe_on_a_phone(
    browser, live_server, accessible, settings, tmp_path, kaakkuri, children
):
    """The pages a family member meets besides the plan: the feedback form, an ended link, the
    preparation after the meeting started, Suomi.fi not in use, and a refused sign-in."""
    from family import services as family_services
    from family.tests.factories import FamilyLinkFactory
    from feedback.models import FeedbackInvitation
    from feedback.services import token_for
    from feedback.tests.helpers import held_meeting
    from networks.tests.factories import MeetingFactory

    network, _meeting, coordinator = held_meeting(kaakkuri, children)
    invitation = FeedbackInvitation.objects.filter(
        participant__network=network, participant__kind__is_family=True
    ).first()
    mother = invitation.participant
    ended = FamilyLinkFactory(participant=mother)
    family_services.revoke(link=ended, by=coordinator)
    started = MeetingFactory(network=network, past=True)
    link = FamilyLinkFactory(participant=mother)

    context, phone = phone_page(browser, live_server)
    try:
        for path, status in (
            (f"/feedback/{token_for(invitation)}/", 200),
            (f"/family/{ended.token}/", 403),
            ("/family/suomifi/login/", 404),
        ):
            response = phone.goto(path)
            assert response is not None and response.status == status, path
            accessible(phone)
            fits_the_phone(phone)

        phone.goto(f"/family/{link.token}/")
        phone.locator("#id_code").fill(link.code)
        phone.locator("main form button[type='submit']").click()
        phone.locator("#own-promises-heading").wait_for()
        phone.goto(f"/family/{link.token}/prepare/{started.pk}/")
        assert phone.locator("textarea").count() == 0  # closed: the meeting has started
        accessible(phone)
        fits_the_phone(phone)

        local_suomifi(settings, tmp_path, live_server)
        phone.goto("/family/me/")
        phone.evaluate(
            """() => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/family/suomifi/acs/";
                const field = document.createElement("input");
                field.type = "hidden"; field.name = "SAMLResponse"; field.value = "bm90IFNBTUw=";
                form.append(field);
                document.body.append(form);
                form.submit();
            }"""
        )
        phone.get_by_role("heading", name="Kirjautuminen ei onnistunut").wait_for()
        accessible(phone)
        fits_the_phone(phone)
    finally:
        context.close()
