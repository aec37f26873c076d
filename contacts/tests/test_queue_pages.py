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


def total_in_heading(response, section="new-contacts"):
    heading = re.search(rf'<h2 id="{section}">[^<]*\((\d+)\)</h2>', response.content.decode())
    assert heading, f"the heading of {section} shows the list's number"
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


# --- every list of the queue is bounded: each a page at a time, with its own page number ---


@pytest.fixture
def three_a_page(monkeypatch):
    from contacts import selectors

    monkeypatch.setattr(selectors, "ROWS_PER_PAGE", 3)
    return 3


def convening(coordinator, area, programme, count, *, days_ago):
    """``count`` networks convening, started ``days_ago`` days ago, a minute apart."""
    from networks.tests.factories import NetworkFactory

    start = timezone.now() - timedelta(days=days_ago)
    return [
        NetworkFactory(
            area=area,
            programme=programme,
            coordinator=coordinator,
            coordinator_role=False,
            first_contact_at=start + timedelta(minutes=n),
        )
        for n in range(count)
    ]


def test_the_networks_waiting_come_a_page_at_a_time_nearest_deadline_first(
    client, coordinator, kaakkuri, children, three_a_page
):
    late = convening(coordinator, kaakkuri, children, 2, days_ago=20)
    on_time = convening(coordinator, kaakkuri, children, 3, days_ago=2)
    client.force_login(coordinator)
    url = reverse("contacts:queue")

    first = client.get(url)
    second = client.get(url, {"waiting_page": 2})

    listed = [item.network for page in (first, second) for item in page.context["queue"].waiting]
    assert listed == late + on_time
    assert total_in_heading(first, "waiting") == 5
    assert 'href="?waiting_page=2" rel="next"' in first.content.decode()
    # The late ones are overdue on the list and listed under "Overdue", from the deadline kept
    # on the network.
    assert [item.status.state for item in first.context["queue"].waiting] == [
        "overdue",
        "overdue",
        "on_time",
    ]
    assert list(first.context["queue"].late) == late


def test_the_overdue_lists_are_bounded_and_the_other_pages_kept_in_their_links(
    client, coordinator, kaakkuri, children, three_a_page
):
    from networks.tests.factories import MeetingFactory

    networks = convening(coordinator, kaakkuri, children, 4, days_ago=30)
    for network in networks:
        MeetingFactory(network=network, past=True)
    client.force_login(coordinator)
    url = reverse("contacts:queue")

    response = client.get(url, {"area": kaakkuri.pk, "waiting_page": 2})
    queue = response.context["queue"]
    html = response.content.decode()

    assert queue.waiting_page.number == 2
    assert (len(queue.late), queue.late.paginator.count) == (3, 4)
    assert (len(queue.unrecorded), queue.unrecorded.paginator.count) == (3, 4)
    assert total_in_heading(response, "overdue") == 8
    # Each list's links move that list only: the filter and the other list's page stay.
    assert f'href="?area={kaakkuri.pk}&amp;waiting_page=2&amp;late_page=2" rel="next"' in html
    assert f'href="?area={kaakkuri.pk}&amp;waiting_page=2&amp;unrecorded_page=2" rel="next"' in html
    assert f'href="?area={kaakkuri.pk}&amp;waiting_page=1" rel="prev"' in html
    # Several page navigations on one page: each is named for its list.
    labels = re.findall(r'<nav aria-label="([^"]+)">', html)
    assert len(labels) == len(set(labels)) == 4  # the main menu and three lists

    last = client.get(url, {"late_page": 2, "unrecorded_page": 2}).context["queue"]
    assert list(last.late) == networks[3:]
    assert [meeting.network for meeting in last.unrecorded] == networks[3:]


