"""Who may see a professional's work contact details: anyone signed in, while they are listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit.access import PersonalRecord
from audit.models import Basis
from directory import selectors

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User


def directory_person_bases(
    user: User | AnonymousUser, person: User, request: HttpRequest | None = None
) -> frozenset[Basis]:
    """Any signed-in user may see the work contact details of a professional in the directory."""
    if user.is_authenticated and selectors.is_listed_professional(person):
        return frozenset({Basis.WORK_CONTACT})
    return frozenset()


DIRECTORY_PERSON = PersonalRecord(name="directory-person")
