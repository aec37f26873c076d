"""The access log (käyttöloki): who processed whose data, when, how and on what basis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel


class ChainedLog(AppendOnlyModel):
    """An append-only log whose rows are hash-chained after they are written.

    Rows are inserted without a hash (no lock on the hot path); ``audit.chain.seal`` later gives
    each row its place ``seq`` in the chain and ``row_hash = sha256(previous_hash + content)``.
    On PostgreSQL triggers refuse DELETE, TRUNCATE, rows inserted already sealed, and any UPDATE
    except sealing unsealed rows so that they continue the chain head (which the seal advances).
    """

    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    CHAINED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True


class ChainHead(models.Model):
    """The end of a log's hash chain: the last sealed row's number and hash."""

    log = models.CharField(max_length=60, unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    sealed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.log} #{self.last_seq}"


class LogCheckpoint(AppendOnlyModel):
    """A signed checkpoint of a log's chain head, copied from the file written outside the database.

    The file (``ARKI_CHECKPOINT_DIR``) is what counts: the operator ships it to write-once storage.
    This copy shows the data protection officer the checkpoints; ``line`` is the signed JSON line.
    """

    log = models.CharField(max_length=60)
    last_seq = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(db_index=True)
    file_name = models.CharField(max_length=200)
    line = models.TextField()

    class Meta:
        ordering = ["-signed_at", "log"]

    def __str__(self) -> str:
        return f"{self.log} #{self.last_seq} {self.signed_at:%Y-%m-%d %H:%M}"


class Action(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("removed")
    PRINT = "print", _("printed")
    EXPORT = "export", _("exported")


class Basis(models.TextChoices):
    """Why someone may process a person's data: the one list used by the catalogue, the access
    log and the data protection officer's pages."""

    COORDINATOR = "coordinator", _("coordinator of the area and programme")
    INITIATOR = "initiator", _("professional who started the network")
    PARTICIPANT = "participant", _("participant of the network")
    BREAK_GLASS = "break-glass", _("emergency access")
    SENDER = "sender", _("professional who sent or recorded the contact")
    FAMILY_LINK = "family-link", _("family member's own link")
    STRONG_IDENTIFICATION = (
        "strong-identification",
        _("family member identified strongly (Suomi.fi)"),
    )
    WORK_CONTACT = "work-contact", _("work contact details in the directory")
    DATA_PROTECTION_OFFICER = "data-protection-officer", _("data protection officer")
    DATA_SUBJECT_REQUEST = "data-subject-request", _("the data subject's request (GDPR art. 15)")
    RETENTION = "retention", _("end of the retention period")
    DUPLICATE_CHECK = (
        "duplicate-check",
        _("check for an open network when convening (told only that one exists)"),
    )


def basis_label(code: str) -> str:
    """The basis in the reader's language; an older free-text basis as it was written."""
    try:
        return str(Basis(code).label)
    except ValueError:
        return code


class AccessLog(ChainedLog):
    """One append-only row per access to a person's data, successful or refused."""

    CHAINED_FIELDS = (
        "id",
        "at",
        "actor_id",
        "actor_label",
        "subject_type",
        "subject_id",
        "action",
        "basis",
        "view_name",
        "success",
        "request_id",
    )

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A stable label survives if the user's account is later pseudonymised.
    actor_label = models.CharField(_("user label"), max_length=200, blank=True)
    subject_type = models.CharField(_("data of"), max_length=60)
    subject_id = models.CharField(_("record"), max_length=64)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    basis = models.CharField(_("basis"), max_length=60, blank=True)
    view_name = models.CharField(_("view"), max_length=120, blank=True)
    success = models.BooleanField(_("allowed"))
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.subject_type}:{self.subject_id}"

    @property
    def basis_label(self) -> str:
        return basis_label(self.basis)


class DisclosureChannel(models.TextChoices):
    PRINT = "print", _("printed")
    DOWNLOAD = "download", _("downloaded")
    EMAIL = "email", _("emailed")
    SMS = "sms", _("sent by text message")
    EXPORT = "export", _("exported")


class DisclosureLog(ChainedLog):
    """The disclosure log (luovutusloki): whenever a person's data leaves Arki."""

    CHAINED_FIELDS = (
        "id",
        "at",
        "actor_id",
        "actor_label",
        "subject_type",
        "subject_id",
        "data",
        "recipient",
        "channel",
        "basis",
        "request_id",
    )

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("user label"), max_length=200, blank=True)
    subject_type = models.CharField(_("data of"), max_length=60)
    subject_id = models.CharField(_("record"), max_length=64)
    data = models.CharField(_("data disclosed"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=DisclosureChannel.choices)
    basis = models.CharField(_("consent or legal basis"), max_length=100)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("disclosure log entry")
        verbose_name_plural = _("disclosure log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel} {self.subject_type}:{self.subject_id} → {self.recipient}"

    @property
    def basis_label(self) -> str:
        return basis_label(self.basis)
