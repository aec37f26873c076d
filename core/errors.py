"""Errors the services raise for the views to show in the user's language."""

from django.core.exceptions import ValidationError


class StaleEdit(Exception):
    """Someone else saved the record after this user opened it; nothing was written."""


__all__ = ["StaleEdit", "ValidationError"]
