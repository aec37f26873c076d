"""Consent withdrawal, bans on disclosure and break-glass: access follows them at once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.models import AccessLog, DisclosureLog
from audit.roles import Role
from contacts.tests.helpers import coordinator_of, professional
from core.db import objects_together
from core.errors import ValidationError
from meetings.tests.helpers import network_with_meeting, participants
from networks import consent, services
from networks.access import networks_visible_to
from networks.models import BreakGlassGrant, ConsentScope

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    teacher = participants(network)["Olli Opettaja"].user
    return network, meeting, coordinator, teacher


def give(network, coordinator, scope=ConsentScope.SHARE):
    return consent.record_consent(
        network=network,
        by=coordinator,
        scope=scope,
        given_by="Maija Virtanen, äiti",
        given_how="in_person",
        given_at=timezone.now() - timedelta(days=1),
    )


def test_withdrawal_ends_access_in_the_same_request_cycle(
    client, world, django_capture_on_commit_callbacks
):
    network, _meeting, coordinator, teacher = world
    share = give(network, coordinator)
    url = reverse("networks:detail", args=[network.pk])
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("networks:consents", args=[network.pk]),
            {"action": "withdraw", "consent": share.pk, "how": "phone"},
        )
    assert response.status_code == 302
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    assert AccessLog.objects.filter(
        actor=teacher, success=False, subject_id=str(network.pk)
    ).exists()
    assert network not in networks_visible_to(teacher)
    # The coordinator keeps access, to close the work.
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    assert network in networks_visible_to(coordinator)


def test_withdrawal_tells_the_other_participants_without_names(
    world, django_capture_on_commit_callbacks
):
    network, _meeting, coordinator, teacher = world
    share = give(network, coordinator)
    mail.outbox.clear()  # the meeting invitations
    with django_capture_on_commit_callbacks(execute=True):
        consent.withdraw_consent(consent=share, by=coordinator, how="written")
    told = [m for m in mail.outbox if teacher.email in m.to]
    assert len(told) == 1
    assert "Virtanen" not in told[0].subject and "Eeli" not in told[0].body
    assert not [m for m in mail.outbox if "maija@example.fi" in m.to]  # the family itself


def test_withdrawal_twice_is_refused(world):
    network, _meeting, coordinator, _teacher = world
    share = give(network, coordinator)
    consent.withdraw_consent(consent=share, by=coordinator, how="phone")
    with pytest.raises(ValidationError):
        consent.withdraw_consent(consent=share, by=coordinator, how="phone")


def test_a_new_consent_restores_access(client, world):
    network, _meeting, coordinator, teacher = world
    consent.withdraw_consent(consent=give(network, coordinator), by=coordinator, how="phone")
    assert consent.access_ended(teacher, network)
    give(network, coordinator)
    assert not consent.access_ended(teacher, network)


def test_withdrawn_memo_consent_stops_the_memo(client, world):
    network, meeting, coordinator, _teacher = world
    memo = give(network, coordinator, ConsentScope.MEMO)
    consent.withdraw_consent(consent=memo, by=coordinator, how="phone")
    client.force_login(coordinator)
    response = client.get(reverse("meetings:memo_pdf", args=[meeting.pk]))
    assert response.status_code == 302
    assert not DisclosureLog.objects.filter(channel="download").exists()


def test_a_ban_on_a_participant_ends_their_access_and_invitations(
    client, world, django_capture_on_commit_callbacks
):
    network, meeting, coordinator, teacher = world
    member = participants(network)["Olli Opettaja"]
    consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija Virtanen, äiti", participant=member
    )
    client.force_login(teacher)
    assert client.get(reverse("networks:detail", args=[network.pk])).status_code == 403
    assert network not in networks_visible_to(teacher)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting, "REQUEST")
    recipients = {address for m in mail.outbox for address in m.to}
    assert teacher.email not in recipients and "maija@example.fi" in recipients
    mother = participants(network)["Maija Virtanen"]
    assert DisclosureLog.objects.filter(
        channel="email", recipient=f"participant {mother.pk}"
    ).exists()


def test_a_banned_service_cannot_be_added(world):
    network, _meeting, coordinator, _teacher = world
    nurse = professional(email="terveydenhoitaja@example.fi", service_name="Neuvola")
    service = nurse.positions.get().service
    consent.ban_disclosure(
        network=network, by=coordinator, requested_by="Maija Virtanen, äiti", service=service
    )
    with pytest.raises(ValidationError):
        services.add_participant(
            network=network, by=coordinator, kind=services.professional_kind(network), user=nurse
        )


def test_only_the_coordinator_records_consent(client, world):
    network, _meeting, _coordinator, teacher = world
    client.force_login(teacher)
    response = client.post(
        reverse("networks:consents", args=[network.pk]),
        {
            "action": "consent",
            "scope": "share",
            "given_by": "x",
            "given_how": "phone",
            "given_at": "2026-11-01T10:00",
        },
    )
    assert response.status_code == 403
    assert not network.consents.exists()


def test_consent_page_records_a_consent(client, world):
    network, _meeting, coordinator, _teacher = world
    client.force_login(coordinator)
    response = client.post(
        reverse("networks:consents", args=[network.pk]),
        {
            "action": "consent",
            "scope": "share",
            "given_by": "Maija Virtanen, äiti",
            "given_how": "in_person",
            "given_at": "2026-11-01T10:00",
        },
    )
    assert response.status_code == 302
    assert network.consents.get().given_by == "Maija Virtanen, äiti"
    page = client.get(reverse("networks:consents", args=[network.pk])).content.decode()
    assert "Voimassa" in page  # "In force"


def test_break_glass_needs_a_reason_and_is_logged_for_review(client, world, tuira, children):
    network, _meeting, _coordinator, _teacher = world
    neighbour = coordinator_of(tuira, children, email="naapuri@example.fi")
    url = reverse("networks:detail", args=[network.pk])
    client.force_login(neighbour)
    assert client.get(url).status_code == 403
    glass = reverse("networks:break_glass", args=[network.pk])
    response = client.post(glass, {"reason": "kiire"})
    assert response.status_code == 200 and not BreakGlassGrant.objects.exists()
    reason = "Lapsi on päivystyksessä ja tarvitsen verkoston yhteystiedot heti."
    assert client.post(glass, {"reason": reason}).status_code == 302
    page = client.get(url)
    assert page.status_code == 200
    assert AccessLog.objects.filter(actor=neighbour, basis="break-glass", success=True).exists()
    assert network not in networks_visible_to(neighbour)  # never listed
    # It ends after two hours.
    BreakGlassGrant.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    "role", [Role.LEADERSHIP_MEMBER, Role.DEVELOPER_WORKER, Role.ADMINISTRATOR]
)
def test_aggregate_roles_cannot_break_glass(client, world, role):
    network = world[0]
    client.force_login(user_with_role(role))
    assert client.get(reverse("networks:break_glass", args=[network.pk])).status_code == 403


def test_break_glass_review_by_another_person(world, tuira, children):
    network = world[0]
    neighbour = coordinator_of(tuira, children, email="naapuri@example.fi")
    grant = consent.grant_break_glass(
        network=network,
        user=neighbour,
        reason="Lapsi on päivystyksessä juuri nyt, tarvitsen tiedot.",
    )
    with pytest.raises(ValidationError):
        consent.review_break_glass(grant=grant, by=neighbour, note="ok")
    officer = user_with_role(Role.DATA_PROTECTION_OFFICER)
    consent.review_break_glass(grant=grant, by=officer, note="Perusteltu.")
    grant.refresh_from_db()
    assert grant.reviewed_by == officer


STATES = ["none", "in_force", "withdrawn", "withdrawn_then_given"]


def _consents(network, coordinator, scope, state):
    from networks.models import ConsentRecord

    ConsentRecord.objects.filter(network=network, scope=scope).delete()
    if state == "none":
        return
    first = give(network, coordinator, scope)
    if state in ("withdrawn", "withdrawn_then_given"):
        ConsentRecord.objects.filter(pk=first.pk).update(withdrawn_at=timezone.now())
    if state == "withdrawn_then_given":
        give(network, coordinator, scope)


@pytest.mark.parametrize("memo", STATES)
@pytest.mark.parametrize("share", STATES)
def test_the_memo_stops_when_either_consent_is_withdrawn_read_in_one_query(
    world, memo, share, django_assert_num_queries
):
    network, _meeting, coordinator, _teacher = world
    _consents(network, coordinator, ConsentScope.MEMO, memo)
    _consents(network, coordinator, ConsentScope.SHARE, share)
    expected = consent.is_withdrawn(network, ConsentScope.MEMO) or consent.is_withdrawn(
        network, ConsentScope.SHARE
    )
    assert expected == ("withdrawn" in (memo, share))
    with django_assert_num_queries(1):
        assert consent.memo_stopped(network) is expected
    # Read with a page's other reads: the same answer from the same rows.
    (rows,) = objects_together([consent.memo_stopped_read(network)])
    with django_assert_num_queries(0):
        assert consent.memo_stopped(network, rows) is expected