def test_the_upcoming_meetings_are_bounded(client, coordinator, kaakkuri, children, three_a_page):
    from networks.tests.factories import MeetingFactory

    (network,) = convening(coordinator, kaakkuri, children, 1, days_ago=1)
    soon = [
        MeetingFactory(network=network, starts_at=timezone.now() + timedelta(days=n + 1))
        for n in range(4)
    ]
    client.force_login(coordinator)

    response = client.get(reverse("contacts:queue"), {"upcoming_page": 2})

    assert list(response.context["queue"].upcoming) == soon[3:]
    assert total_in_heading(response, "upcoming") == 4


def test_the_refresh_asks_for_what_the_filter_and_pages_show(
    client, coordinator, kaakkuri, children
):
    """The half-minute refresh is drawn inside the list it replaces, so after a filter is
    chosen it keeps asking for that filter (not the address the page was first opened with)."""
    client.force_login(coordinator)
    url = reverse("contacts:queue")

    whole = client.get(url).content.decode()
    fragment = client.get(
        url, {"area": kaakkuri.pk, "page": 2}, headers={"HX-Request": "true"}
    ).content.decode()

    assert f'<div id="queue" hx-get="{url}" hx-trigger="every 30s" hx-swap="outerHTML">' in whole
    assert 'hx-target="#queue" hx-swap="outerHTML"' in whole
    assert fragment.lstrip().startswith(
        f'<div id="queue" hx-get="{url}?area={kaakkuri.pk}&amp;page=2" hx-trigger="every 30s"'
    )


def test_a_coordinator_of_every_area_and_programme_sees_every_contact_waiting(
    client, kaakkuri, tuira, children, working_age
):
    """A coordinator role limited to no area and no programme covers them all, in the queue as
    in the access policy (an empty limit once made the queue match nothing)."""
    from networks.access import is_coordinator_of

    everywhere = MembershipFactory(role=Role.COORDINATOR, area=None, programme=None).user
    here = waiting(kaakkuri, children, everywhere, 2) + waiting(tuira, working_age, everywhere, 1)
    assert is_coordinator_of(everywhere, tuira.pk, working_age.pk)
    client.force_login(everywhere)
    response = client.get(reverse("contacts:queue"))
    assert sorted(shown(response)) == sorted(here) and total_in_heading(response) == 3
    # Another, narrower role beside it changes nothing.
    MembershipFactory(user=everywhere, role=Role.COORDINATOR, area=tuira, programme=children)
    client.force_login(everywhere)
    response = client.get(reverse("contacts:queue"), {"area": tuira.pk})
    assert shown(response) == here[2:] and total_in_heading(response) == 1
    assert sorted(shown(client.get(reverse("contacts:queue")))) == sorted(here)
    # Limited to one programme, in every area: that programme's only.
    children_only = MembershipFactory(role=Role.COORDINATOR, area=None, programme=children).user
    client.force_login(children_only)
    assert sorted(shown(client.get(reverse("contacts:queue")))) == sorted(here[:2])


def test_each_list_answers_any_page_number_as_django_s_paginator_does(
    coordinator, kaakkuri, children, three_a_page
):
    """The queue reads each page in one compiled query with the list's total on its rows; the
    page it gives for any number asked is the one ``Paginator.get_page`` gives."""
    from django.core.paginator import Paginator

    from contacts.models import Contact
    from contacts.selectors import QueuePages, coordinator_queue

    contacts = waiting(kaakkuri, children, coordinator, 7)
    everything = list(Contact.objects.filter(pk__in=contacts).order_by("received_at", "pk"))
    asked_values = [None, "", "x", "2.0", "0", "-1", "1", "2", "3", "4", "99", str(10**30)]
    for asked in asked_values:
        pages = {} if asked is None else {QueuePages.NEW: asked}
        mine = coordinator_queue(coordinator, pages=pages).new_page
        django_s = Paginator(everything, 3).get_page(asked)
        assert (mine.number, list(mine), mine.paginator.count, mine.paginator.num_pages) == (
            django_s.number,
            list(django_s),
            7,
            3,
        ), asked
        assert (mine.has_next(), mine.has_previous()) == (
            django_s.has_next(),
            django_s.has_previous(),
        )
    # An empty list: page 1 of 1, whatever is asked.
    nobody = coordinator_of(kaakkuri, children, email="empty@example.invalid")
    Contact.objects.filter(pk__in=contacts).delete()
    for asked in ("1", "5", "0"):
        empty = coordinator_queue(nobody, pages={QueuePages.NEW: asked}).new_page
        assert (empty.number, list(empty), empty.paginator.num_pages) == (1, [], 1)


