"""Reminder emails about promises: two days before due, and once when overdue."""

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
from notifications.services import send_email


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
    participant = promise.participant
    if not participant.email or consent.participant_excluded(participant):
        return False
    try:
        with transaction.atomic():
            PromiseReminder.objects.create(promise=promise, kind=kind)
            network = participant.network
            # Without an account (a family member, a professional from outside Arki) the
            # reminder goes in the network's language and names the coordinator to ask.
            language = (
                participant.user.preferred_language
                if participant.user
                else network.family_language or "fi"
            )
            with override(language):
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
    except IntegrityError:
        return False  # another worker sent it already
    return True
