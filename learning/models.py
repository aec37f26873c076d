"""The learning network: what a region shares, and what the hub keeps of every region's packages.

A region's installation writes :class:`SharedLearning` rows and exports signed packages
(:class:`ExportedPackage` remembers each version). An installation becomes a *hub* when regions
are registered in it (:class:`Region`): it receives their packages (:class:`Package`), keeps every
version, and compares the figures of the current ones (:class:`PackageFigure`). Nothing here
holds a person's data: figures are aggregates with small numbers already suppressed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LearningKind(models.TextChoices):
    WORKS = "works", _("What works")
    DOES_NOT_WORK = "does_not_work", _("What does not work")
    ESSENTIAL = "essential", _("What is essential in our area")
    DECISION = "decision", _("Leadership decision")


class SharedLearning(models.Model):
    """A region's lesson for the others: what works, what does not, what is essential here."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[c for c in LearningKind.choices if c[0] != LearningKind.DECISION],
    )
    text = models.TextField(_("learning"), max_length=2000)
    area = models.ForeignKey(
        "directory.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    shareable = models.BooleanField(_("share with the learning network"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared learning")
        verbose_name_plural = _("shared learnings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ExportedPackage(models.Model):
    """One version of this region's package, as it was signed and handed out."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(_("checksum"), max_length=64)
    figures = models.PositiveIntegerField(_("figures"))
    learnings = models.PositiveIntegerField(_("learnings"))
    envelope = models.BinaryField(_("signed package"))
    sent_at = models.DateTimeField(_("sent to the hub"), null=True, blank=True)
    send_result = models.CharField(_("hub's answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("exported package")
        verbose_name_plural = _("exported packages")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class Region(models.Model):
    """A region registered in the hub: its public signing key and a hashed API token."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    public_key = models.CharField(_("public key (Ed25519, base64)"), max_length=64)
    token_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Via(models.TextChoices):
    API = "api", _("API")
    UPLOAD = "upload", _("file upload")


class Package(models.Model):
    """A verified package as the hub received it. Every version is kept; one is current."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="packages")
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created by the region"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    via = models.CharField(_("received by"), max_length=10, choices=Via.choices)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(_("checksum"), max_length=64)
    signature = models.CharField(max_length=128)
    payload = models.JSONField()
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("received package")
        verbose_name_plural = _("received packages")
        ordering = ["region__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="one_package_per_version"),
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(is_current=True),
                name="one_current_package_per_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} v{self.version}"


class PackageFigure(models.Model):
    """One published figure of a package: hidden figures carry no value."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="figures")
    programme = models.CharField(max_length=60)
    indicator = models.CharField(max_length=60)
    name_fi = models.CharField(max_length=200)
    name_sv = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=20)
    person_count = models.BooleanField(default=False)
    area = models.CharField(max_length=40, blank=True)  # "" = the whole region
    area_name = models.CharField(max_length=200)
    period = models.CharField(max_length=7)
    value = models.FloatField(null=True, blank=True)
    hidden = models.BooleanField(default=False)
    # "small": 1–4 people ("<5"); "secondary" or unknown: hidden to protect another cell ("..").
    hidden_reason = models.CharField(max_length=20, blank=True, default="")
    population_kind = models.CharField(max_length=20, blank=True)  # children / inhabitants
    population = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["indicator", "period"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.area or '*'} {self.period}"


class PackageLearning(models.Model):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="learnings")
    kind = models.CharField(max_length=20, choices=LearningKind.choices)
    text = models.TextField()
    area_name = models.CharField(max_length=200, blank=True)
    date = models.DateField()

    class Meta:
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class NetworkMeeting(models.Model):
    """A monthly learning-network meeting of the regions, with its notes."""

    starts_at = models.DateTimeField(_("starts"))
    topic = models.CharField(_("topic"), max_length=200)
    place = models.CharField(_("place or online link"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=10000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("learning-network meeting")
        verbose_name_plural = _("learning-network meetings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.topic


class TrialStatus(models.TextChoices):
    TO_TEST = "to_test", _("To be tested")
    TESTING = "testing", _("Being tested")
    DONE = "done", _("Tested")


class Trial(models.Model):
    """A learning taken into practice to be tested in a region, and what came of it."""

    title = models.CharField(_("learning to test"), max_length=300)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region testing it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trials",
    )
    meeting = models.ForeignKey(
        NetworkMeeting,
        verbose_name=_("agreed in the meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trials",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TrialStatus.choices, default=TrialStatus.TO_TEST
    )
    result = models.TextField(_("result"), blank=True, max_length=4000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("trial")
        verbose_name_plural = _("trials")
        ordering = ["status", "-updated_at"]

    def __str__(self) -> str:
        return self.title
