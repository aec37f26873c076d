"""Journey: a parent reads the family's plan on a phone and tells their promise is done.

A phone-sized screen (390 × 844): the plan opens with the one-time code, nothing is wider than
the screen (no wide tables), the coordinator's phone is a tel: link, the parent presses "Done"
on their own promise and the plan says it is confirmed at the next meeting. Every page is
scanned with axe. New texts are not translated yet, so elements are found by ids and forms.
"""

import pytest

from family.tests.factories import FamilyLinkFactory
from meetings.tests.factories import GoalFactory, MeetingRecordFactory, PromiseFactory
from networks.tests.factories import NetworkFactory, ParticipantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_parent_reads_the_plan_on_a_phone_and_reports_a_promise_done(
    browser, live_server, accessible, kaakkuri, children
):
    network = NetworkFactory(area=kaakkuri, programme=children, subject_name="Eeli Virtanen")
    coordinator = network.coordinator
    coordinator.phone, coordinator.phone_hours = "040 123 4567", "ma–pe 9–11"
    coordinator.save()
    mother = ParticipantFactory(network=network, name="Maija Virtanen")
    held = MeetingRecordFactory(meeting__network=network).meeting
    GoalFactory(network=network, set_in=held, text="Kouluun joka aamu", rating=6)
    promise = PromiseFactory(network=network, made_in=held, participant=mother, act="Vien Eelin")
    PromiseFactory(network=network, made_in=held)
    link = FamilyLinkFactory(participant=mother)

    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/family/{link.token}/")
        accessible(page)
        page.locator("#id_code").fill(link.code)
        page.locator("main form button[type='submit']").click()
        page.locator("#own-promises-heading").wait_for()
        accessible(page)
        main = page.locator("main").inner_text()
        assert "Kouluun joka aamu" in main and "6/10" in main and "ma–pe 9–11" in main
        assert page.locator("a[href='tel:0401234567']").count() == 1
        assert page.locator("main table").count() == 0
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page is {width}px wide on a 390px screen"

        page.locator(f"form[action$='/promises/{promise.pk}/done/'] button").click()
        page.locator(".message--success").wait_for()
        accessible(page)
        assert page.locator(f"form[action$='/promises/{promise.pk}/done/']").count() == 0
        promise.refresh_from_db()
        assert promise.reported_done_at is not None
    finally:
        context.close()