def test_the_queue_is_compiled_once_per_shape_of_roles(
    client, coordinator, kaakkuri, tuira, children, working_age
):
    """A second request of the same coordinator (or of another with roles of the same shape)
    compiles none of the lists' queries again."""
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    waiting(kaakkuri, children, coordinator, 2)
    client.force_login(coordinator)
    assert client.get(reverse("contacts:queue")).status_code == 200
    compiled = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    # Another coordinator of two areas (other areas and programme): the same shape.
    other = coordinator_of(tuira, working_age, email="other@example.invalid")
    MembershipFactory(user=other, role=Role.COORDINATOR, area=kaakkuri, programme=working_age)
    with mock.patch.object(SQLCompiler, "as_sql", counting):
        assert client.get(reverse("contacts:queue")).status_code == 200
        client.force_login(other)
        assert client.get(reverse("contacts:queue")).status_code == 200
    from contacts.models import Contact
    from networks.models import Meeting, Network

    # Only the planned meetings of the networks on the page (none here) may be compiled.
    assert not {Contact, Network} & set(compiled)
    assert compiled.count(Meeting) == 0


def test_the_meeting_lists_keep_to_the_coordinator_s_areas_programmes_and_open_networks(
    client, coordinator, kaakkuri, tuira, children, working_age
):
    """The upcoming and unrecorded meetings are those of open networks in the coordinator's
    (area, programme) pairs, narrowed by the filters; a role for the whole region sees all."""
    from networks.models import NetworkStatus
    from networks.tests.factories import MeetingFactory, NetworkFactory

    def meetings_in(area, programme, *, status=NetworkStatus.ACTIVE):
        network = NetworkFactory(area=area, programme=programme, status=status)
        return (
            MeetingFactory(network=network, starts_at=timezone.now() + timedelta(days=3)),
            MeetingFactory(network=network, past=True),
        )

    mine_here = meetings_in(kaakkuri, children)
    mine_there = meetings_in(tuira, children, status=NetworkStatus.CONVENING)
    other_programme = meetings_in(kaakkuri, working_age)
    closed = meetings_in(kaakkuri, children, status=NetworkStatus.CLOSED)
    url = reverse("contacts:queue")

    def lists(response):
        queue = response.context["queue"]
        return sorted(m.pk for m in queue.upcoming), sorted(m.pk for m in queue.unrecorded)

    def expected(*pairs):
        return sorted(p[0].pk for p in pairs), sorted(p[1].pk for p in pairs)

    client.force_login(coordinator)
    assert lists(client.get(url)) == expected(mine_here, mine_there)
    assert lists(client.get(url, {"area": tuira.pk})) == expected(mine_there)
    assert lists(client.get(url, {"programme": children.pk})) == expected(mine_here, mine_there)
    # Two roles of different pairs: kaakkuri's working-age programme, tuira's children's.
    crossed = coordinator_of(kaakkuri, working_age, email="crossed@example.invalid")
    MembershipFactory(user=crossed, role=Role.COORDINATOR, area=tuira, programme=children)
    client.force_login(crossed)
    assert lists(client.get(url)) == expected(mine_there, other_programme)
    assert lists(client.get(url, {"programme": working_age.pk})) == expected(other_programme)
    assert lists(client.get(url, {"area": tuira.pk})) == expected(mine_there)
    everywhere = MembershipFactory(role=Role.COORDINATOR, area=None, programme=None).user
    client.force_login(everywhere)
    assert lists(client.get(url)) == expected(mine_here, mine_there, other_programme)
    assert closed[0].pk not in lists(client.get(url))[0]
