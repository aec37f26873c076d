"""Convening checks for the family's open network without revealing other areas' families.

Hole 2 of the need-to-know issue: the convene form named "Verkosto 9 (Tuira, …)" to a
coordinator of another area, let them join a contact to it, and logged nothing against it.
"""

import pytest
from django.urls import reverse

from audit.models import AccessLog, Basis
from contacts import services
from contacts.models import Consent, Outcome
from contacts.tests.helpers import a_contact, coordinator_of
from networks.models import Network

pytestmark = pytest.mark.django_db

NAME = "Eeli Virtanen"


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def tuira_network(tuira, children):
    tuira_coordinator = coordinator_of(tuira, children, email="tuira@example.fi")
    contact = a_contact(tuira, children, tuira_coordinator)
    return services.convene(
        contact=contact,
        by=tuira_coordinator,
        expected_version=1,
        subject_name=NAME,
        subject_birth_date=None,
    )


@pytest.fixture
def kaakkuri_coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children, email="kaakkuri@example.fi")


def convene(client, contact, name=NAME):
    return client.post(
        reverse("contacts:convene", args=[contact.pk]),
        {
            "version": contact.version,
            "subject_name": name,
            "subject_birth_date": "",
            "family_language": "fi",
        },
    )


def test_a_match_outside_scope_is_told_only_to_contact_its_coordinator(
    client, tuira_network, kaakkuri_coordinator, kaakkuri, children
):
    contact = a_contact(kaakkuri, children, kaakkuri_coordinator)
    client.force_login(kaakkuri_coordinator)
    response = convene(client, contact)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ask the family which coordinator they work with" in page
    # No number, no area, no programme, no link, no join button.
    assert f"Network {tuira_network.pk}" not in page
    assert "Tuira" not in page
    assert reverse("networks:detail", args=[tuira_network.pk]) not in page
    assert 'name="network"' not in page
    # No second network was opened, and the contact is still waiting.
    assert Network.objects.count() == 1
    contact.refresh_from_db()
    assert contact.outcome == Outcome.PENDING
    # The match is logged against the matched network, on the duplicate check.
    row = AccessLog.objects.get(actor=kaakkuri_coordinator, subject_id=str(tuira_network.pk))
    assert (row.subject_type, row.basis, row.success) == (
        "networks.network",
        Basis.DUPLICATE_CHECK,
        True,
    )
    assert row.view_name == "contacts:convene"


def test_a_match_in_scope_is_named_and_logged_on_its_basis(client, tuira_network, tuira, children):
    colleague = coordinator_of(tuira, children, email="colleague@example.fi")
    contact = a_contact(tuira, children, colleague)
    client.force_login(colleague)
    page = convene(client, contact).content.decode()
    assert f"Join the contact to network {tuira_network.pk}" in page
    assert reverse("networks:detail", args=[tuira_network.pk]) in page
    row = AccessLog.objects.get(actor=colleague, subject_id=str(tuira_network.pk))
    assert (row.basis, row.action, row.success) == (Basis.COORDINATOR, "list", True)


def test_joining_a_network_outside_scope_is_refused_and_logged(
    client, tuira_network, kaakkuri_coordinator, kaakkuri, children
):
    contact = a_contact(kaakkuri, children, kaakkuri_coordinator)
    client.force_login(kaakkuri_coordinator)
    response = client.post(
        reverse("contacts:join", args=[contact.pk]),
        {
            "version": contact.version,
            "network": tuira_network.pk,
            "subject_name": NAME,
            "subject_birth_date": "",
        },
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.network_id is None
    assert AccessLog.objects.filter(
        actor=kaakkuri_coordinator,
        subject_type="networks.network",
        subject_id=str(tuira_network.pk),
        success=False,
    ).exists()


def test_repeated_identity_checks_are_limited(
    client, settings, tuira_network, kaakkuri_coordinator, kaakkuri, children
):
    settings.ARKI_IDENTITY_CHECKS_PER_HOUR = 3
    contact = a_contact(kaakkuri, children, kaakkuri_coordinator, consent=Consent.AGREES)
    client.force_login(kaakkuri_coordinator)
    for _attempt in range(3):
        page = convene(client, contact).content.decode()
        assert "ask the family" in page
    page = convene(client, contact).content.decode()
    assert "You have checked many identities within the last hour" in page
    assert "ask the family" not in page
    # The refused check looked nothing up: three matches logged, not four.
    assert (
        AccessLog.objects.filter(
            actor=kaakkuri_coordinator, subject_id=str(tuira_network.pk)
        ).count()
        == 3
    )


def test_nothing_is_looked_up_before_the_family_has_agreed(
    client, tuira_network, kaakkuri_coordinator, kaakkuri, children
):
    contact = a_contact(kaakkuri, children, kaakkuri_coordinator, consent=Consent.NOT_YET)
    client.force_login(kaakkuri_coordinator)
    page = convene(client, contact).content.decode()
    assert "Ask the family first" in page
    assert "ask the family which coordinator" not in page
    assert not AccessLog.objects.filter(subject_id=str(tuira_network.pk)).exists()


@pytest.mark.parametrize("state", ["stale form", "already handled"])
def test_nothing_is_looked_up_for_a_stale_form_or_a_handled_contact(
    client, tuira_network, kaakkuri_coordinator, kaakkuri, children, state
):
    contact = a_contact(kaakkuri, children, kaakkuri_coordinator)
    if state == "already handled":
        contact = services.give_advice(
            contact=contact, by=kaakkuri_coordinator, expected_version=1, advice="Neuvottiin."
        )
    else:
        # Someone saved the contact after this coordinator's form was opened.
        type(contact).objects.filter(pk=contact.pk).update(version=2)
    client.force_login(kaakkuri_coordinator)
    page = convene(client, contact).content.decode()
    assert "ask the family which coordinator" not in page
    assert not AccessLog.objects.filter(subject_id=str(tuira_network.pk)).exists()
