"""Personal links for family members and for professionals without an Arki account: unguessable,
expiring, revocable, opened with a one-time code.

The code is the second factor and is delivered separately from the link: the coordinator tells
it by phone, or Arki sends it by text message to the holder's mobile number (``code_by_sms``).
A text message carries the code and its expiry only, never the link: the coordinator gives the
link on paper or by email, so that a lost phone alone does not open the plan. ``verify_code`` is the one place
that decides whether a link opens; a strong identification (Suomi.fi) can replace it by
implementing the same check against the participant's verified identity.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.clock import now_or
from core.db import Prepared, Run, objects_together
from core.errors import ValidationError
from family.models import FamilyLink
from networks.consent import participant_excluded
from networks.models import Network, NetworkStatus, Participant
from notifications.models import OutgoingSms
from notifications.services import send_sms
from notifications.sms import sms_available

if TYPE_CHECKING:
    from accounts.models import User

LINK_DAYS = 90
CODE_HOURS = 24
MAX_ATTEMPTS = 5
SESSION_MINUTES = 60


@dataclass(frozen=True)
class IssuedLink:
    link: FamilyLink
    token: str
    code: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


@transaction.atomic
def create_link(
    *,
    participant: Participant,
    by: User,
    code_by_sms: bool = False,
    now: datetime | None = None,
) -> IssuedLink:
    """A new personal link with its first code. The token and code are shown once, never stored.

    For a family member or everyday adult, and for a professional without an Arki account; a
    professional with an account signs in instead. With ``code_by_sms`` the code goes by text
    message (:func:`send_code_by_sms`) and the coordinator gives only the link."""
    if not (participant.kind.is_family or participant.user_id is None):
        raise ValidationError(
            _(
                "Personal links are for family members, everyday adults and professionals "
                "without an Arki account. A professional with an account signs in."
            )
        )
    if (
        participant.removed_at is not None
        or participant.network.status == NetworkStatus.CLOSED
        or participant_excluded(participant)
    ):
        raise ValidationError(_("The participant is no longer in an open network."))
    now = now_or(now)
    token = secrets.token_urlsafe(32)
    code = _new_code()
    link = FamilyLink.objects.create(
        participant=participant,
        token_hash=hash_token(token),
        created_by=by,
        expires_at=now + timedelta(days=LINK_DAYS),
        code_hash=make_password(code),
        code_expires_at=now + timedelta(hours=CODE_HOURS),
    )
    if code_by_sms:
        send_code_by_sms(participant=participant, code=code, now=now)
    return IssuedLink(link, token, code)


@transaction.atomic
def new_code(
    *, link: FamilyLink, by: User, code_by_sms: bool = False, now: datetime | None = None
) -> str:
    """A fresh one-time code; also unlocks a link locked by wrong codes. With ``code_by_sms``
    it goes by text message to the holder's mobile number (:func:`send_code_by_sms`)."""
    now = now_or(now)
    if link.revoked_at is not None or link.expires_at <= now:
        raise ValidationError(_("The link has been revoked or has expired. Create a new link."))
    if not link.participant_may_use:
        raise ValidationError(
            _("The participant is no longer in the network or their access has ended.")
        )
    code = _new_code()
    FamilyLink.objects.filter(pk=link.pk).update(
        code_hash=make_password(code),
        code_expires_at=now + timedelta(hours=CODE_HOURS),
        failed_attempts=0,
        locked_at=None,
        modified_by=by,
    )
    if code_by_sms:
        send_code_by_sms(participant=link.participant, code=code, now=now)
    return code


def send_code_by_sms(*, participant: Participant, code: str, now: datetime) -> None:
    """Send a one-time code to the participant's mobile number, in the network's language.

    The text has the code and its expiry only: no name, no topic and not the link (the code is
    the second factor; the link goes on paper or by email). A code is no personal data, so
    nothing is written to the disclosure log; the outbox keeps the delivery. Refused when the
    participant has no mobile number or the installation sends no text messages."""
    number = participant.mobile_number
    if not number:
        raise ValidationError(
            _("The participant has no mobile phone number. Tell them the code by phone.")
        )
    if not sms_available():
        raise ValidationError(_("Arki sends no text messages here. Tell them the code by phone."))
    expires = timezone.localtime(now + timedelta(hours=CODE_HOURS))
    with override(participant.network.family_language or "fi"):
        text = _(
            "Arki: your one-time code is %(code)s. It is valid until %(expires)s. Do not give "
            "it to anyone."
        ) % {"code": code, "expires": date_format(expires, "SHORT_DATETIME_FORMAT")}
    send_sms(number, text, purpose=OutgoingSms.Purpose.CODE, now=now)


