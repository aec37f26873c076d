"""Shared fixtures of the network tests: a world of people holding every basis on networks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.roles import Role
from contacts.tests.helpers import professional
from meetings.tests.helpers import network_with_meeting, participants
from networks import consent, services
from networks.models import BreakGlassGrant, Network
from networks.tests.factories import NetworkFactory, ProfessionalParticipantFactory
from networks.tests.helpers import withdraw_share

REASON = "Lapsi on päivystyksessä juuri nyt, tarvitsen tiedot."


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
