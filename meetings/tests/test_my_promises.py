"""My promises a page at a time: soonest first, each listed network in the access log, and a
number of queries that does not grow with the networks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from contacts.tests.helpers import professional
from meetings.models import Promise
from meetings.tests.factories import PromiseFactory, recorded_meeting
from meetings.views import PAGE_SIZE
from networks.tests.factories import NetworkFactory, ProfessionalParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(kaakkuri, children):
    return professional(email="opettaja@example.fi", full_name="Olli Opettaja")


def in_networks(teacher, area, programme, counts):
    """The teacher in a new network for each count, with that many open promises in it, due on
    consecutive days across the networks: the first network's are the soonest."""
    day = 0
    networks = []
    for count in counts:
        network = NetworkFactory(area=area, programme=programme)
        participant = ProfessionalParticipantFactory(network=network, user=teacher)
        meeting = recorded_meeting(network)
        for _ in range(count):
            day += 1
            PromiseFactory(
                network=network,
                participant=participant,
                made_in=meeting,
                act=f"Lupaus {day:03}",
                due=timezone.localdate() + timedelta(days=day),
            )
        networks.append(network)
    return networks


def acts(response):
    return [promise.act for promise in response.context["promises"]]


def listed(teacher):
    """The networks the access log says were listed on my promises, each once."""
    rows = AccessLog.objects.filter(actor=teacher, view_name="meetings:my_promises")
    assert all(row.action == "list" and row.success for row in rows)
    assert all(row.basis == "participant" for row in rows)
    return sorted(int(pk) for pk in rows.values_list("subject_id", flat=True))


def test_the_promises_come_a_page_at_a_time_soonest_first(client, teacher, kaakkuri, children):
    in_networks(teacher, kaakkuri, children, [PAGE_SIZE - 10, 13])
    client.force_login(teacher)
    client.cookies["django_language"] = "en"
    url = reverse("meetings:my_promises")

    first = client.get(url)
    second = client.get(url, {"page": 2})

    everything = [f"Lupaus {day:03}" for day in range(1, PAGE_SIZE + 4)]
    assert acts(first) == everything[:PAGE_SIZE]
    assert acts(second) == everything[PAGE_SIZE:]
    for page in (first, second):
        html = page.content.decode()
        assert f"<caption>{PAGE_SIZE + 3} open promises</caption>" in html
        assert '<nav aria-label="Pages">' in html
        assert '<li aria-current="page">' in html
    assert 'href="?page=2" rel="next">Next page</a>' in first.content.decode()
    assert 'href="?page=1" rel="prev">Previous page</a>' in second.content.decode()


@pytest.mark.parametrize(
    ("asked", "shown"), [("x", 1), ("", 1), ("1.5", 1), ("0", 2), ("-1", 2), ("999999999999", 2)]
)
def test_a_page_number_that_is_not_one_gives_the_first_or_the_last_page(
    client, teacher, kaakkuri, children, asked, shown
):
    in_networks(teacher, kaakkuri, children, [PAGE_SIZE + 1])
    client.force_login(teacher)
    response = client.get(reverse("meetings:my_promises"), {"page": asked})
    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_the_access_log_names_exactly_the_networks_on_the_page_shown(
    client, teacher, kaakkuri, children
):
    soonest, middle, latest = in_networks(teacher, kaakkuri, children, [PAGE_SIZE - 1, 2, 3])
    client.force_login(teacher)
    url = reverse("meetings:my_promises")

    client.get(url)
    assert listed(teacher) == sorted([soonest.pk, middle.pk])

    before = set(AccessLog.objects.filter(actor=teacher).values_list("pk", flat=True))
    client.get(url, {"page": 2})
    on_second = AccessLog.objects.filter(actor=teacher, view_name="meetings:my_promises").exclude(
        pk__in=before
    )
    assert sorted(int(pk) for pk in on_second.values_list("subject_id", flat=True)) == sorted(
        [middle.pk, latest.pk]
    )


def test_the_number_of_queries_does_not_grow_with_the_networks(client, teacher, kaakkuri, children):
    """Reading, deciding and logging cost the same for 2 networks as for 6: each listed network
    still gets its own access-log row, all written in one INSERT."""

    def queries():
        rows_before = AccessLog.objects.filter(view_name="meetings:my_promises").count()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("meetings:my_promises"))
        assert response.status_code == 200
        rows = AccessLog.objects.filter(view_name="meetings:my_promises").count() - rows_before
        return len(captured.captured_queries), rows

    client.force_login(teacher)
    in_networks(teacher, kaakkuri, children, [1, 2])
    queries_for_two, logged_for_two = queries()
    in_networks(teacher, kaakkuri, children, [1, 1, 3, 1])
    queries_for_six, logged_for_six = queries()

    assert (logged_for_two, logged_for_six) == (2, 6)
    assert queries_for_six == queries_for_two
    assert Promise.objects.filter(participant__user=teacher).count() == 9


def test_no_promises_answer_any_page_with_the_first_and_log_nothing(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("meetings:my_promises"), {"page": 3})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert '<li aria-current="page">' not in response.content.decode()
    assert not AccessLog.objects.filter(actor=teacher, view_name="meetings:my_promises").exists()


def test_marking_a_promise_done_returns_to_the_page_it_was_on(client, teacher, kaakkuri, children):
    in_networks(teacher, kaakkuri, children, [PAGE_SIZE + 2])
    client.force_login(teacher)
    url = reverse("meetings:my_promises")
    on_second = client.get(url, {"page": 2}).context["promises"][0]
    assert 'name="page" value="2"' in client.get(url, {"page": 2}).content.decode()

    response = client.post(reverse("meetings:promise_done", args=[on_second.pk]), {"page": "2"})

    assert response.status_code == 302 and response["Location"] == f"{url}?page=2"
    assert client.get(response["Location"]).context["page"].number == 2
    on_second.refresh_from_db()
    assert on_second.status == "kept"


@pytest.mark.parametrize("sent", ["1", "", "x", "-2", "²", "٣", "9" * 5000])
def test_after_marking_done_a_page_that_is_not_a_later_one_gives_the_first(
    client, teacher, kaakkuri, children, sent
):
    (network,) = in_networks(teacher, kaakkuri, children, [1])
    client.force_login(teacher)
    promise = Promise.objects.get(network=network)
    response = client.post(reverse("meetings:promise_done", args=[promise.pk]), {"page": sent})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:my_promises")


def test_any_page_number_gives_the_page_django_s_paginator_gives(teacher, kaakkuri, children):
    """The page comes from one compiled query with the list's total on its rows
    (core.db.PagedQuery); whatever number is asked, it is the page ``get_page`` gives."""
    from django.core.paginator import Paginator

    from meetings.services import my_open_promises, my_open_promises_page

    in_networks(teacher, kaakkuri, children, [PAGE_SIZE - 10, 13])
    everything = list(my_open_promises(teacher))
    for asked in (None, "", "x", "1", "2", "3", "0", "-1", "99", str(10**30)):
        mine = my_open_promises_page(teacher, asked)
        django_s = Paginator(everything, PAGE_SIZE).get_page(asked)
        assert (mine.number, list(mine), mine.paginator.count, mine.paginator.num_pages) == (
            django_s.number,
            list(django_s),
            PAGE_SIZE + 3,
            2,
        ), asked
    nobody = professional(email="ei-lupauksia@example.fi")
    empty = my_open_promises_page(nobody, "2")
    assert (empty.number, list(empty), empty.paginator.num_pages) == (1, [], 1)
