"""A contact about a child whose sibling or parent already has an open network offers the
family's network (one family, one network), within what the coordinator may see."""

import pytest
from django.urls import reverse

from audit.models import AccessLog, Basis
from contacts import services
from contacts.models import Outcome
from contacts.tests.helpers import a_contact, coordinator_of
from networks import services as network_services
from networks.models import Network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"


def family_network(area, programme, email):
    coordinator = coordinator_of(area, programme, email=email)
    contact = a_contact(area, programme, coordinator)
    network = services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    network_services.add_participant(
        network=network,
        by=coordinator,
        kind=programme.participant_kinds.get(code="parent"),
        name="Maija Virtanen",
        relation="äiti",
    )
    return network, coordinator


def convene(client, contact, **extra):
    return client.post(
        reverse("contacts:convene", args=[contact.pk]),
        {
            "version": contact.version,
            "subject_name": "Eetu Virtanen",
            "subject_birth_date": "2019-04-02",
            "family_language": "fi",
            **extra,
        },
    )


def test_a_siblings_contact_is_offered_the_familys_network_and_joins_it(client, kaakkuri, children):
    network, coordinator = family_network(kaakkuri, children, "k@example.fi")
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    offered = convene(client, contact, family_name="maija virtanen")
    page = offered.content.decode()
    assert offered.status_code == 200
    assert "A sibling or parent already has an open network" in page
    assert f"Add Eetu Virtanen to network {network.pk}" in page
    assert Network.objects.count() == 1  # nothing opened silently
    joined = client.post(
        reverse("contacts:join", args=[contact.pk]),
        {
            "version": contact.version,
            "network": network.pk,
            "subject_name": "Eetu Virtanen",
            "subject_birth_date": "2019-04-02",
            "family_name": "maija virtanen",
        },
    )
    assert joined.status_code == 302
    assert joined["Location"] == reverse("networks:detail", args=[network.pk])
    assert [c.name for c in network.children.all()] == ["Eeli Virtanen", "Eetu Virtanen"]
    contact.refresh_from_db()
    assert (contact.outcome, contact.network) == (Outcome.JOINED, network)


def test_a_sibling_named_finds_the_family_too(client, kaakkuri, children):
    network, coordinator = family_network(kaakkuri, children, "k@example.fi")
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    page = convene(client, contact, family_name="Eeli Virtanen").content.decode()
    assert f"Add Eetu Virtanen to network {network.pk}" in page


def test_another_family_by_the_same_name_opens_a_network_of_its_own(client, kaakkuri, children):
    network, coordinator = family_network(kaakkuri, children, "k@example.fi")
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    response = convene(client, contact, family_name="Maija Virtanen", separate="on")
    assert response.status_code == 302
    assert Network.objects.count() == 2
    assert network.children.count() == 1


def test_the_family_must_be_the_one_named(client, kaakkuri, children):
    network, coordinator = family_network(kaakkuri, children, "k@example.fi")
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("contacts:join", args=[contact.pk]),
        {
            "version": contact.version,
            "network": network.pk,
            "subject_name": "Eetu Virtanen",
            "subject_birth_date": "",
            "family_name": "Matti Meikäläinen",
        },
    )
    assert response.status_code == 302
    assert network.children.count() == 1
    contact.refresh_from_db()
    assert contact.outcome == Outcome.PENDING


def test_a_family_outside_scope_is_told_only_to_contact_its_coordinator(
    client, kaakkuri, tuira, children
):
    network, _tuira_coordinator = family_network(tuira, children, "t@example.fi")
    coordinator = coordinator_of(kaakkuri, children, email="k@example.fi")
    contact = a_contact(kaakkuri, children, coordinator)
    client.force_login(coordinator)
    response = convene(client, contact, family_name="Maija Virtanen")
    page = response.content.decode()
    assert "The family may already have an open network" in page
    assert f"network {network.pk}" not in page.lower()
    assert "Tuira" not in page
    assert 'name="network"' not in page
    assert Network.objects.count() == 1
    row = AccessLog.objects.get(actor=coordinator, subject_id=str(network.pk))
    assert row.basis == Basis.DUPLICATE_CHECK
    # Nor can the coordinator add the child to it by posting the number.
    client.post(
        reverse("contacts:join", args=[contact.pk]),
        {
            "version": contact.version,
            "network": network.pk,
            "subject_name": "Eetu Virtanen",
            "subject_birth_date": "",
            "family_name": "Maija Virtanen",
        },
    )
    assert network.children.count() == 1
