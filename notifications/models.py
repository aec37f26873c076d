"""The outbox: one row per email or text message to one recipient; task rows carry only its id.

The message (recipient, subject, body, attachments; number and text) is erased as soon as it
was delivered, a text message also when it failed; what stays – status, times, the error's kind –
is what operations need, without content. Delivered and failed rows are removed by ``prune_outbox`` after
``ARKI_OUTBOX_RETENTION_DAYS``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The exception's class only: SMTP error messages may name the recipient.
    error = models.CharField(_("error"), max_length=200, blank=True)
    # The message itself, erased after delivery.
    to = models.EmailField(_("recipient"), blank=True)
    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("body"), blank=True)
    # [[filename, content, mimetype], ...]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"


class OutgoingSms(models.Model):
    """One text message to one mobile number; its delivery log once it was sent or failed.

    The number and the text are erased when the delivery ends, sent or failed; what stays is what
    operations need (purpose, status, attempts, times, the gateway's id, the error's kind and the
    number's country code and last two digits), never the content.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    class Purpose(models.TextChoices):
        CODE = "code", _("one-time code")
        INVITATION = "invitation", _("meeting invitation")
        REMINDER = "reminder", _("promise reminder")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The kind of failure only ("timeout", "http 503"): a gateway's answer may echo the number.
    error = models.CharField(_("error"), max_length=200, blank=True)
    # Sent to the gateway with every attempt, so that it can drop a repeated message.
    idempotency_key = models.UUIDField(
        _("idempotency key"), default=uuid.uuid4, unique=True, editable=False
    )
    gateway_message_id = models.CharField(_("gateway message id"), max_length=200, blank=True)
    # "+358 …67": enough to answer "did my text go out?", not enough to find the person.
    recipient_hint = models.CharField(_("recipient"), max_length=20, blank=True)
    # The message itself, erased when the delivery ends.
    to = models.CharField(_("mobile number"), max_length=20, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("outgoing text message")
        verbose_name_plural = _("outgoing text messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.purpose} {self.status}"
