"""preload(): the network's rows as Django's own prefetch leaves them, from SQL compiled once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Contact
from contacts.tests.factories import ContactFactory
from meetings.models import Goal, Promise
from meetings.tests.factories import GoalFactory, GoalRatingFactory, PromiseFactory
from meetings.tests.helpers import network_with_meeting
from networks.models import Meeting, Network
from networks.selectors import preload, preloaded
from networks.tests.factories import ChildFactory, NetworkFactory

pytestmark = pytest.mark.django_db

# What each preloaded row carries with it (select_related), to compare without queries.
RELATED = {
    "meetings": ["organiser"],
    "contacts": ["contact_person", "recorded_by"],
    "children": [],
    "goals": ["child", "set_in", "set_in.organiser"],
    "promises": ["participant", "participant.kind"],
}


def prefetched(pk: int) -> Network:
    """The network as ``prefetch_related_objects`` with the same querysets leaves it: what
    preload() did before it kept its SQL."""
    network = Network.objects.get(pk=pk)
    prefetch_related_objects(
        [network],
        Prefetch(
            "meetings",
            queryset=Meeting.objects.select_related("organiser").order_by("starts_at", "pk"),
        ),
        Prefetch(
            "contacts",
            queryset=Contact.objects.select_related("contact_person", "recorded_by").order_by(
                "received_at", "pk"
            ),
        ),
        "children",
        Prefetch(
            "goals",
            queryset=Goal.objects.select_related("child", "set_in__organiser").prefetch_related(
                "ratings"
            ),
        ),
        Prefetch(
            "promises",
            queryset=Promise.objects.select_related("participant__kind").order_by(
                "status", "due", "pk"
            ),
        ),
    )
    return network


def fields(row) -> list[tuple[str, object]]:
    return [(field.attname, getattr(row, field.attname)) for field in row._meta.concrete_fields]


def follow(row, path: str):
    for name in path.split("."):
        row = getattr(row, name) if row is not None else None
    return row


def described(network: Network) -> dict[str, list]:
    """Every preloaded row with its fields, what came with it, and its goal's ratings; read
    with no query (the test fails if any of it is fetched lazily)."""
    with CaptureQueriesContext(connection) as captured:
        found = {
            name: [
                (
                    fields(row),
                    [fields(follow(row, path)) if follow(row, path) else None for path in paths],
                    row.network is network,
                    [[*fields(r), ("goal", r.goal is row)] for r in row.ratings.all()]
                    if name == "goals"
                    else None,
                )
                for row in getattr(network, name).all()
            ]
            for name, paths in RELATED.items()
        }
    assert not captured.captured_queries, [q["sql"] for q in captured.captured_queries]
    return found


@pytest.fixture
def busy(kaakkuri, children):
    """A network with two children, two contacts, two meetings, goals rated at both, promises."""
    network, _meeting, _coordinator = network_with_meeting(kaakkuri, children)
    ChildFactory(network=network, name="Sisko Virtanen")
    ContactFactory(network=network, area=network.area, programme=network.programme, convened=True)
    ContactFactory(
        network=network,
        area=network.area,
        programme=network.programme,
        received_at=timezone.now() - timedelta(days=3),
    )
    first = GoalFactory(network=network, rating=4)
    second = GoalFactory(network=network, child=None, owner="parents", rating=None)
    GoalRatingFactory(goal=first, meeting=second.set_in, rating=6)
    GoalRatingFactory(goal=second, meeting=first.set_in, rating=2)
    PromiseFactory(network=network)
    PromiseFactory(network=network, due=timezone.localdate() + timedelta(days=3))
    return network


def test_preload_leaves_what_djangos_prefetch_leaves(busy):
    expected = described(prefetched(busy.pk))
    assert all(expected[name] for name in RELATED), "every kind of row is there"
    assert any(goal[3] for goal in expected["goals"]), "and ratings"
    network = Network.objects.get(pk=busy.pk)
    with CaptureQueriesContext(connection) as captured:
        preload(network)
    assert len(captured.captured_queries) == len(RELATED) + 1  # one query each, the ratings too
    assert described(network) == expected
    assert [row.pk for row in preloaded(network, "meetings") or []] == [
        row.pk for row in Meeting.objects.filter(network=busy).order_by("starts_at", "pk")
    ]


def test_another_network_preloads_only_its_own_rows(busy, kaakkuri, children):
    other = NetworkFactory(area=kaakkuri, programme=children)
    preload(busy)
    network = preload(Network.objects.get(pk=other.pk))
    assert described(network) == described(prefetched(other.pk))
    assert all(
        row.network_id == other.pk for name in RELATED for row in preloaded(network, name) or []
    )
    assert described(preload(Network.objects.get(pk=busy.pk))) == described(prefetched(busy.pk))


def test_current_participants_are_the_related_managers_with_no_query_after(busy):
    from networks.selectors import current_participants
    from networks.services import remove_participant

    coordinator = busy.coordinator
    leaving = busy.participants.filter(kind__is_family=False).first()
    remove_participant(participant=leaving, by=coordinator)
    expected = list(
        busy.participants.filter(removed_at__isnull=True).select_related(
            "kind", "role", "service", "user"
        )
    )
    found = current_participants(busy)
    assert [p.pk for p in found] == [p.pk for p in expected] and leaving.pk not in {
        p.pk for p in found
    }
    with CaptureQueriesContext(connection) as captured:
        for mine, theirs in zip(found, expected, strict=True):
            assert fields(mine) == fields(theirs)
            for path in ("kind", "role", "service", "user"):
                mine_related, theirs_related = follow(mine, path), follow(theirs, path)
                assert (fields(mine_related) if mine_related else None) == (
                    fields(theirs_related) if theirs_related else None
                )
            assert mine.network is busy
    assert not captured.captured_queries
