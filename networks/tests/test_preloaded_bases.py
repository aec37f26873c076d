"""Deciding on many networks at once: the same bases as one at a time, with no query each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.models import Basis
from audit.roles import Role
from contacts.tests.helpers import professional
from meetings.tests.helpers import network_with_meeting, participants
from networks import consent, services
from networks.access import network_bases, preload_network_bases
from networks.models import BreakGlassGrant, ConsentScope, Network
from networks.tests.factories import NetworkFactory, ProfessionalParticipantFactory

pytestmark = pytest.mark.django_db

REASON = "Lapsi on päivystyksessä juuri nyt, tarvitsen tiedot."


def withdraw_share(network, by):
    share = consent.record_consent(
        network=network,
        by=by,
        scope=ConsentScope.SHARE,
        given_by="Maija Virtanen, äiti",
        given_how="in_person",
        given_at=timezone.now() - timedelta(days=1),
    )
    consent.withdraw_consent(consent=share, by=by, how="phone")


@pytest.fixture
def world(kaakkuri, tuira, children):
    """Three networks, and people holding every kind of basis on them, or none."""
    first, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(first)["Olli Opettaja"].user
    Network.objects.filter(pk=first.pk).update(initiator=teacher)
    banned = NetworkFactory(area=kaakkuri, programme=children, coordinator=coordinator)
    consent.ban_disclosure(
        network=banned,
        by=coordinator,
        requested_by="Maija Virtanen, äiti",
        participant=ProfessionalParticipantFactory(network=banned, user=teacher),
    )
    withdrawn = NetworkFactory(area=tuira, programme=children)
    ProfessionalParticipantFactory(network=withdrawn, user=teacher)
    withdraw_share(withdrawn, withdrawn.coordinator)

    removed = professional(email="poistettu@example.fi", service_name="Tuiran koulu")
    services.remove_participant(
        participant=ProfessionalParticipantFactory(network=first, user=removed), by=coordinator
    )
    in_emergency = professional(email="hata@example.fi", service_name="Tuiran koulu")
    consent.grant_break_glass(network=first, user=in_emergency, reason=REASON)
    consent.grant_break_glass(network=withdrawn, user=in_emergency, reason=REASON)
    expired = professional(email="vanhentunut@example.fi", service_name="Tuiran koulu")
    consent.grant_break_glass(network=first, user=expired, reason=REASON)
    BreakGlassGrant.objects.filter(user=expired).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    overtaken = professional(email="kielletty@example.fi", service_name="Kiellon koulu")
    consent.grant_break_glass(network=first, user=overtaken, reason=REASON)
    consent.ban_disclosure(
        network=first,
        by=coordinator,
        requested_by="Maija Virtanen, äiti",
        service=overtaken.positions.get().service,
    )
    officer = UserFactory(email="tietosuoja@example.fi")
    Membership.objects.create(user=officer, role=Role.DATA_PROTECTION_OFFICER)
    people = [coordinator, teacher, removed, in_emergency, expired, overtaken, officer]
    return [first, banned, withdrawn], people


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
