"""Network pages: need-to-know access, the access log, the timeline."""

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.models import AccessLog
from audit.roles import Role
from contacts import services as contact_services
from contacts.tests.helpers import a_contact, coordinator_of, professional
from networks import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children)


@pytest.fixture
def network(kaakkuri, children, coordinator):
    contact = a_contact(kaakkuri, children, coordinator)
    return contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=1,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )


def test_participants_and_coordinators_see_the_network_others_do_not(
    client, network, coordinator, tuira, children
):
    member = professional()
    services.add_participant(
        network=network, by=coordinator, kind=services.professional_kind(network), user=member
    )
    url = reverse("networks:detail", args=[network.pk])
    for user, basis in [(coordinator, "coordinator"), (member, "participant")]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert "Eeli Virtanen" in response.content.decode()
        assert AccessLog.objects.filter(
            actor=user, basis=basis, success=True, subject_id=str(network.pk)
        ).exists()
    for outsider in [
        professional(email="other@example.fi"),
        coordinator_of(tuira, children),
        user_with_role(Role.LEADERSHIP_MEMBER),
        user_with_role(Role.ADMINISTRATOR),
    ]:
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        assert AccessLog.objects.filter(actor=outsider, success=False).exists()


def test_a_participant_may_not_manage_the_network(client, network, coordinator):
    member = professional()
    services.add_participant(
        network=network, by=coordinator, kind=services.professional_kind(network), user=member
    )
    client.force_login(member)
    assert client.get(reverse("networks:schedule_meeting", args=[network.pk])).status_code == 403
    assert client.get(reverse("networks:add_participant", args=[network.pk])).status_code == 403


def test_the_initiator_who_is_also_a_participant_manages_the_network(
    client, kaakkuri, children, coordinator
):
    """The documented rule: the professional who started the network may manage it. Before
    the catalogue, their participant basis shadowed the initiator basis and they got 403."""
    starter = professional(email="aloittaja@example.fi")
    network = services.open_network(
        contact=a_contact(kaakkuri, children, coordinator),
        by=coordinator,
        subject_name="Aino Aloitettu",
        subject_birth_date=None,
        initiator=starter,
    )
    assert network.participants.filter(user=starter, removed_at__isnull=True).exists()
    client.force_login(starter)
    for name in ("networks:schedule_meeting", "networks:add_participant"):
        assert client.get(reverse(name, args=[network.pk])).status_code == 200
    assert set(
        AccessLog.objects.filter(actor=starter, subject_id=str(network.pk)).values_list(
            "basis", "success"
        )
    ) == {("initiator", True)}


def test_my_networks_lists_only_mine_without_names(client, network, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("networks:mine")).content.decode()
    assert f"/networks/{network.pk}/" in page
    assert "Eeli Virtanen" not in page
    client.force_login(professional())
    assert f"/networks/{network.pk}/" not in client.get(reverse("networks:mine")).content.decode()


def test_timeline_shows_what_happens_next_and_by_whom(client, network, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("networks:detail", args=[network.pk]))
    steps = response.context["timeline"]
    assert steps[0].state == "done"
    assert steps[1].when == network.convening_deadline
    assert steps[1].responsible == coordinator.full_name


def test_family_invitation_is_printable_and_logged_as_print(client, network, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.now() + timedelta(days=3)
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Kaakkurin koulu",
    )
    client.force_login(coordinator)
    response = client.get(reverse("networks:family_invitation", args=[network.pk, meeting.pk]))
    assert response.status_code == 200
    assert "Kaakkurin koulu" in response.content.decode()
    assert AccessLog.objects.filter(action="print", subject_id=str(network.pk)).exists()


def test_idor_on_meeting_ids_is_refused(client, network, coordinator, kaakkuri, children):
    from datetime import timedelta

    from django.utils import timezone

    other_coordinator = coordinator_of(kaakkuri, children, email="toinen@example.fi")
    other_contact = a_contact(kaakkuri, children, other_coordinator)
    other = contact_services.convene(
        contact=other_contact,
        by=other_coordinator,
        expected_version=1,
        subject_name="Toinen Lapsi",
        subject_birth_date=None,
    )
    starts = timezone.now() + timedelta(days=3)
    meeting = services.schedule_meeting(
        network=other,
        by=other_coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="X",
    )
    client.force_login(coordinator)
    # The coordinator may open their own network, but not another network's meeting through it.
    response = client.get(reverse("networks:move_meeting", args=[network.pk, meeting.pk]))
    assert response.status_code == 404


def test_timeline_lists_open_promises_with_who_and_when(client, network, coordinator):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import Promise

    starts = timezone.now() + timedelta(days=1)
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Koulu",
    )
    member = professional()
    participant = services.add_participant(
        network=network, by=coordinator, kind=services.professional_kind(network), user=member
    )
    Promise.objects.create(
        network=network,
        made_in=meeting,
        participant=participant,
        act="Soitan perjantaina",
        due=timezone.localdate() + timedelta(days=7),
    )
    client.force_login(coordinator)
    steps = client.get(reverse("networks:detail", args=[network.pk])).context["timeline"]
    promise_steps = [s for s in steps if "Soitan perjantaina" in s.title]
    assert len(promise_steps) == 1
    assert (promise_steps[0].responsible, promise_steps[0].state) == (participant.name, "upcoming")


def test_network_page_title_and_sections_appear_once(client, network, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    assert f"<title>Verkosto {network.pk} – Arki</title>" in page
    assert page.count('id="goals-heading"') == 1
    assert page.count('id="promises-heading"') == 1
