"""A network page's and a meeting page's first read: the record, its access facts and the user's
memberships in one wait, deciding exactly as the facts read one at a time."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from networks import consent
from networks.access import meeting_or_refuse, network_bases, network_or_refuse
from networks.models import Meeting, Network
from networks.tests.test_preloaded_bases import asked_one_at_a_time

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a request gets it: nothing read of their memberships yet."""
    return User.objects.get(pk=user.pk)


def test_the_page_read_decides_as_the_facts_read_one_at_a_time(world, django_assert_num_queries):
    networks, people = world
    for user in people:
        expected = asked_one_at_a_time(user, networks)
        for network in networks:
            user = fresh(user)
            read = network_or_refuse(user, network.pk)
            assert read == network and read.area == network.area
            with django_assert_num_queries(0):
                assert network_bases(user, read) == expected[network.pk], user.email
            for meeting in Meeting.objects.filter(network=network):
                user = fresh(user)
                read_meeting = meeting_or_refuse(user, meeting.pk)
                assert read_meeting == meeting and read_meeting.network == network
                with django_assert_num_queries(0):
                    assert network_bases(user, read_meeting.network) == expected[network.pk]


def test_the_read_facts_serve_the_first_check_only(world):
    """A later check in the same request (after a ban, say) reads the facts again."""
    networks, people = world
    first, teacher = networks[0], fresh(people[1])
    network = network_or_refuse(teacher, first.pk)
    assert network_bases(teacher, network)  # the first check: the read facts
    consent.ban_disclosure(
        network=first,
        by=first.coordinator,
        requested_by="Maija Virtanen, äiti",
        participant=first.participants.get(user=teacher),
    )
    assert not network_bases(teacher, network)


def test_the_memberships_are_read_with_the_record_and_kept(world):
    networks, people = world
    coordinator = fresh(people[0])
    with CaptureQueriesContext(connection) as read:
        network_or_refuse(coordinator, networks[0].pk)
    assert any("accounts_membership" in q["sql"] for q in read.captured_queries)
    with CaptureQueriesContext(connection) as after:
        roles = coordinator.roles
        memberships = list(coordinator.memberships.all())
    assert after.captured_queries == []
    assert roles == fresh(people[0]).roles
    assert sorted(m.pk for m in memberships) == sorted(
        m.pk for m in people[0].memberships.model.objects.filter(user=people[0])
    )
    # Already read: not read again.
    with CaptureQueriesContext(connection) as again:
        network_or_refuse(coordinator, networks[0].pk)
    assert not any("accounts_membership" in q["sql"] for q in again.captured_queries)


def test_an_unknown_number_is_refused_as_a_forbidden_one(world):
    _networks, people = world
    missing = (Network.objects.order_by("-pk").first().pk or 0) + 1000
    with pytest.raises(PermissionDenied):
        network_or_refuse(fresh(people[0]), missing)
    with pytest.raises(PermissionDenied):
        meeting_or_refuse(fresh(people[0]), missing)
    with pytest.raises(PermissionDenied):
        network_or_refuse(AnonymousUser(), missing)
    # A number no database integer holds (typed into the address): refused the same way.
    for huge in (2**63, 10**30, -(2**63) - 1):
        for read in (network_or_refuse, meeting_or_refuse):
            with pytest.raises(PermissionDenied):
                read(fresh(people[0]), huge)
            with pytest.raises(PermissionDenied):
                read(AnonymousUser(), huge)


def test_a_huge_number_in_the_address_is_refused_not_a_server_error(world, client):
    _networks, people = world
    client.force_login(people[0])
    for path in ("/networks/9223372036854775808/", "/meetings/100000000000000000000000/record/"):
        assert client.get(path).status_code == 403, path


def test_without_a_signed_in_user_the_record_alone_is_read(world):
    networks, _people = world
    network = network_or_refuse(AnonymousUser(), networks[0].pk)
    assert network == networks[0]
    assert network_bases(AnonymousUser(), network) == frozenset()
