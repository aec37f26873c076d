"""The coordinator's queue a page at a time: no new contact cut off, the filters kept in the page
links, any page number answered."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import MembershipFactory
from audit.roles import Role
from contacts.selectors import NEW_CONTACTS_PER_PAGE
from contacts.tests.factories import ContactFactory
from contacts.tests.helpers import coordinator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, tuira, children):
    """Coordinates the programme in two areas, so that the area filter has work to do."""
    user = coordinator_of(kaakkuri, children)
    MembershipFactory(user=user, role=Role.COORDINATOR, area=tuira, programme=children)
    return user


def waiting(area, programme, by, count, *, days_ago=10):
    """``count`` pending contacts, a minute apart, the oldest first."""
    start = timezone.now() - timedelta(days=days_ago)
    return [
        ContactFactory(
            area=area, programme=programme, recorded_by=by, received_at=start + timedelta(minutes=n)
        ).pk
        for n in range(count)
    ]


def shown(response):
    return [contact.pk for contact in response.context["queue"].new_contacts]


def total_in_heading(response):
    heading = re.search(r'<h2 id="new-contacts">[^<]*\((\d+)\)</h2>', response.content.decode())
    assert heading, "the new contacts' heading shows their number"
    return int(heading[1])


def test_no_new_contact_is_cut_off_they_come_a_page_at_a_time_oldest_first(
    client, coordinator, kaakkuri, children
):
    contacts = waiting(kaakkuri, children, coordinator, 2 * NEW_CONTACTS_PER_PAGE + 5)
    client.force_login(coordinator)
    url = reverse("contacts:queue")

    pages = [client.get(url, {"page": number}) for number in (1, 2, 3)]

    assert [len(shown(page)) for page in pages] == [NEW_CONTACTS_PER_PAGE] * 2 + [5]
    assert [pk for page in pages for pk in shown(page)] == contacts
    assert {total_in_heading(page) for page in pages} == {len(contacts)}
    first, last = pages[0].content.decode(), pages[2].content.decode()
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="?page=2" rel="prev"' in last and 'rel="next"' not in last
    assert '<li aria-current="page">' in first


def test_the_page_links_keep_the_filters(client, coordinator, kaakkuri, tuira, children):
    in_kaakkuri = waiting(kaakkuri, children, coordinator, NEW_CONTACTS_PER_PAGE + 2)
    waiting(tuira, children, coordinator, 3, days_ago=20)  # older: first in an unfiltered queue
    client.force_login(coordinator)
    url = reverse("contacts:queue")
    link = f'href="?area={kaakkuri.pk}&amp;page=2"'

    first = client.get(url, {"area": kaakkuri.pk})
    assert link in first.content.decode()
    assert total_in_heading(first) == len(in_kaakkuri)
    # The same link in the fragment the filter and the half-minute refresh swap in.
    fragment = client.get(url, {"area": kaakkuri.pk, "page": 1}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert link in fragment.content.decode()

    second = client.get(url, {"area": kaakkuri.pk, "page": 2})
    assert shown(second) == in_kaakkuri[NEW_CONTACTS_PER_PAGE:]
    assert f'href="?area={kaakkuri.pk}&amp;page=1" rel="prev"' in second.content.decode()
    assert total_in_heading(client.get(url)) == len(in_kaakkuri) + 3


@pytest.mark.parametrize(
    ("asked", "shown_page"),
    [("x", 1), ("", 1), ("2.5", 1), ("0", 2), ("-3", 2), ("3", 2), ("99999999999999999999", 2)],
)
def test_a_page_number_that_is_not_one_gives_the_first_or_the_last_page(
    client, coordinator, kaakkuri, children, asked, shown_page
):
    contacts = waiting(kaakkuri, children, coordinator, NEW_CONTACTS_PER_PAGE + 1)
    client.force_login(coordinator)
    response = client.get(reverse("contacts:queue"), {"page": asked})
    assert response.status_code == 200
    assert response.context["queue"].new_page.number == shown_page
    expected = contacts[:NEW_CONTACTS_PER_PAGE] if shown_page == 1 else contacts[-1:]
    assert shown(response) == expected


def test_one_page_needs_no_page_links(client, coordinator, kaakkuri, children):
    waiting(kaakkuri, children, coordinator, 3)
    client.force_login(coordinator)
    response = client.get(reverse("contacts:queue"))
    assert total_in_heading(response) == 3
    assert '<nav aria-label="' not in response.content.decode().split('id="new-contacts"')[1]


def test_a_history_restore_gets_the_whole_page(client, coordinator):
    client.force_login(coordinator)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get(reverse("contacts:queue"), {"page": 2}, headers=headers)
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
