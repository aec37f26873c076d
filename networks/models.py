"""Network work around one child and family, or one working-age client."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationError
from core.models import actor_field
from notifications.phone import normalise_phone, recipient_hint


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
    # Set when the deadline's outcome (met in time or not) was recorded for the indicators.
    deadline_recorded = models.BooleanField(
        _("deadline outcome recorded"), default=False, db_default=False, editable=False
    )
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
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    modified_by = actor_field(_("modified by"))
    closing_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    closing_summary = models.TextField(_("closing summary"), blank=True, max_length=5000)
    # Where the client's path led (programmes with outcomes at closing, e.g. working-age).
    closing_outcome = models.ForeignKey(
        "programmes.ClosingOutcome",
        verbose_name=_("outcome at closing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The client's own 0–10 rating at closing (programmes with an own rating question).
    self_rating_at_close = models.PositiveSmallIntegerField(
        _("own rating at closing"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    # Set when the retention period ended and privacy.retention erased the personal data.
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["convening_deadline"]
        indexes = [
            models.Index(fields=["area", "programme", "status", "convening_deadline"]),
            # The open networks, a few per cent of a region's history: a person's participations
            # ("my promises", their networks) are joined to these instead of to every network
            # (PostgreSQL then hashes the open networks instead of looking up every participation's).
            models.Index(
                fields=["id"],
                condition=models.Q(status__in=[NetworkStatus.CONVENING, NetworkStatus.ACTIVE]),
                name="open_networks",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Network')} {self.pk}"

    @property
    def display_name(self) -> str:
        """Whom the work is about, as pages and memos name it: the children of a family's
        network ("Eeli Virtanen, Eetu Virtanen"), or the client."""
        names = [child.name for child in self.children.all()]
        return ", ".join(names) if names else self.subject_name

    def closing_reason_said(self) -> str:
        """The reason for closing in the programme's words (the family or the client declined)."""
        words = self.programme.words
        said: dict[str, str] = {
            ClosingReason.FAMILY_DECLINED.value: words.declined,
            ClosingReason.MOVED_AWAY.value: words.moved_away,
        }
        return said.get(self.closing_reason, str(self.get_closing_reason_display()))


class Child(models.Model):
    """A child the network concerns. A family's network may concern several children (siblings):
    one network of the family's everyday adults, each child with their own view, goals and age."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("the child's name"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    match_key = models.CharField(max_length=240, db_index=True, editable=False)
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = actor_field(_("created by"))

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["network", "added_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int | None:
        """Whole years today, when the date of birth is known."""
        if self.birth_date is None:
            return None
        from django.utils import timezone

        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class Channel(models.TextChoices):
    """How a family member or everyday adult wants invitations, codes and reminders."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    PAPER = "paper", _("On paper (the coordinator hands or posts it)")


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
    # A professional's organisation or service that is not in the directory (free text).
    organisation = models.CharField(_("organisation or service"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_own_worker = models.BooleanField(_("own worker"), default=False)
    # How a family member or everyday adult is reached; professionals are reached by email.
    channel = models.CharField(
        _("how they are reached"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    # A keyed hash (HMAC-SHA-256) of the personal identity code, for strong identification
    # (Suomi.fi); the code itself is never stored. See networks.identity.
    identity_code_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_by = actor_field(_("created by"))
    modified_by = actor_field(_("modified by"))

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

    @property
    def workplace(self) -> str:
        """The service from the directory, or the organisation written in by hand."""
        return str(self.service) if self.service_id else self.organisation

    @property
    def is_outside_professional(self) -> bool:
        """A professional without an Arki account: reached by email, phone and a personal link."""
        return self.user_id is None and not self.kind.is_family

    @property
    def mobile_number(self) -> str:
        """The phone as E.164 if a text message can reach it (a mobile number), otherwise ""."""
        try:
            return normalise_phone(self.phone) if self.phone.strip() else ""
        except ValidationError:
            return ""

    @property
    def mobile_hint(self) -> str:
        """The mobile number as the coordinator may see it on a button: "+358 …67"."""
        number = self.mobile_number
        return recipient_hint(number) if number else ""


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
    late_reason = models.TextField(
        _("reason for meeting after the deadline"), blank=True, max_length=2000
    )
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
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_by = actor_field(_("modified by"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class MeetingChange(models.Model):
    """Every move or cancellation of a meeting, with the reason when one is required."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    old_starts_at = models.DateTimeField(null=True)
    new_starts_at = models.DateTimeField(null=True)
    cancelled = models.BooleanField(default=False)
    reason = models.TextField(blank=True, max_length=2000)

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
    sent_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.method} {self.sequence} {self.sent_at:%Y-%m-%d %H:%M}"


class ConsentScope(models.TextChoices):
    SHARE = "share", _("Sharing information between the network's participants")
    MEMO = "memo", _("Sending the memo to the participants")


class ConsentHow(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    WRITTEN = "written", _("in writing")
    ELECTRONIC = "electronic", _("electronically")


class ConsentRecord(models.Model):
    """What the family agreed to share, with whom, when and how; and its withdrawal.

    The consent covers the network's participants (``with whom``); a ban on a named party
    (:class:`DisclosureBan`) narrows it. A withdrawal takes effect at once.
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("what"), max_length=10, choices=ConsentScope.choices)
    given_by = models.CharField(_("given by (name and relation)"), max_length=200)
    given_how = models.CharField(_("how"), max_length=12, choices=ConsentHow.choices)
    given_at = models.DateTimeField(_("given"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_how = models.CharField(
        _("withdrawn how"), max_length=12, choices=ConsentHow.choices, blank=True
    )
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.network_id} {self.scope}"


class DisclosureBan(models.Model):
    """The client's ban on disclosing their data to a named party: a participant or a service."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="bans")
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bans",
    )
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.CharField(_("requested by (name and relation)"), max_length=200)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("disclosure ban")
        verbose_name_plural = _("disclosure bans")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participant__isnull=False) | models.Q(service__isnull=False),
                name="ban_names_a_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.network_id} ban"


class BreakGlassGrant(models.Model):
    """Emergency access to a network without a need-to-know basis: a reason, a time limit, review.

    Every use is logged in the access log with the basis ``break-glass``; the data protection
    officer reviews each grant.
    """

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=2000)
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.network_id} {self.user_id}"
