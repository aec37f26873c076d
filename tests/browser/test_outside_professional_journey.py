"""Journey (issue #15): a professional without an Arki account.

The coordinator adds a private therapist to the network, creates their personal link; the
therapist opens the plan with the one-time code and downloads their own copy of the memo. Every
page is scanned with axe. The new texts are not yet translated, so the new fields and buttons are
found by their ids and forms, not by their words.
"""

import re

import pytest

from meetings.services import RecordInput, save_meeting_record
from meetings.tests.helpers import network_with_meeting
from networks.models import Participant
from tests.browser.test_meeting_journey import finnish
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_outside_professional_gets_the_plan_and_the_memo(
    page, browser, live_server, accessible, kaakkuri, children
):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(common_goal="Eelin arki sujuu", present=list(network.participants.all())),
    )

    sign_in(page, coordinator)
    page.goto(f"/networks/{network.pk}/participants/")
    accessible(page)
    page.locator("#id_out-name").fill("Terhi Terapeutti")
    page.locator("#id_out-organisation").fill("Terapiakeskus Oy")
    page.locator("#id_out-email").fill("terapeutti@example.fi")
    page.locator("#id_out-phone").fill("040 123 4567")
    page.locator("section[aria-labelledby='add-outside'] button[type='submit']").click()
    page.get_by_role("cell", name="Terapiakeskus Oy", exact=True).wait_for()
    accessible(page)
    therapist = Participant.objects.get(name="Terhi Terapeutti")
    assert therapist.user is None and therapist.organisation == "Terapiakeskus Oy"

    page.goto(f"/networks/{network.pk}/")
    accessible(page)
    page.locator(
        f"form[action='/family/networks/{network.pk}/participants/{therapist.pk}/link/']"
        ":not(:has(input[value='sms'])) button"
    ).click()
    page.wait_for_url(re.compile(r"/link/$"))
    accessible(page)
    url = page.locator("dl.facts code").inner_text()
    code = page.locator("dl.facts strong").inner_text()
    assert url.startswith(live_server.url) and re.fullmatch(r"\d{6}", code)

    # The therapist, in their own browser: no session with Arki.
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", accept_downloads=True)
    context.set_default_timeout(10_000)
    therapist_page = context.new_page()
    try:
        therapist_page.goto(url)
        accessible(therapist_page)
        assert "Eeli Virtanen" not in therapist_page.locator("main").inner_text()
        therapist_page.locator("#id_code").fill(code)
        therapist_page.get_by_role("button", name=finnish("Open the plan")).click()
        therapist_page.locator("#memos-heading").wait_for()
        accessible(therapist_page)
        assert "Eeli Virtanen" in therapist_page.locator("main").inner_text()
        with therapist_page.expect_download() as download_info:
            therapist_page.locator(f"a[href$='/memos/{meeting.pk}/']").click()
        download = download_info.value
        assert download.suggested_filename == f"arki-memo-{meeting.pk}.pdf"
        with open(download.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    finally:
        context.close()
