"""The leadership team as a situation room: monthly meetings, decisions and every member's promise."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import actor_field


class LeadershipTeam(models.Model):
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        "directory.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    common_goal = models.CharField(_("common goal"), max_length=300)
    # Monthly rhythm: the n-th weekday of the month (e.g. the first Tuesday) at a time.
    week_of_month = models.PositiveSmallIntegerField(_("week of the month"), default=1)
    weekday = models.PositiveSmallIntegerField(_("weekday"), default=1, help_text=_("0 = Monday"))
    meeting_time = models.TimeField(_("time"), default="14:00")
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = actor_field(_("created by"))
    modified_by = actor_field(_("modified by"))

    class Meta:
        verbose_name = _("leadership team")
        verbose_name_plural = _("leadership teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(LeadershipTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.ForeignKey(
        "directory.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="+"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-is_chair", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return str(self.user)


class MembershipChangeKind(models.TextChoices):
    ADDED = "added", _("Added to the team")
    REMOVED = "removed", _("Removed from the team")
    CHAIR = "chair", _("Made the chair")


class TeamMembershipChange(models.Model):
    """Who joined or left a leadership team, or became its chair; when, and who made the change."""

    team = models.ForeignKey(
        LeadershipTeam, on_delete=models.CASCADE, related_name="membership_changes"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("change"), max_length=20, choices=MembershipChangeKind.choices)
    sector = models.ForeignKey(
        "directory.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("leadership team membership change")
        verbose_name_plural = _("leadership team membership changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.team}: {self.member} {self.kind}"


class TeamMeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class TeamMeeting(models.Model):
    team = models.ForeignKey(LeadershipTeam, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=TeamMeetingStatus.choices, default=TeamMeetingStatus.PLANNED
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    minutes_published = models.ForeignKey(
        "backbone.Bulletin", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = actor_field(_("created by"))
    modified_by = actor_field(_("modified by"))

    class Meta:
        verbose_name = _("leadership team meeting")
        verbose_name_plural = _("leadership team meetings")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "starts_at"], name="one_team_meeting_at_a_time")
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.starts_at:%Y-%m-%d}"


class Decision(models.Model):
    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="decisions")
    what = models.TextField(_("decision"), max_length=2000)
    why = models.TextField(_("why"), blank=True, max_length=2000)
    who_informs = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who informs the staff"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    shareable = models.BooleanField(
        _("share with the learning network"),
        default=False,
        help_text=_("Shared decisions go to other regions in the learning-network package."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = actor_field(_("created by"))

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.what[:60]


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    CARRIED_OVER = "carried_over", _("Carried over")


class Commitment(models.Model):
    """ "What do I promise to do before the next leadership team meeting?\""""

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="commitments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.CharField(_("what I promise to do before the next meeting"), max_length=400)
    status = models.CharField(
        max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    reviewed_in = models.ForeignKey(
        TeamMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = actor_field(_("created by"))
    modified_by = actor_field(_("modified by"))

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text
