"""Programmes are configuration: one engine, different life areas, roles, deadlines and words."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.translation import TranslatedName, pick
from programmes.wording import CLIENT, FAMILY, Words


class Programme(TranslatedName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    common_goal_fi = models.CharField(_("common goal in Finnish"), max_length=300)
    common_goal_sv = models.CharField(_("common goal in Swedish"), max_length=300, blank=True)
    common_goal_en = models.CharField(_("common goal in English"), max_length=300, blank=True)
    method_name_fi = models.CharField(_("method in Finnish"), max_length=200, blank=True)
    method_name_sv = models.CharField(_("method in Swedish"), max_length=200, blank=True)
    method_name_en = models.CharField(_("method in English"), max_length=200, blank=True)
    convening_deadline_days = models.PositiveSmallIntegerField(
        _("days to convene the network"), default=14
    )
    convening_warning_day = models.PositiveSmallIntegerField(_("warning from day"), default=10)
    config_version = models.CharField(_("configuration version"), max_length=40, blank=True)
    population = models.CharField(
        _("population served"),
        max_length=20,
        choices=[("children", _("children under 18")), ("inhabitants", _("inhabitants"))],
        default="inhabitants",
        help_text=_("The denominator of per-1,000 comparisons in the learning network."),
    )
    # Whole years the personal data of a closed network is kept before it is erased.
    retention_years = models.PositiveSmallIntegerField(
        _("retention in years after closing"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(150)],
        help_text=_("Whole years after a network is closed before its personal data is erased."),
    )
    # Who the work is about: a child and their family, or an adult client (programmes/wording.py).
    subject = models.CharField(
        _("the work is about"),
        max_length=10,
        choices=[(FAMILY, _("a child and their family")), (CLIENT, _("an adult client"))],
        default=FAMILY,
    )
    # The client's own rating of their situation on a 0–10 scale, asked at the start of the
    # work and at its end ("How is your work ability today?"); empty: not asked.
    self_rating_question_fi = models.CharField(
        _("own rating question in Finnish"), max_length=200, blank=True
    )
    self_rating_question_sv = models.CharField(
        _("own rating question in Swedish"), max_length=200, blank=True
    )
    self_rating_question_en = models.CharField(
        _("own rating question in English"), max_length=200, blank=True
    )
    # Texts of programmes/wording.py this programme says differently: {key: {fi, sv, en}}.
    wording = models.JSONField(_("own wording"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["order", "code"]

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def common_goal(self) -> str:
        return pick(self, "common_goal")

    @property
    def method_name(self) -> str:
        return pick(self, "method_name")

    @property
    def self_rating_question(self) -> str:
        return pick(self, "self_rating_question")

    @property
    def concerns_children(self) -> bool:
        """A family's network concerns one or more children; a client's network the client."""
        return self.subject == FAMILY

    @property
    def words(self) -> Words:
        return Words(self)


class ProgrammeItem(TranslatedName):
    """A configured item of one programme, identified by its code within the programme."""

    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["programme", "order", "code"]


class LifeArea(ProgrammeItem):
    """A development environment (kehitysympäristö) or life area of the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="life_areas")

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("life area")
        verbose_name_plural = _("life areas")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_life_area")
        ]


class ParticipantKind(ProgrammeItem):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="participant_kinds"
    )
    is_family = models.BooleanField(
        _("family or everyday adult"),
        default=False,
        help_text=_("Family members, the client and important everyday adults."),
    )
    is_subject = models.BooleanField(
        _("the person the work is about"),
        default=False,
        help_text=_("The client themself: a participant of their network from the start."),
    )

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("participant kind")
        verbose_name_plural = _("participant kinds")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_participant_kind")
        ]


class ProgrammeRole(ProgrammeItem):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="roles")
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("network role")
        verbose_name_plural = _("network roles")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_programme_role")
        ]

    @property
    def description(self) -> str:
        return pick(self, "description")


class ConcernCategory(ProgrammeItem):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="concern_categories"
    )

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_concern_category")
        ]


class AgeBand(ProgrammeItem):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="age_bands")

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_age_band")
        ]


class ClosingOutcome(ProgrammeItem):
    """Where the client's path led when the work closed (work, education, rehabilitation…)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="closing_outcomes"
    )
    is_progress = models.BooleanField(
        _("counts as progress"),
        default=False,
        help_text=_("Counted in the share of closings that led onwards (e.g. work, education)."),
    )

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("outcome at closing")
        verbose_name_plural = _("outcomes at closing")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_closing_outcome")
        ]
