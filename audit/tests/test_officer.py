"""The data protection officer: log search, a client's report, emergency-access review."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.models import AccessLog
from audit.roles import Role
from contacts.tests.helpers import coordinator_of
from meetings.tests.helpers import network_with_meeting
from networks import consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return user_with_role(Role.DATA_PROTECTION_OFFICER, email="tietosuoja@example.fi")


@pytest.fixture
def opened(client, kaakkuri, children):
    """A network its coordinator has opened once, and another network nobody opened."""
    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    client.force_login(coordinator)
    client.get(reverse("networks:detail", args=[network.pk]))
    client.logout()
    return network, coordinator


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.LEADERSHIP_MEMBER, Role.DEVELOPER_WORKER, Role.ADMINISTRATOR]
)
def test_only_the_officer_reaches_the_log(client, role, opened):
    client.force_login(user_with_role(role))
    assert client.get(reverse("audit:search")).status_code == 403
    assert client.get(reverse("audit:client_report", args=[opened[0].pk])).status_code == 403


def test_search_by_network_and_refusals(client, officer, opened):
    network, coordinator = opened
    client.force_login(officer)
    page = client.get(reverse("audit:search"), {"network": network.pk}).content.decode()
    assert coordinator.email in page and "coordinator" in page
    refused = client.get(reverse("audit:search"), {"refused": "on"}).content.decode()
    assert coordinator.email not in refused


def test_client_report_lists_who_processed_the_data(client, officer, opened):
    network, coordinator = opened
    client.force_login(officer)
    response = client.get(reverse("audit:client_report", args=[network.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert coordinator.full_name in page and "Eeli Virtanen" in page
    assert "Maija Virtanen" in page  # the invitation emailed to the mother: a disclosure
    # The report itself is an access to the person's data, logged.
    assert AccessLog.objects.filter(
        actor=officer, action="print", basis="data-protection-officer", success=True
    ).exists()


def test_client_report_period(client, officer, opened):
    network, coordinator = opened
    client.force_login(officer)
    later = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = client.get(
        reverse("audit:client_report", args=[network.pk]), {"since": later}
    ).content.decode()
    assert coordinator.full_name not in page


def test_break_glass_review_page(client, officer, opened, tuira, children):
    network, _coordinator = opened
    neighbour = coordinator_of(tuira, children, email="naapuri@example.fi")
    grant = consent.grant_break_glass(
        network=network, user=neighbour, reason="Lapsi on päivystyksessä, tarvitsen tiedot heti."
    )
    client.force_login(officer)
    assert "naapuri@example.fi" in client.get(reverse("audit:break_glass")).content.decode()
    client.post(reverse("audit:review", args=[grant.pk]), {"note": "Perusteltu käyttö."})
    grant.refresh_from_db()
    assert grant.reviewed_by == officer


def test_verify_page(client, officer, opened):
    client.force_login(officer)
    response = client.get(reverse("audit:verify"))
    assert response.status_code == 200
