"""Who may see a professional's work contact details: anyone signed in, while they are listed."""

from __future__ import annotations

from typing import Any

from audit.access import PersonalRecord
from audit.policy import Basis
from directory import selectors


def directory_person_bases(user: Any, person: Any, request: Any = None) -> frozenset[Basis]:
    """Any signed-in user may see the work contact details of a professional in the directory."""
    if getattr(user, "is_authenticated", False) and selectors.is_listed_professional(person):
        return frozenset({Basis.WORK_CONTACT})
    return frozenset()


DIRECTORY_PERSON = PersonalRecord(name="directory-person")
