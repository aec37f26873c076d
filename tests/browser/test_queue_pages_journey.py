"""The coordinator's queue when a county has more waiting than fits on a page (#21): every list
a page at a time, the filter chosen kept by the half-minute refresh, each page accessible."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import MembershipFactory
from audit.roles import Role
from contacts.tests.helpers import coordinator_of
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(kaakkuri, tuira, children, monkeypatch):
    from contacts import selectors

    monkeypatch.setattr(selectors, "ROWS_PER_PAGE", 2)
    user = coordinator_of(kaakkuri, children)
    MembershipFactory(user=user, role=Role.COORDINATOR, area=tuira, programme=children)
    return user


def late_networks(coordinator, area, programme, count):
    from networks.tests.factories import MeetingFactory, NetworkFactory

    start = timezone.now() - timedelta(days=30)
    for n in range(count):
        network = NetworkFactory(
            area=area,
            programme=programme,
            coordinator=coordinator,
            coordinator_role=False,
            first_contact_at=start + timedelta(minutes=n),
        )
        MeetingFactory(network=network, past=True)


def test_every_list_a_page_at_a_time_and_the_filter_kept(
    page, accessible, coordinator, kaakkuri, tuira, children, tmp_path
):
    late_networks(coordinator, kaakkuri, children, 3)
    late_networks(coordinator, tuira, children, 3)
    sign_in(page, coordinator)
    page.goto("/contacts/queue/")
    accessible(page)
    waiting = page.get_by_role("navigation", name="Koolle kutsumista odottavien verkostojen sivut")
    assert "Sivu 1/3" in waiting.inner_text()

    # The area chosen: the lists are drawn again for it, and the refresh asks for it too.
    page.get_by_label("Alue").select_option(label="Tuira")
    page.wait_for_url(re.compile(rf"area={tuira.pk}"))
    queue = page.locator("#queue")
    page.wait_for_function(
        f"document.querySelector('#queue').getAttribute('hx-get').includes('area={tuira.pk}')"
    )
    assert queue.get_attribute("hx-trigger") == "every 30s"
    assert "Sivu 1/2" in waiting.inner_text()

    # The next page of the late networks: the filter and the other lists' pages stay.
    late = page.get_by_role(
        "navigation", name="Määräajassa koolle kutsumattomien verkostojen sivut"
    )
    late.get_by_role("link", name="Seuraava sivu").click()
    page.wait_for_url(re.compile(r"late_page=2"))
    assert f"area={tuira.pk}" in page.url
    assert "Sivu 2/2" in late.inner_text()
    assert "Sivu 1/2" in waiting.inner_text()
    accessible(page)
    page.screenshot(path=str(tmp_path / "queue-page-2.png"), full_page=True)
