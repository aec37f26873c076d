"""Deciding on many networks at once: the same bases as one at a time, with no query each."""

import pytest

from audit.models import Basis
from networks import consent
from networks.access import network_bases, preload_network_bases
from networks.models import Network

pytestmark = pytest.mark.django_db


def asked_one_at_a_time(user, networks):
    return {n.pk: network_bases(user, Network.objects.get(pk=n.pk)) for n in networks}


def test_preloaded_bases_are_the_bases_asked_one_at_a_time(world, django_assert_num_queries):
    networks, people = world
    seen: set[Basis] = set()
    for user in people:
        expected = asked_one_at_a_time(user, networks)
        listed = list(Network.objects.filter(pk__in=[n.pk for n in networks]))
        preload_network_bases(user, listed)
        with django_assert_num_queries(0):
            preloaded = {network.pk: network_bases(user, network) for network in listed}
        assert preloaded == expected, user.email
        seen |= {basis for bases in expected.values() for basis in bases}
    # The world covers every basis a network can be read on (and people with none).
    assert seen >= {
        Basis.COORDINATOR,
        Basis.PARTICIPANT,
        Basis.INITIATOR,
        Basis.BREAK_GLASS,
        Basis.DATA_PROTECTION_OFFICER,
    }


def test_what_was_preloaded_for_one_user_is_not_used_for_another(world):
    networks, people = world
    coordinator, teacher = people[0], people[1]
    listed = list(Network.objects.filter(pk__in=[n.pk for n in networks]))
    preload_network_bases(teacher, listed)
    assert {n.pk: network_bases(coordinator, n) for n in listed} == asked_one_at_a_time(
        coordinator, networks
    )


def test_a_network_s_excluded_participants_are_those_excluded_one_at_a_time(world):
    networks, _people = world
    named = set()
    for network in networks:
        one_at_a_time = {
            p.pk for p in network.participants.all() if consent.participant_excluded(p)
        }
        assert consent.excluded_in(network) == one_at_a_time
        named |= one_at_a_time
    # Removed, banned and (after the withdrawal) the professionals are all named.
    assert len(named) >= 3
