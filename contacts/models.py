"""One contact to the area's coordinating number is enough to start network work."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import actor_field

if TYPE_CHECKING:
    from programmes.models import AgeBand


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    IN_PERSON = "in_person", _("In person")


class ContactedBy(models.TextChoices):
    """Who called. Only a professional from the directory is named at once: a parent asking for
    advice can be recorded and closed with no name ("no name before convening")."""

    PROFESSIONAL = "professional", _("A professional in the directory")
    PARENT = "parent", _("A parent or guardian")
    YOUNG_PERSON = "young_person", _("A child or young person")
    RELATIVE = "relative", _("A relative or someone close")
    OTHER = "other", _("Someone else (e.g. a professional not in the directory)")
    CLIENT = "client", _("The client themself")


class LpDiscussion(models.TextChoices):
    HELD = "held", _("Yes, held")
    NOT_HELD = "not_held", _("No")
    UNKNOWN = "unknown", _("Not known")


class Consent(models.TextChoices):
    AGREES = "agrees", _("The family knows and agrees")
    NOT_YET = "not_yet", _("Not yet asked")
    NO_CONSENT = "no_consent", _("No consent")


class LegalGround(models.TextChoices):
    """Grounds on which the Social Welfare Act 1301/2014 §35 lets a professional act without consent."""

    SHL_35_NEED = (
        "shl_35_need",
        _("Social Welfare Act 1301/2014 §35: the person's need for social welfare"),
    )
    CHILD_WELFARE_25 = "lsl_25", _("Child Welfare Act 417/2007 §25: notification duty")
    OTHER_LAW = "other_law", _("Another provision of law (named in the reasons)")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not decided yet")
    ADVICE = "advice", _("Advice and consultation")
    CONVENE = "convene", _("Convene the network")
    JOINED = "joined", _("Joined to an open network")


class Source(models.TextChoices):
    COORDINATOR = "coordinator", _("Recorded by the coordinator")
    REQUEST = "request", _("Sent by a professional")
    PUBLIC = "public", _("Sent through the public web form")


class Contact(models.Model):
    """A contact: anonymous until the network is convened; it still counts for indicators."""

    submission_token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    received_at = models.DateTimeField(_("received"), db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    area = models.ForeignKey(
        "directory.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contacted_by = models.CharField(_("who contacted"), max_length=20, choices=ContactedBy.choices)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professional"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_made",
    )
    contact_person_name = models.CharField(
        _("name of the contact person"),
        max_length=200,
        blank=True,
        help_text=_("Not needed for advice only: a name is asked for when the work continues."),
    )
    contact_person_service = models.CharField(_("their service"), max_length=200, blank=True)
    contact_person_phone = models.CharField(_("their phone"), max_length=40, blank=True)
    # Only the public form (source "public") fills this: how the client or family wants to be
    # reached back. A phone call to the number never needs it.
    contact_person_email = models.EmailField(_("their email"), blank=True)
    concern = models.TextField(
        _("concern"),
        max_length=1000,
        help_text=_("Briefly, without names or identifiers."),
    )
    concern_categories = models.ManyToManyField(
        "programmes.ConcernCategory", verbose_name=_("concern categories"), blank=True
    )
    # A family with several children: one band per child's age (the children's programme).
    age_bands: models.ManyToManyField[AgeBand, ContactAgeBand] = models.ManyToManyField(
        "programmes.AgeBand",
        verbose_name=_("age bands"),
        blank=True,
        through="ContactAgeBand",
        related_name="contacts",
    )
    lp_discussion = models.CharField(
        _("LP discussion already held"),
        max_length=20,
        choices=LpDiscussion.choices,
        default=LpDiscussion.UNKNOWN,
    )
    consent = models.CharField(_("consent"), max_length=20, choices=Consent.choices)
    legal_ground = models.CharField(
        _("legal ground"), max_length=20, choices=LegalGround.choices, blank=True
    )
    no_consent_reasons = models.TextField(
        _("reasons for acting without consent"), blank=True, max_length=2000
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    advice_given = models.TextField(_("advice given"), blank=True, max_length=2000)
    network = models.ForeignKey(
        "networks.Network",
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    # Nobody for a contact the client or family sent themselves through the public form.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts_recorded",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    modified_by = actor_field(_("modified by"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["area", "programme", "outcome", "received_at"])]

    def __str__(self) -> str:
        return f"{_('Contact')} {self.pk}"

    @property
    def concern_summary(self) -> str:
        return summarise(self.concern)


class ContactAgeBand(models.Model):
    """One age band of a contact. A band in use cannot be deleted, as with the former single band."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    age_band = models.ForeignKey("programmes.AgeBand", on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("age band of a contact")
        verbose_name_plural = _("age bands of contacts")
        constraints = [
            models.UniqueConstraint(fields=["contact", "age_band"], name="unique_contact_age_band")
        ]

    def __str__(self) -> str:
        return f"{self.contact} – {self.age_band}"


SUMMARY_LENGTH = 80


def summarise(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """The first ``limit`` characters of ``text`` or fewer, cut at a word boundary, with "…"."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit + 1]
    boundary = cut.rfind(" ")
    # A single very long word is cut where it must be.
    shortened = cut[:boundary] if boundary > limit // 2 else words[:limit]
    return shortened.rstrip(" ,.;:–-") + "…"


class MethodDiscussion(models.Model):
    """A discussion a professional held in their own work with the programme's method: the LP
    discussion with a family, or "Työkyky ja työllistyminen puheeksi" with a working-age client.
    Anonymous: no person is named, only the area, programme, service and day."""

    held_on = models.DateField(_("held on"))
    area = models.ForeignKey(
        "directory.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    wider_support_needed = models.BooleanField(_("wider support needed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discussions"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "contacts_discussion"  # the table keeps the model's earlier name
        verbose_name = _("method discussion")
        verbose_name_plural = _("method discussions")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{_('method discussion')} {self.held_on:%Y-%m-%d}"


class SenderCount(models.Model):
    """How many times one connection sent the public contact form in one hour.

    The connection is only a keyed hash of its address (never the address); rows older than an
    hour are deleted as new ones are counted. In the database, so the limit holds across every
    server and process (docs/operations.md, several app servers)."""

    key = models.CharField(max_length=64)
    hour = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "hour"], name="one_sender_count")]

    def __str__(self) -> str:
        return f"{self.hour}: {self.count}"
