"""The administrator's retention page: what is due, as counts and numbers, never names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from networks.models import Network
from privacy.tests.helpers import SECRETS, a_network

pytestmark = pytest.mark.django_db
URL = "/privacy/retention/"


def test_the_url_is_named():
    assert reverse("privacy:retention") == URL


def test_administrators_see_due_networks_by_number_without_names(client, kaakkuri, children):
    built = a_network(kaakkuri, children)
    network = built.network
    Network.objects.filter(pk=network.pk).update(
        closed_at=network.closed_at.replace(year=network.closed_at.year - 31)
    )
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    page = client.get(URL)

    assert page.status_code == 200
    content = page.content.decode()
    assert f"<td>{network.pk}</td>" in content
    assert "<td>30</td>" in content
    assert not [name for name, secret in SECRETS.items() if secret in content]
    network.refresh_from_db()
    assert network.erased_at is None  # the page is a dry run


def test_an_empty_report_says_nothing_is_due(client, children):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    page = client.get(URL)
    assert page.status_code == 200
    assert "<td>–</td>" in page.content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.DEVELOPER_WORKER, Role.PROFESSIONAL])
def test_other_roles_are_refused(client, children, role):
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == 403
