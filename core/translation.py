"""Names kept in Finnish, Swedish and English side by side, shown in the user's language."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick(obj: object, field: str) -> str:
    """The value of ``field_<lang>`` for the active language, falling back to Finnish."""
    language = (get_language() or "fi")[:2]
    value = getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_fi", "")
    return str(value)


class TranslatedName(models.Model):
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")
