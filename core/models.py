"""Shared model primitives: the append-only row (logs that are written once, never changed) and
the actor of a change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.db import models

if TYPE_CHECKING:  # the stubs' name for a lazily translated string
    from django.utils.functional import _StrPromise


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a log row."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the access log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the access log is append-only")


class AppendOnlyModel(models.Model):
    """A log row: written once, never changed or removed through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"the {self._meta.verbose_name} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError(f"the {self._meta.verbose_name} is append-only")


def actor_field(verbose_name: str | _StrPromise) -> models.ForeignKey[Any, Any]:
    """Who created or last changed a record (``created_by``/``modified_by``); kept empty when the
    account is gone, and never followed back from the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
