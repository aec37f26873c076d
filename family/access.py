"""The family member's own rule: a personal link whose one-time code was verified in this session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils import timezone

from audit.access import PersonalRecord
from audit.models import Basis
from family.models import FamilyLink
from family.services import SESSION_MINUTES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

SESSION_KEY = "family_links"


def open_in_session(request: HttpRequest, link: FamilyLink) -> None:
    links = request.session.get(SESSION_KEY, {})
    until = timezone.now() + timedelta(minutes=SESSION_MINUTES)
    links[str(link.pk)] = until.isoformat()
    request.session[SESSION_KEY] = links
    request.session.cycle_key()


def is_open_in_session(request: HttpRequest, link: FamilyLink) -> bool:
    until = request.session.get(SESSION_KEY, {}).get(str(link.pk))
    return bool(until) and datetime.fromisoformat(until) > timezone.now() and link.is_usable


def family_link_bases(
    user: User | AnonymousUser, link: FamilyLink, request: HttpRequest | None = None
) -> frozenset[Basis]:
    """The family member's own link, once its one-time code was verified in this session."""
    if request is not None and is_open_in_session(request, link):
        return frozenset({Basis.FAMILY_LINK})
    return frozenset()


# Anyone may reach the code page; the plan itself needs a verified link.
FAMILY_LINK = PersonalRecord(name="family-link", anyone_may_ask=True)
