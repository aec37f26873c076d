"""Network work around one child and family, or one working-age client."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkStatus(models.TextChoices):
    CONVENING = "convening", _("Being convened")
    ACTIVE = "active", _("Working")
    CLOSED = "closed", _("Closed")


class ClosingReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("The goal was reached")
    OTHER_SERVICE = "other_service", _("The work continues in another service")
    FAMILY_DECLINED = "family_declined", _("The family declined")
    MOVED_AWAY = "moved_away", _("The family moved away")


class Language(models.TextChoices):
    FINNISH = "fi", "suomi"
    SWEDISH = "sv", "svenska"
    ENGLISH = "en", "English"


class Network(models.Model):
    """The network convened after a contact. Holds the family's identity; the contact does not."""

    area = models.ForeignKey(
        "directory.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NetworkStatus.choices, default=NetworkStatus.CONVENING
    )
    # The child's or the client's name and birth date: the least needed to avoid a second network.
    subject_name = models.CharField(_("name of the child or client"), max_length=200)
    subject_birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    match_key = models.CharField(max_length=240, db_index=True, editable=False)
    first_contact_at = models.DateTimeField(_("first contact"))
    convening_deadline = models.DateField(_("first meeting at the latest"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_networks",
    )
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initiator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiated_networks",
    )
    family_language = models.CharField(
        _("the family's language"), max_length=2, choices=Language.choices, default="fi"
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    closing_summary = models.TextField(_("closing summary"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["convening_deadline"]
        indexes = [models.Index(fields=["area", "programme", "status", "convening_deadline"])]

    def __str__(self) -> str:
        return f"{_('Network')} {self.pk}"


class Participant(models.Model):
    """Someone in the network: a family member, an everyday adult or a professional."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="participants")
    kind = models.ForeignKey(
        "programmes.ParticipantKind", verbose_name=_("participant kind"), on_delete=models.PROTECT
    )
    role = models.ForeignKey(
        "programmes.ProgrammeRole",
        verbose_name=_("role in the network"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("professional"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_own_worker = models.BooleanField(_("own worker"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["network", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user"],
                condition=models.Q(user__isnull=False, removed_at__isnull=True),
                name="one_active_participation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.TextChoices):
    FIRST = "first", _("Network meeting")
    FOLLOW_UP = "follow_up", _("Follow-up meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online meeting link"), blank=True)
    late_reason = models.TextField(_("reason for meeting after the deadline"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # iCalendar identity: UID stays, SEQUENCE grows with every update or cancellation.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class MeetingChange(models.Model):
    """Every move or cancellation of a meeting, with the reason when one is required."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    old_starts_at = models.DateTimeField(null=True)
    new_starts_at = models.DateTimeField(null=True)
    cancelled = models.BooleanField(default=False)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.changed_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """One invitation (or update, or cancellation) sent to one participant."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=10)  # REQUEST or CANCEL
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.method} {self.sequence} {self.sent_at:%Y-%m-%d %H:%M}"


def deadline_for(contact_date: date, days: int) -> date:
    from datetime import timedelta

    return contact_date + timedelta(days=days)