def revoke(*, link: FamilyLink, by: User, now: datetime | None = None) -> None:
    FamilyLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=now_or(now), modified_by=by
    )


def revoke_links_on_access_end(
    sender: Any, *, participant: Participant, now: datetime | None = None, **kwargs: Any
) -> None:
    """``networks.extensions.participant_access_ended``: the participant's links end too."""
    revoke_links_of(participant, now=now)


def latest_links_reads(network: Network) -> list[Run]:
    """``networks.extensions.network_page``'s reads for :func:`latest_links`."""
    return [Run(_LATEST_LINKS, {"network": network.pk})]


def latest_links(network: Network, rows: list[list[FamilyLink]] | None = None) -> dict[str, Any]:
    """The network page's ``latest_link``: each participant's latest personal link (one row per
    participant, however many links each has been sent over the years). ``rows``: those of
    :func:`latest_links_reads`, read by the page (None: read here)."""
    links = rows[0] if rows is not None else objects_together(latest_links_reads(network))[0]
    return {"latest_link": {link.participant_id: link for link in links}}


_LATEST_LINKS = Prepared(
    lambda network: (
        FamilyLink.objects.filter(participant__network_id=network)
        .annotate(
            newest_first=Window(
                RowNumber(),
                partition_by=F("participant_id"),
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(newest_first=1)
        .order_by()
    ),
    network=int,
)


def revoke_links_of(participant: Participant, *, now: datetime | None = None) -> int:
    """Revoke every link of a participant who was removed or banned; returns how many."""
    return FamilyLink.objects.filter(participant=participant, revoked_at__isnull=True).update(
        revoked_at=now_or(now)
    )


def participant_may_use(participant: Participant) -> bool:
    """The participant is still in an open network and no removal, ban or withdrawal has ended
    them; a professional whose participation was linked to an Arki account signs in instead."""
    return (
        participant.removed_at is None
        and participant.network.status != NetworkStatus.CLOSED
        and (participant.kind.is_family or participant.user_id is None)
        and not participant_excluded(participant)
    )


# A link's participant read afresh on every use (FamilyLink.participant_may_use), compiled once.
_PARTICIPANT = Prepared(
    lambda pk: Participant.objects.filter(pk=pk).select_related("network", "kind"), pk=int
)


def participant_read_afresh(pk: int) -> Participant:
    """The participant as the database holds it now, with their network and kind."""
    participant: Participant = _PARTICIPANT.objects(pk=pk)[0]
    return participant


def holder_label(participant: Participant) -> str:
    """How the access log names the holder of a personal link, who has no account."""
    who = "family-member" if participant.kind.is_family else "outside-professional"
    return f"{who}:{participant.pk}"


# Every family page starts here: the lookup's SQL is compiled once per process. The network's
# programme and coordinator come with it (the plan shows both).
_LINK_BY_HASH = Prepared(
    lambda token_hash: (
        FamilyLink.objects.filter(token_hash=token_hash)
        .select_related(
            "participant",
            "participant__network__programme",
            "participant__network__coordinator",
            "participant__kind",
        )
        .order_by("pk")[:1]
    ),
    token_hash=str,
)


def find_link(token: str) -> FamilyLink | None:
    found = _LINK_BY_HASH.objects(token_hash=hash_token(token))
    return found[0] if found else None


class CodeResult:
    OPENED = "opened"
    WRONG = "wrong"
    LOCKED = "locked"
    UNUSABLE = "unusable"


@transaction.atomic
def verify_code(link: FamilyLink, code: str, *, now: datetime | None = None) -> str:
    """Check a one-time code. Five wrong codes lock the link; a right code is used up."""
    now = now_or(now)
    link = FamilyLink.objects.select_for_update().get(pk=link.pk)
    if not link.is_usable:  # also ends with the participant: removal, a ban, a withdrawal
        return CodeResult.LOCKED if link.locked_at else CodeResult.UNUSABLE
    fresh = link.code_hash and link.code_expires_at and link.code_expires_at > now
    if fresh and check_password(code.strip(), link.code_hash):
        FamilyLink.objects.filter(pk=link.pk).update(
            code_hash="", failed_attempts=0, last_opened_at=now
        )
        return CodeResult.OPENED
    FamilyLink.objects.filter(pk=link.pk).update(failed_attempts=F("failed_attempts") + 1)
    if link.failed_attempts + 1 >= MAX_ATTEMPTS:
        FamilyLink.objects.filter(pk=link.pk).update(locked_at=now)
        return CodeResult.LOCKED
    return CodeResult.WRONG
