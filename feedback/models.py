"""Systematic feedback: versioned surveys, single-use invitations, anonymous responses."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.translation import TranslatedName


class Audience(models.TextChoices):
    FAMILY = "family", _("Family member or client")
    CHILD = "child", _("Child or young person")
    PROFESSIONAL = "professional", _("Professional")


class Occasion(models.TextChoices):
    MEETING = "meeting", _("After a meeting")
    CLOSING = "closing", _("At closing")


class Survey(TranslatedName):
    """A survey of one programme for one audience; its questions live in versions."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="surveys"
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["programme", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "audience"], name="one_survey_per_audience"
            )
        ]


class SurveyVersion(models.Model):
    """Frozen questions: editing a survey makes a new version; answers keep theirs."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # [{"code", "kind": "scale5" | "scale10" | "text", "text_fi", "text_sv", "text_en"}]
    questions = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="one_survey_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class FeedbackInvitation(models.Model):
    """A single-use feedback link for one participant. The answer is not linked back to it.

    ``used_at`` holds only the first moment of the month (Europe/Helsinki) the link was used:
    an exact time would pair the invitation with the answer written at that moment.
    """

    survey_version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "networks.Participant", on_delete=models.CASCADE, related_name="feedback_invitations"
    )
    meeting = models.ForeignKey(
        "networks.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    nonce = models.CharField(max_length=32)
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "meeting", "occasion"], name="one_invitation_per_occasion"
            )
        ]

    def __str__(self) -> str:
        return f"{_('feedback invitation')} {self.pk}"


class InvitationCount(models.Model):
    """Anonymous tally of invitations per group, so response rates survive erasure of networks."""

    area = models.ForeignKey("directory.Area", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    meeting_kind = models.CharField(max_length=20, blank=True)
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    month = models.DateField()
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["area", "programme", "audience", "meeting_kind", "occasion", "month"],
                name="one_invitation_count_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.audience} {self.sent}"


class ResponseTally(models.Model):
    """How many answers have ever been given: one row, added to in the same transaction as each
    answer (``Response.save``). The figures cache (indicators, leadership agenda) reads it as its stamp: counting the
    answers (random ids, so there is no newest one) took tens of milliseconds on a county's
    data, on every dashboard request."""

    responses = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.responses)

    @classmethod
    def add(cls, how_many: int = 1) -> None:
        if not cls.objects.filter(pk=1).update(responses=models.F("responses") + how_many):
            cls.objects.create(pk=1, responses=how_many)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("responses", flat=True).first() or 0

    @classmethod
    def recount(cls) -> None:
        """Set the tally from the rows (after a bulk load that wrote answers directly)."""
        cls.objects.update_or_create(pk=1, defaults={"responses": Response.objects.count()})


class Response(models.Model):
    """An anonymous answer: only area, programme, meeting kind, audience and period are kept.

    The id is random, not a sequence, so the order of answers cannot be read from it and paired
    with the order in which invitations were used. ``month`` is the month the invitation went out.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey_version = models.ForeignKey(
        SurveyVersion, on_delete=models.PROTECT, related_name="responses"
    )
    area = models.ForeignKey("directory.Area", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    meeting_kind = models.CharField(max_length=20, blank=True)
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["area", "programme", "month", "audience"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.audience}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                ResponseTally.add()


class Answer(models.Model):
    """One question's answer of a response; its id is random like the response's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question_code = models.CharField(max_length=60)
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=2000)

    class Meta:
        indexes = [models.Index(fields=["question_code"])]

    def __str__(self) -> str:
        return self.question_code
