"""Families reached where they are: email, text message or paper, chosen per family member.

A text message tells the time and place only (a phone's lock screen shows it); a member reached
on paper gets nothing sent and is listed for the coordinator with the printable invitation."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from audit.models import DisclosureChannel, DisclosureLog
from contacts.tests.helpers import coordinator_of, professional
from core.errors import ValidationError
from networks import services
from networks.identity import hash_identity_code
from networks.models import Channel, Invitation
from networks.selectors import on_paper, reached_by
from networks.tests.factories import NetworkFactory, ProfessionalParticipantFactory
from notifications import sms
from notifications.models import OutgoingSms

pytestmark = pytest.mark.django_db

PLACE = "Kaakkurin perhekeskus, Kaakkurintie 1"
IDENTITY_CODE = "010203A1230"  # a made-up code with a valid check character


@pytest.fixture
def coordinator(kaakkuri, children):
    return coordinator_of(kaakkuri, children, email="koordinaattori@example.fi")


@pytest.fixture
def network(kaakkuri, children, coordinator):
    network = NetworkFactory(
        area=kaakkuri,
        programme=children,
        coordinator=coordinator,
        subject_name="Eeli Virtanen",
        subject_birth_date=None,
    )
    teacher = professional(email="opettaja@example.fi", full_name="Olli Opettaja")
    ProfessionalParticipantFactory(network=network, user=teacher)
    return network


def family_member(network, coordinator, name, **fields):
    kind = network.programme.participant_kinds.filter(is_family=True).first()
    return services.add_participant(
        network=network, by=coordinator, kind=kind, name=name, relation="äiti", **fields
    )


@pytest.fixture
def family(network, coordinator):
    return {
        "sms": family_member(
            network, coordinator, "Maija Virtanen", channel=Channel.SMS, phone="040 123 4567"
        ),
        "email": family_member(
            network, coordinator, "Pekka Virtanen", channel=Channel.EMAIL, email="pekka@example.fi"
        ),
        "paper": family_member(network, coordinator, "Liisa Laine", channel=Channel.PAPER),
    }


def schedule(network, coordinator):
    starts = (timezone.localtime() + timedelta(days=3)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    meeting = services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place=PLACE,
    )
    return meeting


def when(meeting):
    with override("fi"):
        return date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")


def assert_no_names_or_topic(text, network):
    for word in ("Eeli", "Virtanen", "Maija", "Liisa", "Olli", network.programme.name):
        assert word not in text


def test_a_member_who_chose_text_messages_gets_the_time_and_place_only(
    network, coordinator, family
):
    mail.outbox.clear()
    meeting = schedule(network, coordinator)
    (message,) = sms.outbox
    assert message.to == "+358401234567"
    assert message.purpose == OutgoingSms.Purpose.INVITATION
    assert when(meeting) in message.text and PLACE in message.text
    assert_no_names_or_topic(message.text, network)
    assert str(meeting.get_kind_display()) not in message.text
    # Email as before for the others; the member on paper gets nothing.
    assert sorted(m.to[0] for m in mail.outbox) == ["opettaja@example.fi", "pekka@example.fi"]
    invited = set(Invitation.objects.filter(meeting=meeting).values_list("participant", flat=True))
    assert family["sms"].pk in invited and family["paper"].pk not in invited
    # Time and place of a meeting about a child leave Arki: the disclosure is logged.
    logged = DisclosureLog.objects.get(recipient=f"participant {family['sms'].pk}")
    assert logged.channel == DisclosureChannel.SMS


def test_moves_and_cancellations_reach_the_text_message_member_too(network, coordinator, family):
    meeting = schedule(network, coordinator)
    sms.outbox.clear()
    later = meeting.starts_at + timedelta(days=1)
    meeting = services.move_meeting(
        meeting=meeting,
        by=coordinator,
        expected_version=meeting.version,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        place=PLACE,
    )
    (moved,) = sms.outbox
    assert when(meeting) in moved.text
    sms.outbox.clear()
    services.cancel_meeting(meeting=meeting, by=coordinator, reason="Sairastuminen")
    (cancelled,) = sms.outbox
    assert when(meeting) in cancelled.text
    assert "Sairastuminen" not in cancelled.text
    assert_no_names_or_topic(cancelled.text, network)


def test_a_removed_member_gets_nothing(network, coordinator, family):
    services.remove_participant(participant=family["sms"], by=coordinator)
    schedule(network, coordinator)
    assert sms.outbox == []
    assert family["sms"] not in on_paper(network)


def test_without_text_messages_the_member_gets_email_or_is_invited_on_paper(
    settings, network, coordinator, family
):
    with_email = family_member(
        network,
        coordinator,
        "Kalle Laine",
        channel=Channel.SMS,
        phone="+46 70 123 45 67",
        email="kalle@example.fi",
    )
    assert with_email.phone == "+46701234567"
    settings.ARKI_SMS_BACKEND = "off"
    mail.outbox.clear()
    schedule(network, coordinator)
    assert sms.outbox == []
    assert "kalle@example.fi" in [m.to[0] for m in mail.outbox]
    assert reached_by(family["sms"]) == Channel.PAPER
    assert {p.name for p in on_paper(network)} == {"Maija Virtanen", "Liisa Laine"}


def test_the_network_page_lists_whom_to_invite_on_paper(client, network, coordinator, family):
    meeting = schedule(network, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    start = page.index('id="paper-invitations"')
    paper_list = page[start : page.index("</div>", start)]
    assert "Liisa Laine" in paper_list
    assert "Maija Virtanen" not in paper_list and "Pekka Virtanen" not in paper_list
    assert reverse("networks:family_invitation", args=[network.pk, meeting.pk]) in paper_list


def test_no_paper_list_without_a_planned_meeting(client, network, coordinator, family):
    client.force_login(coordinator)
    page = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    assert 'id="paper-invitations"' not in page


def reaching_url(network, participant):
    return reverse("networks:reaching", args=[network.pk, participant.pk])


def test_the_coordinator_changes_how_a_member_is_reached(client, network, coordinator, family):
    member = family["email"]
    client.force_login(coordinator)
    assert client.get(reaching_url(network, member)).status_code == 200
    response = client.post(
        reaching_url(network, member),
        {"channel": Channel.SMS, "email": "pekka@example.fi", "phone": "050 765 4321"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.channel, member.phone) == (Channel.SMS, "+358507654321")
    schedule(network, coordinator)
    assert "+358507654321" in [m.to for m in sms.outbox]


def test_a_wrong_phone_number_is_shown_in_the_form_in_finnish(client, network, coordinator, family):
    member = family["email"]
    client.force_login(coordinator)
    for phone in ("", "12", "09 310 1691"):  # missing, not a number, a landline
        response = client.post(
            reaching_url(network, member),
            {"channel": Channel.SMS, "email": "", "phone": phone},
        )
        assert response.status_code == 200
        assert 'id="field-phone"' in response.content.decode()
        assert "field--error" in response.content.decode()
    member.refresh_from_db()
    assert member.channel == Channel.EMAIL
    response = client.post(
        reaching_url(network, member), {"channel": Channel.SMS, "email": "", "phone": "12"}
    )
    assert "matkapuhelin" in response.content.decode().lower()


def test_the_identity_code_is_written_never_shown_and_can_be_forgotten(
    client, network, coordinator, family
):
    member = family["paper"]
    client.force_login(coordinator)
    url = reaching_url(network, member)
    response = client.post(url, {"channel": Channel.PAPER, "identity_code": IDENTITY_CODE.lower()})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.identity_code_hash == hash_identity_code(IDENTITY_CODE)
    page = client.get(url).content.decode()
    assert IDENTITY_CODE not in page and IDENTITY_CODE.lower() not in page
    assert member.identity_code_hash not in page
    wrong = client.post(url, {"channel": Channel.PAPER, "identity_code": "010203A123B"})
    assert wrong.status_code == 200 and 'id="field-identity_code"' in wrong.content.decode()
    client.post(url, {"channel": Channel.PAPER, "forget_identity_code": "on"})
    member.refresh_from_db()
    assert member.identity_code_hash == ""


def test_only_a_family_member_still_in_the_network_can_be_changed(
    client, network, coordinator, family
):
    client.force_login(coordinator)
    teacher = network.participants.get(kind__is_family=False, user__isnull=False)
    assert client.get(reaching_url(network, teacher)).status_code == 404
    services.remove_participant(participant=family["sms"], by=coordinator)
    assert client.get(reaching_url(network, family["sms"])).status_code == 404
    with pytest.raises(ValidationError):
        services.set_reaching(
            family["sms"], by=coordinator, channel=Channel.EMAIL, email="x@example.fi", phone=""
        )


def test_a_professional_of_the_network_may_not_change_it(client, network, family):
    teacher = network.participants.get(kind__is_family=False, user__isnull=False).user
    client.force_login(teacher)
    response = client.post(
        reaching_url(network, family["email"]),
        {"channel": Channel.SMS, "email": "", "phone": "040 123 4567"},
    )
    assert response.status_code == 403
    family["email"].refresh_from_db()
    assert family["email"].channel == Channel.EMAIL


def test_recording_and_forgetting_an_identity_code_is_in_the_security_log(
    client, network, coordinator, family
):
    """Who recorded or forgot a code, and where; never the code or its hash."""
    from accounts.models import SecurityEvent, SecurityEventKind

    member = family["paper"]
    client.force_login(coordinator)
    url = reaching_url(network, member)
    client.post(url, {"channel": Channel.PAPER, "identity_code": IDENTITY_CODE})
    client.post(url, {"channel": Channel.PAPER, "forget_identity_code": "on"})
    events = list(
        SecurityEvent.objects.filter(
            kind__in=[
                SecurityEventKind.IDENTITY_CODE_RECORDED,
                SecurityEventKind.IDENTITY_CODE_FORGOTTEN,
            ]
        ).order_by("pk")
    )
    assert [event.kind for event in events] == ["identity_code_recorded", "identity_code_forgotten"]
    for event in events:
        assert event.actor == coordinator
        assert event.scope == f"network {network.pk}, participant {member.pk}"
        assert IDENTITY_CODE not in str(vars(event))
        assert hash_identity_code(IDENTITY_CODE) not in str(vars(event))


def test_a_typed_identity_code_is_not_sent_back_when_another_field_is_wrong(
    client, network, coordinator, family
):
    member = family["paper"]
    client.force_login(coordinator)
    response = client.post(
        reaching_url(network, member),
        {"channel": Channel.SMS, "phone": "12", "identity_code": IDENTITY_CODE},
    )
    assert response.status_code == 200 and "field--error" in response.content.decode()
    assert IDENTITY_CODE not in response.content.decode()


def test_erasing_the_network_forgets_the_identity_code(network, coordinator, family):
    from privacy.retention import erase_network

    member = family["paper"]
    services.set_reaching(
        member,
        by=coordinator,
        channel=Channel.PAPER,
        email="",
        phone="",
        identity_code=IDENTITY_CODE,
    )
    network.status = "closed"
    network.save(update_fields=["status"])
    erase_network(network.pk)
    member.refresh_from_db()
    assert member.identity_code_hash == ""
