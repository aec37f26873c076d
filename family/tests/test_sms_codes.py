"""The one-time code by text message: the code and its expiry only, never the link or a name."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ValidationError
from family import services
from family.models import FamilyLink
from meetings.tests.helpers import network_with_meeting, participants
from networks import services as network_services
from networks.models import Channel
from notifications import sms
from notifications.models import OutgoingSms
from notifications.tests.test_sms import gateway  # noqa: F401 (the local fake gateway)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    mother = participants(network)["Maija Virtanen"]
    network_services.set_reaching(
        mother, by=coordinator, channel=Channel.SMS, email="", phone="040 123 4567"
    )
    sms.outbox.clear()
    return network, coordinator, mother


def the_code(message):
    (code,) = re.findall(r"\b\d{6}\b", message.text)
    return code


def test_the_code_goes_by_text_message_and_opens_the_link(client, setup):
    network, coordinator, mother = setup
    client.force_login(coordinator)
    page = client.post(reverse("family:create_link", args=[network.pk, mother.pk]), {"code": "sms"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "+358 …67" in html
    (message,) = sms.outbox
    assert message.to == "+358401234567"
    assert message.purpose == OutgoingSms.Purpose.CODE
    code = the_code(message)
    # The coordinator sees the link but not the code; the text has the code but not the link.
    assert code not in html
    (url,) = re.findall(r"https?://[^<\s]+/family/[^<\s/]+/", html)
    assert url not in message.text and "/family/" not in message.text
    for word in ("Eeli", "Virtanen", "Maija"):
        assert word not in message.text
    client.logout()
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert services.verify_code(services.find_link(token), code) == services.CodeResult.OPENED


def test_a_new_code_by_text_message(client, setup):
    network, coordinator, mother = setup
    issued = services.create_link(participant=mother, by=coordinator)
    client.force_login(coordinator)
    page = client.post(
        reverse("family:new_code", args=[network.pk, mother.pk, issued.link.pk]), {"code": "sms"}
    )
    assert page.status_code == 200
    (message,) = sms.outbox
    code = the_code(message)
    assert code != issued.code and code not in page.content.decode()
    assert services.verify_code(issued.link, code) == services.CodeResult.OPENED


def test_the_code_is_shown_as_before_when_not_sent(client, setup):
    network, coordinator, mother = setup
    client.force_login(coordinator)
    page = client.post(reverse("family:create_link", args=[network.pk, mother.pk]))
    assert page.status_code == 200
    assert sms.outbox == []
    assert re.search(r"<strong>\d{6}</strong>", page.content.decode())


def test_the_network_page_offers_the_text_message_to_a_mobile_number(client, setup):
    network, coordinator, mother = setup
    client.force_login(coordinator)
    page = client.get(reverse("networks:detail", args=[network.pk])).content.decode()
    assert "+358 …67" in page and 'name="code" value="sms"' in page


def test_without_a_mobile_number_or_text_messages_nothing_is_created(settings, client, setup):
    network, coordinator, mother = setup
    client.force_login(coordinator)
    url = reverse("family:create_link", args=[network.pk, mother.pk])
    settings.ARKI_SMS_BACKEND = "off"
    assert client.post(url, {"code": "sms"}).status_code == 302
    settings.ARKI_SMS_BACKEND = "locmem"
    type(mother).objects.filter(pk=mother.pk).update(phone="09 310 1691")  # a landline
    assert client.post(url, {"code": "sms"}).status_code == 302
    assert sms.outbox == [] and not FamilyLink.objects.exists()


def test_a_removed_member_gets_no_code(setup):
    network, coordinator, mother = setup
    issued = services.create_link(participant=mother, by=coordinator)
    network_services.remove_participant(participant=mother, by=coordinator)
    issued.link.refresh_from_db()
    with pytest.raises(ValidationError):
        services.new_code(link=issued.link, by=coordinator, code_by_sms=True)
    assert sms.outbox == []


def test_the_invitation_and_the_code_reach_the_member_through_the_gateway(
    gateway,  # noqa: F811 (the fixture imported above)
    setup,
):
    """The issue's "done when": through the HTTP gateway (a local fake), not the test outbox."""
    network, coordinator, mother = setup
    meeting = network.meetings.get()
    network_services.mark_meeting_held(meeting=meeting, by=coordinator)
    starts = timezone.now() + timedelta(days=7)
    network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Kaakkurin perhekeskus",
    )
    issued = services.create_link(participant=mother, by=coordinator, code_by_sms=True)
    bodies = [request["body"] for request in gateway.requests]
    assert [body["to"] for body in bodies] == ["+358401234567", "+358401234567"]
    invitation, code = (body["text"] for body in bodies)
    assert "Kaakkurin perhekeskus" in invitation
    assert issued.code in code and issued.token not in code
    for text in (invitation, code):
        assert "Virtanen" not in text and "Eeli" not in text
    assert set(OutgoingSms.objects.values_list("status", "to")) == {(OutgoingSms.Status.SENT, "")}
