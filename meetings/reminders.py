"""Reminders about promises, two days before due and once when overdue: by email, or by text
message to a family member who chose it."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.access import record_disclosure
from audit.models import Basis, DisclosureChannel
from meetings.models import Promise, PromiseReminder, ReminderKind
from meetings.services import promises_due_for_reminder
from networks import consent
from networks.models import Channel, Participant
from networks.selectors import reached_by
from notifications.models import OutgoingSms
from notifications.services import send_email, send_sms


def send_promise_reminders(today: date | None = None) -> int:
    """Send every reminder that is due; each kind goes once per promise. Returns how many."""
    soon, overdue = promises_due_for_reminder(today)
    sent = 0
    for kind, promises in ((ReminderKind.BEFORE_DUE, soon), (ReminderKind.OVERDUE, overdue)):
        for promise in promises:
            if _remind(promise, kind):
                sent += 1
    return sent


def _remind(promise: Promise, kind: str) -> bool:
    """Send one reminder the way the participant is reached: by email, or by a text message that
    says only the due date (what was promised is personal, and a lock screen shows it). Someone
    reached on paper gets none."""
    participant = promise.participant
    channel = reached_by(participant)
    if channel == Channel.PAPER or consent.participant_excluded(participant):
        return False
    try:
        with transaction.atomic():
            PromiseReminder.objects.create(promise=promise, kind=kind)
            if channel == Channel.SMS:
                _remind_by_sms(promise, kind)
            else:
                _remind_by_email(promise, kind)
    except IntegrityError:
        return False  # another worker sent it already
    return True


def _language(participant: Participant) -> str:
    # Without an account (a family member, a professional from outside Arki) the reminder goes
    # in the network's language.
    if participant.user:
        return str(participant.user.preferred_language)
    return participant.network.family_language or "fi"


def _remind_by_sms(promise: Promise, kind: str) -> None:
    participant = promise.participant
    with override(_language(participant)):
        due = date_format(promise.due, "SHORT_DATE_FORMAT")
        if kind == ReminderKind.BEFORE_DUE:
            text = _(
                "Arki reminder: your promise is due on %(due)s. See the plan through the link "
                "you received."
            ) % {"due": due}
        else:
            text = _(
                "Arki reminder: your promise was due on %(due)s. See the plan through the link "
                "you received."
            ) % {"due": due}
    send_sms(participant.mobile_number, text, purpose=OutgoingSms.Purpose.REMINDER)
    record_disclosure(
        actor=None,
        subject=participant.network,
        data=f"promise {promise.pk} reminder by text message: its due date",
        recipient=f"participant {participant.pk}",
        channel=DisclosureChannel.SMS,
        basis=Basis.PARTICIPANT,
    )


def _remind_by_email(promise: Promise, kind: str) -> None:
    participant = promise.participant
    network = participant.network
    # Without an account the reminder names the coordinator to ask.
    with override(_language(participant)):
        due = date_format(promise.due, "SHORT_DATE_FORMAT")
        if kind == ReminderKind.BEFORE_DUE:
            subject = _("Reminder: a promise is due on %(due)s") % {"due": due}
        else:
            subject = _("Reminder: a promise was due on %(due)s") % {"due": due}
        if participant.user:
            body = _(
                "You promised in network %(network)s to do the following by %(due)s:\n\n"
                "%(act)s\n\nSign in to Arki to see your promises."
            ) % {"network": promise.network_id, "due": due, "act": promise.act}
        else:
            body = _(
                "You promised in network %(network)s to do the following by %(due)s:\n\n"
                "%(act)s\n\nIf you have questions, contact the coordinator "
                "%(coordinator)s."
            ) % {
                "network": promise.network_id,
                "due": due,
                "act": promise.act,
                "coordinator": network.coordinator.full_name,
            }
    send_email(to=[participant.email], subject=subject, body=body)
    record_disclosure(
        actor=None,
        subject=participant.network,
        data=f"promise {promise.pk} reminder: the promised act and its due date",
        recipient=f"participant {participant.pk}",
        channel=DisclosureChannel.EMAIL,
        basis=Basis.PARTICIPANT,
    )
