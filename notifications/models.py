"""The outbox: one row per email to one recipient, so that task rows carry only its id.

The message (recipient, subject, body, attachments) is erased as soon as it was delivered;
what stays – status, times, the error's class – is what operations need, without content.
Delivered and failed rows are removed by ``prune_outbox`` after ``ARKI_OUTBOX_RETENTION_DAYS``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
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
