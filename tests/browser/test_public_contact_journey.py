"""Journey: a parent contacts the area's number through the public form on a phone."""

import re

import pytest

from contacts.models import Channel, Contact, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_sends_the_form_on_a_phone_and_sees_the_receipt(
    page, accessible, kaakkuri, children, working_age, settings
):
    settings.ARKI_PUBLIC_CONTACT_MIN_SECONDS = 0  # a test fills the form faster than a person
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/contacts/public/?area=kaakkuri")
    accessible(page)
    assert not page.locator("input[name=website]").is_visible()  # the trap for robots
    # By name and value: the new texts wait for their Finnish translations in locale/.
    page.locator(f"input[name=programme][value='{children.pk}']").check()
    page.locator("input[name=contacted_by][value=parent]").check()
    page.locator("textarea[name=concern]").fill("Lapsi ei jaksa kouluun, toivomme apua.")
    page.locator("input[name=phone]").fill("040 765 4321")
    page.locator("input[name=consent_to_contact]").check()
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(re.compile(r"/contacts/public/sent/$"))
    accessible(page)
    assert page.locator("#receipt-heading").is_visible()
    assert "040 765 4321" not in page.content()
    contact = Contact.objects.get()
    assert (contact.channel, contact.source, contact.area) == (Channel.WEB, Source.PUBLIC, kaakkuri)


def test_a_form_with_errors_is_accessible(page, accessible, kaakkuri, children, settings):
    settings.ARKI_PUBLIC_CONTACT_MIN_SECONDS = 0
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/contacts/public/")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").first.is_visible()
    accessible(page)
    assert not Contact.objects.exists()
