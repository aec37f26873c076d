"""My networks a page at a time: the total shown, any page number answered, as many queries for
many networks as for few."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.tests.helpers import coordinator_of
from networks.tests.factories import NetworkFactory
from networks.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children)


def convening(coordinator, area, programme, count):
    """``count`` networks of the coordinator's, each contacted a day after the one before: their
    deadlines, and so the list, in the order made."""
    start = timezone.now() - timedelta(days=count)
    return [
        NetworkFactory(
            area=area,
            programme=programme,
            coordinator=coordinator,
            first_contact_at=start + timedelta(days=n),
        ).pk
        for n in range(count)
    ]


def listed(response):
    return [network.pk for network in response.context["networks"]]


def test_the_networks_come_a_page_at_a_time(client, coordinator, kaakkuri, children):
    networks = convening(coordinator, kaakkuri, children, PAGE_SIZE + 2)
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    url = reverse("networks:mine")

    first, second = client.get(url), client.get(url, {"page": 2})

    assert listed(first) + listed(second) == networks
    assert len(listed(second)) == 2
    for page in (first, second):
        html = page.content.decode()
        assert f"<caption>{PAGE_SIZE + 2} networks</caption>" in html
        assert '<nav aria-label="Pages">' in html and '<li aria-current="page">' in html
    assert 'href="?page=2" rel="next">Next page</a>' in first.content.decode()
    assert 'href="?page=1" rel="prev">Previous page</a>' in second.content.decode()


@pytest.mark.parametrize(("asked", "shown"), [("x", 1), ("", 1), ("0", 2), ("7", 2)])
def test_a_page_number_that_is_not_one_gives_the_first_or_the_last_page(
    client, coordinator, kaakkuri, children, asked, shown
):
    convening(coordinator, kaakkuri, children, PAGE_SIZE + 1)
    client.force_login(coordinator)
    response = client.get(reverse("networks:mine"), {"page": asked})
    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_one_page_needs_no_page_links(client, coordinator, kaakkuri, children):
    convening(coordinator, kaakkuri, children, 2)
    client.force_login(coordinator)
    html = client.get(reverse("networks:mine")).content.decode()
    assert '<li aria-current="page">' not in html


def test_the_number_of_queries_does_not_grow_with_the_networks(
    client, coordinator, kaakkuri, children
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("networks:mine")).status_code == 200
        return len(captured)

    client.force_login(coordinator)
    convening(coordinator, kaakkuri, children, 2)
    few = queries()
    convening(coordinator, kaakkuri, children, 4)
    assert queries() == few
