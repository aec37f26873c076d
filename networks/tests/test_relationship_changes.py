"""A change of a relationship ends access everywhere: a removed initiator, a coordinator whose
role ended or moved to another area, a banned person knocking on emergency access.

Found by an attacker's review of the access-policy catalogue (issue #14): each of these kept
access, or left no trace, before.
"""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from audit.models import AccessLog, Basis
from audit.roles import Role
from contacts.selectors import coordinator_queue
from contacts.tests.helpers import a_contact, coordinator_of, professional
from meetings.models import Promise
from networks import consent, services
from networks.access import network_bases, networks_visible_to
from networks.tests.test_ending_access import ban, officer, withdraw_share

pytestmark = pytest.mark.django_db

REASON = "Lapsen turvallisuus on vaarassa juuri nyt."


@pytest.fixture
def started(kaakkuri, children):
    """A network started by a professional, who is added as its first participant."""
    coordinator = coordinator_of(kaakkuri, children, email="koordinaattori@example.fi")
    starter = professional(email="aloittaja@example.fi", full_name="Aino Aloittaja")
    network = services.open_network(
        contact=a_contact(kaakkuri, children, coordinator),
        by=coordinator,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
        initiator=starter,
    )
    return network, coordinator, starter


def test_removing_the_initiator_ends_their_access(client, started):
    network, coordinator, starter = started
    client.force_login(starter)
    assert client.get(reverse("networks:add_participant", args=[network.pk])).status_code == 200
    services.remove_participant(
        participant=network.participants.get(user=starter, removed_at__isnull=True),
        by=coordinator,
    )
    assert network_bases(starter, network) == frozenset()
    for name in ("networks:detail", "networks:consents", "networks:add_participant"):
        assert client.get(reverse(name, args=[network.pk])).status_code == 403, name
    assert network not in networks_visible_to(starter)


@pytest.mark.parametrize("change", ["role ended", "moved to another area"])
def test_a_coordinator_whose_role_ended_or_moved_no_longer_sees_the_network(
    client, started, tuira, change
):
    network, coordinator, _starter = started
    membership = Membership.objects.get(user=coordinator, role=Role.COORDINATOR)
    if change == "role ended":
        membership.role = Role.PROFESSIONAL
        membership.area = membership.programme = None
    else:
        membership.area = tuira
    membership.save()
    coordinator.refresh_from_db()
    assert network.coordinator_id == coordinator.pk  # still named on the network
    assert Basis.COORDINATOR not in network_bases(coordinator, network)
    client.force_login(coordinator)
    for name in ("networks:detail", "privacy:subject_export"):
        assert client.get(reverse(name, args=[network.pk])).status_code == 403, name
    assert network not in networks_visible_to(coordinator)
    assert network not in [w.network for w in coordinator_queue(coordinator).waiting]


def test_the_areas_other_coordinators_keep_the_network_when_its_coordinator_leaves(
    client, started, kaakkuri, children
):
    network, coordinator, _starter = started
    Membership.objects.filter(user=coordinator).update(role=Role.PROFESSIONAL)
    successor = coordinator_of(kaakkuri, children, email="seuraaja@example.fi")
    client.force_login(successor)
    assert client.get(reverse("networks:detail", args=[network.pk])).status_code == 200
    assert network in [w.network for w in coordinator_queue(successor).waiting]


def test_a_banned_persons_emergency_access_is_refused_logged_and_told_to_the_officer(
    client, kaakkuri, children
):
    from meetings.tests.helpers import network_with_meeting, participants

    network, _meeting, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(network)["Olli Opettaja"]
    dpo = officer()
    ban(network, coordinator, participant=teacher)
    mail.outbox.clear()
    client.force_login(teacher.user)
    response = client.post(reverse("networks:break_glass", args=[network.pk]), {"reason": REASON})
    assert response.status_code == 200
    assert not consent.has_break_glass(teacher.user, network)
    row = AccessLog.objects.get(actor=teacher.user, view_name="networks:break_glass")
    assert (row.subject_id, row.success) == (str(network.pk), False)
    told = [message for message in mail.outbox if dpo.email in message.to]
    assert len(told) == 1
    assert str(network.pk) in told[0].subject
    assert "Virtanen" not in told[0].body  # no names of the family


def test_my_promises_is_logged_on_the_coordinators_basis_after_a_withdrawal(client, started):
    network, coordinator, _starter = started
    own = services.add_participant(
        network=network,
        by=coordinator,
        kind=services.professional_kind(network),
        user=coordinator,
    )
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=timezone.now() + timezone.timedelta(days=1),
        ends_at=timezone.now() + timezone.timedelta(days=1, hours=1),
        place="Koulu",
    )
    Promise.objects.create(
        network=network,
        made_in=meeting,
        participant=own,
        act="Soitan perheelle",
        due=timezone.localdate() + timezone.timedelta(days=3),
    )
    withdraw_share(network, coordinator)
    client.force_login(coordinator)
    assert "Soitan perheelle" in client.get(reverse("meetings:my_promises")).text
    row = AccessLog.objects.get(actor=coordinator, view_name="meetings:my_promises")
    assert (row.basis, row.success) == (Basis.COORDINATOR, True)
