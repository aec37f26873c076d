"""The family member's own rule. The record is their participation in the network; it opens in
this session through a personal link whose one-time code was verified, or through strong
identification (Suomi.fi) whose asserted identity code matches the participant's recorded one.

Both are rechecked on every request: a participant who was removed, banned or whose consent was
withdrawn, a closed network, a revoked or expired link, or an identity code the coordinator
forgot end access at once, also in a session that already opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from audit.access import PersonalRecord
from audit.models import Basis
from core.db import Prepared
from family.models import FamilyLink
from family.services import SESSION_MINUTES, participant_may_use
from networks.models import Participant

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

SESSION_KEY = "family_links"
IDENTITY_KEY = "family_identity"


def open_in_session(request: HttpRequest, link: FamilyLink) -> None:
    links = request.session.get(SESSION_KEY, {})
    until = timezone.now() + timedelta(minutes=SESSION_MINUTES)
    links[str(link.pk)] = until.isoformat()
    request.session[SESSION_KEY] = links
    request.session.cycle_key()


def opened_in_session(request: HttpRequest, link: FamilyLink) -> bool:
    """Whether this session verified the link's code and has not timed out; says nothing about
    whether the link is still usable (check :attr:`FamilyLink.is_usable` too)."""
    until = request.session.get(SESSION_KEY, {}).get(str(link.pk))
    return bool(until) and datetime.fromisoformat(until) > timezone.now()


def open_identity(request: HttpRequest, code_hash: str, name: str = "") -> None:
    """After a successful strong identification: the session holds the keyed hash of the
    asserted identity code (never the code) for ``SESSION_MINUTES``."""
    request.session.cycle_key()
    until = timezone.now() + timedelta(minutes=SESSION_MINUTES)
    request.session[IDENTITY_KEY] = {"hash": code_hash, "name": name, "until": until.isoformat()}


def close_identity(request: HttpRequest) -> None:
    request.session.pop(IDENTITY_KEY, None)
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def identity_in_session(request: HttpRequest) -> dict[str, str] | None:
    identity = request.session.get(IDENTITY_KEY)
    if not identity or datetime.fromisoformat(identity["until"]) <= timezone.now():
        return None
    return dict(identity)


def identified_participants(request: HttpRequest) -> list[Participant]:
    """Every participation the strongly identified person may open: family members of open
    networks whose recorded identity code matches, and whose access has not ended."""
    identity = identity_in_session(request)
    if identity is None or not identity["hash"]:
        return []
    return participations_of(identity["hash"])


def participations_of(code_hash: str) -> list[Participant]:
    """The participations whose recorded identity code has this keyed hash and which may still
    be used (also asked at sign-in, before the session opens: an unknown person is refused)."""
    candidates = Participant.objects.filter(
        identity_code_hash=code_hash, removed_at__isnull=True, kind__is_family=True
    ).select_related("network", "network__programme", "kind")
    return [participant for participant in candidates if participant_may_use(participant)]


# The participant's links among those opened in the session, compiled once (every family page).
_OPENED_LINKS = Prepared(
    lambda participant, opened: FamilyLink.objects.filter(
        participant_id=participant, pk__any_of=opened
    ),
    participant=int,
    opened=list,
)


def family_member_bases(
    user: User | AnonymousUser, participant: Participant, request: HttpRequest | None = None
) -> frozenset[Basis]:
    """The participant's own pages: strong identification matching their recorded code, or one
    of their personal links opened with its code in this session."""
    if request is None or not participant_may_use(participant):
        return frozenset()
    held: set[Basis] = set()
    identity = identity_in_session(request)
    if (
        identity is not None
        and participant.identity_code_hash
        and participant.kind.is_family
        and identity["hash"] == participant.identity_code_hash
    ):
        held.add(Basis.STRONG_IDENTIFICATION)
    opened = [int(pk) for pk in request.session.get(SESSION_KEY, {})]
    if opened:
        links = _OPENED_LINKS.objects(participant=participant.pk, opened=opened)
        # The participant may still use their links (checked above, once): each link itself
        # must be live and opened in this session.
        if any(link.is_live and opened_in_session(request, link) for link in links):
            held.add(Basis.FAMILY_LINK)
    return frozenset(held)


# Anyone may reach the code page; the plan itself needs a verified link or identification.
FAMILY_LINK = PersonalRecord(name="family-link", anyone_may_ask=True)


@dataclass(frozen=True)
class Door:
    """How the family member came in: a personal link (``token``) or strong identification.
    The pages' own links keep to the same door."""

    participant: Participant
    token: str | None = None
    link: FamilyLink | None = None

    def url(self, name: str, *args: object) -> str:
        if self.token is not None:
            return reverse(f"family:{name}", args=[self.token, *args])
        return reverse(f"family:me_{name}", args=[self.participant.pk, *args])

    @property
    def identified(self) -> bool:
        return self.token is None
