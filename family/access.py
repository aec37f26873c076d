"""The family member's own rule: a personal link whose one-time code was verified in this session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from audit.access import PersonalRecord
from family.models import FamilyLink
from family.services import SESSION_MINUTES

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


def family_basis(user: Any, subject: Any) -> str | None:
    """The view marks the network as opened through a verified link before asking."""
    return "family-link" if getattr(subject, "opened_by_family_link", False) else None


class FamilyLinkRule(PersonalRecord):
    """Anyone may reach the code page; the plan itself needs a verified link."""

    def allows_user(self, user: Any) -> bool:
        return True


FAMILY_LINK = FamilyLinkRule(name="family-link", decide=family_basis)
