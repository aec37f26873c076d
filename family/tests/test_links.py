"""The family's own view: an unguessable link, a one-time code, five wrong codes lock it."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from core.errors import ValidationError
from family import services
from family.models import FamilyLink
from meetings.tests.helpers import network_with_meeting, participants
from networks.tests.factories import NetworkFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    mother = participants(network)["Maija Virtanen"]
    return network, coordinator, services.create_link(participant=mother, by=coordinator)


def plan_url(issued_link):
    return reverse("family:plan", args=[issued_link.token])


def test_only_hashes_are_stored_and_the_token_is_unguessable(issued):
    network, coordinator, link = issued
    stored = FamilyLink.objects.get()
    assert link.token not in (stored.token_hash, stored.code_hash)
    assert link.code not in stored.code_hash
    assert len(link.token) >= 40


def test_the_right_code_opens_the_plan_and_every_opening_is_logged(client, issued):
    network, coordinator, link = issued
    page = client.get(plan_url(link))
    assert page.status_code == 200
    assert "Eeli Virtanen" not in page.content.decode()
    response = client.post(plan_url(link), {"code": link.code}, follow=True)
    assert response.status_code == 200
    assert "Eeli Virtanen" in response.content.decode()
    row = AccessLog.objects.filter(success=True).get()
    assert (row.subject_id, row.basis, row.actor, row.actor_label) == (
        str(network.pk),
        "family-link",
        None,
        f"family-member:{link.link.participant_id}",
    )
    client.get(plan_url(link))
    assert AccessLog.objects.filter(success=True).count() == 2


def test_a_code_is_used_once(client, issued, django_user_model):
    network, coordinator, link = issued
    client.post(plan_url(link), {"code": link.code})
    other = client_class_fresh()
    response = other.post(plan_url(link), {"code": link.code})
    assert "Eeli Virtanen" not in response.content.decode()


def client_class_fresh():
    from django.test import Client

    return Client()


def test_five_wrong_codes_lock_the_link(client, issued):
    network, coordinator, link = issued
    wrong = "000000" if link.code != "000000" else "111111"
    for attempt in range(4):
        response = client.post(plan_url(link), {"code": wrong})
        assert response.status_code == 200
    response = client.post(plan_url(link), {"code": wrong})
    assert response.status_code == 403
    assert FamilyLink.objects.get().locked_at is not None
    response = client.post(plan_url(link), {"code": link.code})
    assert response.status_code == 403
    assert "Eeli Virtanen" not in response.content.decode()
    assert AccessLog.objects.filter(success=False, subject_id=str(network.pk)).count() == 6
    # The coordinator's new code unlocks it.
    code = services.new_code(link=link.link, by=coordinator)
    assert client.post(plan_url(link), {"code": code}, follow=True).status_code == 200


def test_a_revoked_or_expired_link_does_not_open(client, issued):
    from datetime import timedelta

    from django.utils import timezone

    network, coordinator, link = issued
    services.revoke(link=link.link, by=coordinator)
    assert client.post(plan_url(link), {"code": link.code}).status_code == 403
    fresh = services.create_link(participant=link.link.participant, by=coordinator)
    FamilyLink.objects.filter(pk=fresh.link.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.post(plan_url(fresh), {"code": fresh.code}).status_code == 403


def test_an_unknown_token_is_not_found(client, issued):
    assert client.get(reverse("family:plan", args=["x" * 43])).status_code == 404


def test_links_are_for_family_members_only(issued):
    network, coordinator, link = issued
    teacher = participants(network)["Olli Opettaja"]
    with pytest.raises(ValidationError):
        services.create_link(participant=teacher, by=coordinator)


def test_coordinator_creates_a_link_and_sees_the_code_once(client, issued):
    network, coordinator, link = issued
    client.force_login(coordinator)
    mother = participants(network)["Maija Virtanen"]
    response = client.post(reverse("family:create_link", args=[network.pk, mother.pk]))
    assert response.status_code == 200
    assert response.context["code"].isdigit() and len(response.context["code"]) == 6
    assert "/family/" in response.context["url"]


def test_the_network_page_shows_each_participant_s_latest_link_only(kaakkuri, children):
    """However many links a family member has been sent, the network page reads one per
    participant: the newest."""
    from datetime import timedelta

    from django.utils import timezone

    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    people = participants(network)
    mother = people["Maija Virtanen"]
    links = [services.create_link(participant=mother, by=coordinator).link for _ in range(3)]
    # The second one newest by its time (not by its number).
    FamilyLink.objects.filter(pk=links[1].pk).update(
        created_at=timezone.now() + timedelta(minutes=5)
    )
    elsewhere = ParticipantFactory(network=NetworkFactory(area=kaakkuri, programme=children))
    FamilyLink.objects.filter(pk=links[2].pk).update(participant=elsewhere)

    latest = services.latest_links(network)["latest_link"]

    assert {pk: link.pk for pk, link in latest.items()} == {mother.pk: links[1].pk}
