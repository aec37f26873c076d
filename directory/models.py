"""The service directory: who acts around the family and the working-age client."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.translation import TranslatedName


class Sector(TranslatedName):
    """A sector of actors, e.g. education and culture services or NGOs, parish and Kela."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "code"]


class Area(models.Model):
    """An area of a municipality or wellbeing services county, e.g. Kaakkuri or Tuira."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    municipality = models.CharField(_("municipality"), max_length=120)
    population = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    child_population = models.PositiveIntegerField(_("children under 18"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    hsds_id = models.UUIDField(_("HSDS id"), default=uuid.uuid4, unique=True, editable=False)
    ptv_id = models.UUIDField(
        _("PTV id"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_(
            "The organisation's id in the national service catalogue (PTV); empty for local additions."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="organisations"
    )
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service of an organisation and its basic task (perustehtävä) in the network."""

    hsds_id = models.UUIDField(_("HSDS id"), default=uuid.uuid4, unique=True, editable=False)
    ptv_id = models.UUIDField(
        _("PTV id"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_(
            "The service's id in the national service catalogue (PTV); empty for local additions."
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=200)
    basic_task = models.TextField(
        _("basic task"), blank=True, help_text=_("What this service does in its own role.")
    )
    description = models.TextField(_("description"), blank=True)
    areas = models.ManyToManyField(
        Area, verbose_name=_("areas"), blank=True, related_name="services"
    )
    programmes = models.ManyToManyField(
        "programmes.Programme", verbose_name=_("programmes"), blank=True, related_name="services"
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("web address"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    hsds_id = models.UUIDField(_("HSDS id"), default=uuid.uuid4, unique=True, editable=False)
    ptv_id = models.UUIDField(
        _("PTV id"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_(
            "The service location channel's id in the national service catalogue (PTV); empty for local additions."
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.SET_NULL
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="locations"
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    """The coordinating number of an area and programme: one contact starts the work."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="contact_points"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="contact_points",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("answering service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["area", "programme"]
        constraints = [
            models.UniqueConstraint(fields=["area", "programme"], name="one_contact_point")
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A person's role in a service, e.g. school curator at Kaakkuri school."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="positions",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=120)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["service", "title"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service", "title"], name="unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.service}"
