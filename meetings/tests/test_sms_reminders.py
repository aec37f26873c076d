"""Promise reminders by text message: the due date only, once per kind, never after the end."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from audit.models import DisclosureChannel, DisclosureLog
from meetings import reminders
from meetings.tests.factories import PromiseFactory
from meetings.tests.helpers import network_with_meeting, participants
from networks import services as network_services
from networks.models import Channel, NetworkStatus
from networks.tests.factories import ParticipantFactory
from notifications import sms
from notifications.models import OutgoingSms

pytestmark = pytest.mark.django_db

ACT = "Käyn Eelin kanssa hammaslääkärissä"


@pytest.fixture
def setup(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    mother = participants(network)["Maija Virtanen"]
    network_services.set_reaching(
        mother, by=coordinator, channel=Channel.SMS, email="", phone="040 123 4567"
    )
    due = timezone.localdate() + timedelta(days=2)
    promise = PromiseFactory(network=network, participant=mother, act=ACT, due=due)
    mail.outbox.clear()
    sms.outbox.clear()
    return network, coordinator, mother, promise


def test_a_text_message_member_gets_the_due_date_only_once(setup):
    network, coordinator, mother, promise = setup
    assert reminders.send_promise_reminders() == 1
    assert reminders.send_promise_reminders() == 0  # the task runs again: nothing new
    (message,) = sms.outbox
    assert message.to == "+358401234567"
    assert message.purpose == OutgoingSms.Purpose.REMINDER
    with override("fi"):
        assert date_format(promise.due, "SHORT_DATE_FORMAT") in message.text
    for word in ("Eeli", "Virtanen", "Maija", "hammaslääkäri"):
        assert word not in message.text
    assert mail.outbox == []
    logged = DisclosureLog.objects.get(channel=DisclosureChannel.SMS)
    assert logged.recipient == f"participant {mother.pk}" and "reminder" in logged.data


def test_overdue_once_more_by_text_message(setup):
    network, coordinator, mother, promise = setup
    reminders.send_promise_reminders()
    overdue_day = promise.due + timedelta(days=1)
    assert reminders.send_promise_reminders(today=overdue_day) == 1
    assert reminders.send_promise_reminders(today=overdue_day) == 0
    assert len(sms.outbox) == 2


def test_email_members_as_before_and_paper_members_get_nothing(setup):
    network, coordinator, mother, promise = setup
    by_email = ParticipantFactory(network=network, name="Pekka Virtanen", email="pekka@example.fi")
    on_paper = ParticipantFactory(network=network, name="Liisa Laine", channel=Channel.PAPER)
    PromiseFactory(network=network, participant=by_email, act=ACT, due=promise.due)
    PromiseFactory(network=network, participant=on_paper, act=ACT, due=promise.due)
    assert reminders.send_promise_reminders() == 2
    (email,) = mail.outbox
    assert email.to == ["pekka@example.fi"] and ACT in email.body
    assert [m.to for m in sms.outbox] == ["+358401234567"]


def test_a_removed_member_gets_nothing(setup):
    network, coordinator, mother, promise = setup
    network_services.remove_participant(participant=mother, by=coordinator)
    assert reminders.send_promise_reminders() == 0
    assert sms.outbox == []


def test_a_closed_network_sends_nothing(setup):
    network, coordinator, mother, promise = setup
    type(network).objects.filter(pk=network.pk).update(status=NetworkStatus.CLOSED)
    assert reminders.send_promise_reminders() == 0
    assert sms.outbox == []


def test_without_text_messages_a_member_without_email_gets_nothing(settings, setup):
    settings.ARKI_SMS_BACKEND = "off"
    assert reminders.send_promise_reminders() == 0
    assert sms.outbox == [] and mail.outbox == []
