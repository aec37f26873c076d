"""A family link ends with its participant's place in the network: removal, a ban, a withdrawal.

The end holds at once for a session that already verified its code and for a code already
issued, not only for new links.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ValidationError
from family import services
from family.models import FamilyLink
from meetings.tests.helpers import network_with_meeting, participants
from networks import consent
from networks import services as network_services
from networks.models import ConsentScope
from networks.tests.helpers import withdraw_share

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kaakkuri, children):
    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    mother = participants(network)["Maija Virtanen"]
    return network, coordinator, mother


def plan_url(issued):
    return reverse("family:plan", args=[issued.token])


def shows_the_plan(response):
    return response.status_code == 200 and "Eeli Virtanen" in response.text


def ban(network, coordinator, participant):
    return consent.ban_disclosure(
        network=network,
        by=coordinator,
        requested_by="Maija Virtanen, äiti",
        participant=participant,
    )


def everyday_adult(network, coordinator):
    return network_services.add_participant(
        network=network,
        by=coordinator,
        kind=network.programme.participant_kinds.get(code="everyday-adult"),
        name="Valmentaja Ville",
        relation="jalkapallovalmentaja",
    )


def test_removal_ends_an_open_session_at_once(client, world):
    network, coordinator, mother = world
    issued = services.create_link(participant=mother, by=coordinator)
    assert shows_the_plan(client.post(plan_url(issued), {"code": issued.code}, follow=True))
    network_services.remove_participant(participant=mother, by=coordinator)
    response = client.get(plan_url(issued))
    assert response.status_code == 403
    assert "Eeli Virtanen" not in response.text


def test_removal_ends_a_code_already_issued(client, world):
    network, coordinator, mother = world
    issued = services.create_link(participant=mother, by=coordinator)
    network_services.remove_participant(participant=mother, by=coordinator)
    response = client.post(plan_url(issued), {"code": issued.code}, follow=True)
    assert response.status_code == 403
    assert not shows_the_plan(response)


def test_removal_revokes_the_links_and_no_new_code_or_link_is_given(world):
    network, coordinator, mother = world
    issued = services.create_link(participant=mother, by=coordinator)
    network_services.remove_participant(participant=mother, by=coordinator)
    link = FamilyLink.objects.get(pk=issued.link.pk)
    assert link.revoked_at is not None
    assert not link.is_usable
    with pytest.raises(ValidationError):
        services.new_code(link=link, by=coordinator)
    with pytest.raises(ValidationError):
        services.create_link(participant=mother, by=coordinator)


def test_a_link_whose_participant_ended_gives_no_new_code_even_unrevoked(world):
    """Belt and braces: the check does not rely on the revocation having been written."""
    network, coordinator, mother = world
    issued = services.create_link(participant=mother, by=coordinator)
    type(mother).objects.filter(pk=mother.pk).update(removed_at=timezone.now())
    link = FamilyLink.objects.get(pk=issued.link.pk)
    assert link.revoked_at is None
    assert not link.is_usable
    with pytest.raises(ValidationError):
        services.new_code(link=link, by=coordinator)


def test_a_ban_on_a_family_member_ends_their_link(client, world):
    network, coordinator, mother = world
    issued = services.create_link(participant=mother, by=coordinator)
    assert shows_the_plan(client.post(plan_url(issued), {"code": issued.code}, follow=True))
    ban(network, coordinator, mother)
    response = client.get(plan_url(issued))
    assert response.status_code == 403 and "Eeli Virtanen" not in response.text
    assert FamilyLink.objects.get(pk=issued.link.pk).revoked_at is not None
    with pytest.raises(ValidationError):
        services.create_link(participant=mother, by=coordinator)


def test_a_withdrawal_ends_an_everyday_adults_link_and_keeps_the_parents(client, world):
    network, coordinator, mother = world
    coach = everyday_adult(network, coordinator)
    coach_link = services.create_link(participant=coach, by=coordinator)
    mother_link = services.create_link(participant=mother, by=coordinator)
    assert shows_the_plan(client.post(plan_url(coach_link), {"code": coach_link.code}, follow=True))
    share = withdraw_share(network, coordinator)
    assert client.get(plan_url(coach_link)).status_code == 403
    assert shows_the_plan(
        client.post(plan_url(mother_link), {"code": mother_link.code}, follow=True)
    )
    # A new consent restores the coach's link: the withdrawal ended the basis, not the link.
    consent.record_consent(
        network=network,
        by=coordinator,
        scope=ConsentScope.SHARE,
        given_by=share.given_by,
        given_how="in_person",
        given_at=timezone.now() - timedelta(minutes=1),
    )
    code = services.new_code(link=FamilyLink.objects.get(pk=coach_link.link.pk), by=coordinator)
    assert shows_the_plan(client.post(plan_url(coach_link), {"code": code}, follow=True))
