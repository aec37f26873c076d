"""The backbone's tools: action plan, instructions, bulletins, events and training records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scoped(models.Model):
    """Targeted at areas, programmes and sectors; empty means everyone."""

    areas = models.ManyToManyField(
        "directory.Area", verbose_name=_("areas"), blank=True, related_name="+"
    )
    programmes = models.ManyToManyField(
        "programmes.Programme", verbose_name=_("programmes"), blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ActionPlanTask(Scoped):
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action plan task")
        verbose_name_plural = _("action plan")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Instruction(Scoped):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("instruction"), max_length=20000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Bulletin(Scoped):
    """A bulletin to staff, targeted by area, programme and sector; reads are receipted."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("bulletin"), max_length=20000)
    sectors = models.ManyToManyField(
        "directory.Sector", verbose_name=_("sectors"), blank=True, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class BulletinRead(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "user"], name="one_read_receipt")
        ]

    def __str__(self) -> str:
        return f"{self.bulletin_id} {self.user_id}"


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Joint seminar")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training")


class Method(models.TextChoices):
    LP = "lp", _("Lapset puheeksi (LP) method")
    WORK_ABILITY = "work_ability", _("Talking about work ability and employment")


class StaffEvent(Scoped):
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    method = models.CharField(
        _("method trained"),
        max_length=20,
        choices=Method.choices,
        blank=True,
        help_text=_("For trainings: attending completes this method's training."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    event = models.ForeignKey(StaffEvent, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now, editable=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_registration")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.user_id}"


class TrainingRecord(models.Model):
    """Who completed a method's training, and when. Feeds the "staff trained" indicator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    completed_on = models.DateField(_("completed on"))
    event = models.ForeignKey(
        StaffEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on"]
        constraints = [
            models.UniqueConstraint(fields=["user", "method"], name="one_training_per_method")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.completed_on}"


class SelfReview(models.Model):
    """Supervisor-led stakeholder meetings: "what do I do, and how well do I succeed in it"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_reviews"
    )
    reviewed_on = models.DateField(_("date"))
    what_i_do = models.TextField(
        _("What do I do in the model, in my own basic task?"), max_length=5000
    )
    how_well = models.PositiveSmallIntegerField(_("How well do I succeed in it (1–5)?"))
    what_next = models.TextField(_("What will I do differently?"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("self-review")
        verbose_name_plural = _("self-reviews")
        ordering = ["-reviewed_on"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.reviewed_on}"
