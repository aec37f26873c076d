"""What a network meeting records on LP network-meeting principles, in Arki's own words."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import actor_field


class MeetingRecord(models.Model):
    """The record of one network or follow-up meeting."""

    meeting = models.OneToOneField(
        "networks.Meeting", on_delete=models.CASCADE, related_name="record"
    )
    present = models.ManyToManyField(
        "networks.Participant", verbose_name=_("present"), blank=True, related_name="+"
    )
    family_view = models.TextField(
        _("the family's view in their own words"), blank=True, max_length=5000
    )
    common_goal = models.TextField(_("common goal"), blank=True, max_length=2000)
    protective_factors = models.TextField(_("protective factors"), blank=True, max_length=5000)
    # The client's own 0–10 rating (programmes with an own rating question, e.g. work ability).
    self_rating = models.PositiveSmallIntegerField(
        _("own rating"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("meeting record")
        verbose_name_plural = _("meeting records")

    def __str__(self) -> str:
        return f"{self.meeting}"


class MeetingRecordRevision(models.Model):
    """A snapshot of every saved version: who saved what, and what a later save is told changed."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now, editable=False)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["record", "version"]
        constraints = [
            models.UniqueConstraint(fields=["record", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.version}"


class ChildView(models.Model):
    """One child's or young person's view in their own words, recorded at a meeting."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="child_views")
    child = models.ForeignKey("networks.Child", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(
        _("the child's or young person's view in their own words"), max_length=5000
    )

    class Meta:
        ordering = ["record", "child__added_at", "child__pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "child"], name="one_view_per_child")
        ]

    def __str__(self) -> str:
        return f"{self.child}"


class LifeAreaNote(models.Model):
    """Strengths and vulnerabilities in one life area (development environment)."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="life_areas")
    life_area = models.ForeignKey("programmes.LifeArea", on_delete=models.PROTECT)
    strengths = models.TextField(_("strengths"), blank=True, max_length=2000)
    vulnerabilities = models.TextField(_("vulnerabilities"), blank=True, max_length=2000)

    class Meta:
        ordering = ["life_area__order"]
        constraints = [
            models.UniqueConstraint(fields=["record", "life_area"], name="one_note_per_life_area")
        ]

    def __str__(self) -> str:
        return f"{self.life_area}"


class GoalOwner(models.TextChoices):
    CHILD = "child", _("The child's own goal")
    PARENTS = "parents", _("The parents' goal")
    CLIENT = "client", _("The client's goal")


class Goal(models.Model):
    """A goal agreed with the family; rated 0–10 at every meeting on a scale agreed with them."""

    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="goals")
    owner = models.CharField(_("whose goal"), max_length=20, choices=GoalOwner.choices)
    # The child whose own goal it is (owner "child"); the parents' goals stay the family's.
    child = models.ForeignKey(
        "networks.Child",
        verbose_name=_("child"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="goals",
    )
    text = models.CharField(_("goal"), max_length=300)
    scale_note = models.CharField(_("what 0 and 10 mean"), max_length=300, blank=True)
    set_in = models.ForeignKey("networks.Meeting", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["network", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def whose(self) -> str:
        """Whose goal, as the memo and the family's plan say it: the child's name, or the
        owner ("The parents' goal")."""
        if self.child is not None:
            return self.child.name
        return str(self.get_owner_display())


class GoalRating(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    meeting = models.ForeignKey("networks.Meeting", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["meeting__starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "meeting"], name="one_rating_per_meeting"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=0, rating__lte=10), name="rating_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.rating}"


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    PARTLY = "partly", _("Partly kept")
    NOT_KEPT = "not_kept", _("Not kept")
    CANCELLED = "cancelled", _("Resolved at closing")


class Promise(models.Model):
    """A participant's concrete act in their own role, by a date."""

    network = models.ForeignKey(
        "networks.Network", on_delete=models.CASCADE, related_name="promises"
    )
    made_in = models.ForeignKey("networks.Meeting", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        "networks.Participant",
        verbose_name=_("who promises"),
        on_delete=models.CASCADE,
        related_name="promises",
    )
    act = models.CharField(_("what they promise to do"), max_length=400)
    due = models.DateField(_("by when"))
    status = models.CharField(
        _("status"), max_length=20, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    review_note = models.CharField(_("note"), max_length=400, blank=True)
    reviewed_in = models.ForeignKey(
        "networks.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The family member who made the promise told through their plan page that it is done; the
    # network confirms it ("kept") at the next meeting.
    reported_done_at = models.DateTimeField(_("reported done"), null=True, blank=True)
    modified_by = actor_field(_("modified by"))

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"])]

    def __str__(self) -> str:
        return self.act


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("two days before due")
    OVERDUE = "overdue", _("overdue")


class PromiseReminder(models.Model):
    """A reminder sent about a promise; each kind is sent once."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["promise", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.promise_id} {self.kind}"


class FamilyPreparation(models.Model):
    """A family member's own words before a meeting, written through their plan page: what goes
    well, what worries them, what they wish from the meeting, whom they want there, and the
    child's or young person's own view. Editable by them until the meeting starts; the
    coordinator sees it, and the meeting record shows it marked as the family's own words."""

    meeting = models.ForeignKey(
        "networks.Meeting", on_delete=models.CASCADE, related_name="family_preparations"
    )
    participant = models.ForeignKey(
        "networks.Participant", on_delete=models.CASCADE, related_name="preparations"
    )
    goes_well = models.TextField(_("what goes well"), max_length=2000, blank=True)
    worries = models.TextField(_("what worries"), max_length=2000, blank=True)
    wishes = models.TextField(_("what they wish from the meeting"), max_length=2000, blank=True)
    who_to_invite = models.TextField(_("whom they want there"), max_length=1000, blank=True)
    child_view = models.TextField(_("the child's own view"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("family's preparation")
        verbose_name_plural = _("family's preparations")
        ordering = ["meeting", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="one_preparation_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}/{self.participant_id}"
