"""Reads of the accounts app."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from accounts.models import SecurityEvent, SecurityEventKind, User
from core.db import Prepared, Run, objects_together

_USER = Prepared(lambda user: User.objects.filter(pk=user), user=int)


def signed_in_user(pk: Any) -> User | None:
    """The user a request's session names, with their memberships (read in one wait and kept
    as ``User.roles`` keeps them); None if there is no such user. A sign-in backend's
    ``get_user``: it does not check whether the user may sign in."""
    try:
        users, memberships = objects_together(
            [Run(_USER, {"user": int(pk)}), User.memberships_read_of(int(pk))]
        )
    except (TypeError, ValueError):  # not a number, or one no database integer holds
        return None
    if not users:
        return None
    user: User = users[0]
    user.keep_memberships(memberships)
    return user


def role_grants(*, only_self_granted: bool = False) -> QuerySet[SecurityEvent]:
    """Roles that open personal data, as they were granted, newest first."""
    rows = SecurityEvent.objects.filter(kind=SecurityEventKind.MEMBERSHIP_GRANTED)
    if only_self_granted:
        rows = rows.filter(actor_id=F("user_id"))
    return rows.select_related("user", "actor").order_by("-at", "-id")
