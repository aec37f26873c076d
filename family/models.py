"""A family member's (or an account-less professional's) own, read-only view of the plan, opened
with a link and a one-time code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import actor_field


class FamilyLink(models.Model):
    """A personal link of a family member or of a professional without an Arki account. Only
    hashes of the link's token and of the code are stored."""

    participant = models.ForeignKey(
        "networks.Participant", on_delete=models.CASCADE, related_name="family_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    code_hash = models.CharField(max_length=128, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    modified_by = actor_field(_("modified by"))

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{_('family link')} {self.pk}"

    @property
    def is_usable(self) -> bool:
        """Checked on every use, so an ended participant's link ends at once: in a session that
        already verified its code and for a code already issued."""
        return self.is_live and self.participant_may_use

    @property
    def is_live(self) -> bool:
        """The link itself: not revoked, locked or expired (no query; whether its participant
        may still use it is :attr:`participant_may_use`)."""
        return (
            self.revoked_at is None and self.locked_at is None and self.expires_at > timezone.now()
        )

    @property
    def participant_may_use(self) -> bool:
        """The participant is still in an open network and no ban or withdrawal has ended them;
        a professional whose participation was linked to an Arki account signs in instead."""
        from family.services import participant_may_use, participant_read_afresh

        return participant_may_use(participant_read_afresh(self.participant_id))


class UsedAssertion(models.Model):
    """A Suomi.fi assertion (or response) already used to sign in, kept until it expires so that
    the same one posted again is refused, whichever worker receives it. Only a hash of its id."""

    id_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("used Suomi.fi assertion")
        verbose_name_plural = _("used Suomi.fi assertions")

    def __str__(self) -> str:
        return self.id_hash[:12]
