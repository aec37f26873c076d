"""Consent, disclosure bans and break-glass access: who may still see a network, and why.

* A family's consent to share information between the participants (scope ``share``) can be
  withdrawn at once: from the next request on, only the network's coordinators see it; the
  other participants are told by email (no names in it).
* A withdrawn memo consent (scope ``memo``) stops the memo's distribution (PDF, email).
* A ban on disclosing to a named party (a participant, or a whole service) ends that party's
  access and keeps them out of invitations, reminders and memos.
* Break-glass: a coordinator or professional without a need-to-know basis may open a network
  for a limited time by giving a reason; every use is logged, the data protection officers are
  told at once and the grant is reviewed. A person a ban names cannot use it on that network.

What ends must end everywhere at once: every path that shows or sends a network to a
participant (pages, "my promises", reminders, meeting and feedback invitations, memos, family
links) asks the one predicate :func:`participant_excluded` (or filters by
:func:`excluded_participants_q`), so a removal, ban or withdrawal reaches all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from audit.roles import Role
from core.clock import now_or
from core.db import Prepared, Run
from core.errors import ValidationError
from directory.models import Position
from networks.extensions import participant_access_ended
from networks.models import (
    BreakGlassGrant,
    ConsentRecord,
    ConsentScope,
    DisclosureBan,
    Network,
    Participant,
)
from notifications.services import send_email

if TYPE_CHECKING:
    from accounts.models import User
    from directory.models import Service

BREAK_GLASS_HOURS = 2
BREAK_GLASS_ROLES = (Role.COORDINATOR, Role.PROFESSIONAL)
MIN_REASON = 20


# --- the state ---------------------------------------------------------------------------------


def withdrawn_q(scope: str) -> Q:
    """Networks whose consent of ``scope`` is withdrawn: consents of the scope were recorded
    and none of them is still in force."""
    recorded = ConsentRecord.objects.filter(network=OuterRef("pk"), scope=scope)
    in_force = recorded.filter(withdrawn_at__isnull=True)
    return Q(Exists(recorded)) & ~Q(Exists(in_force))


def is_withdrawn(network: Network, scope: str) -> bool:
    scopes = list(network.consents.filter(scope=scope).values_list("withdrawn_at", flat=True))
    return bool(scopes) and all(withdrawn is not None for withdrawn in scopes)


def _bans_for(user: User) -> QuerySet[DisclosureBan]:
    services = user.positions.values("service_id") if hasattr(user, "positions") else []
    return DisclosureBan.objects.filter(lifted_at__isnull=True).filter(
        Q(participant__user=user) | Q(service_id__in=services)
    )


def banned_q(user: User) -> Q:
    """Networks in which the client has banned disclosing to this user (or their service)."""
    return Q(Exists(_bans_for(user).filter(network=OuterRef("pk"))))


def access_ended(user: User, network: Network) -> bool:
    """Has consent withdrawal or a ban ended this user's non-coordinator access?"""
    return (
        is_withdrawn(network, ConsentScope.SHARE)
        or _bans_for(user).filter(network=network).exists()
    )


# The child or client and their guardians: the family's information is their own, so a
# withdrawal of the consent to share does not end their access. Every other participant, an
# everyday adult or a close one included, is in the network by the family's consent.
OWN_FAMILY_KINDS = frozenset({"parent", "child", "client"})


def excluded_participants_q() -> Q:
    """Participants who may no longer see or receive anything of their network (a filter on
    :class:`Participant`): removed; named by a ban on the participant, on the same person in
    another participant row, or on any service the person or the row belongs to; or, once the
    family has withdrawn their consent to share, everyone but the family and the coordinator."""
    bans = DisclosureBan.objects.filter(network=OuterRef("network"), lifted_at__isnull=True)
    person_services = Position.objects.filter(user=OuterRef(OuterRef("user"))).values("service")
    banned = Exists(
        bans.filter(
            Q(participant=OuterRef("pk"))
            | Q(service=OuterRef("service"))
            | Q(participant__user=OuterRef("user"))
            | Q(service__in=person_services)
        )
    )
    share = ConsentRecord.objects.filter(network=OuterRef("network"), scope=ConsentScope.SHARE)
    withdrawn = Exists(share) & ~Exists(share.filter(withdrawn_at__isnull=True))
    own_family = Q(kind__is_family=True, kind__code__in=OWN_FAMILY_KINDS)
    coordinator = Q(user__isnull=False, user=F("network__coordinator"))
    # Never NULL for any row (excluded_in takes its complement in Python, receiving() in SQL).
    return Q(removed_at__isnull=False) | Q(banned) | (Q(withdrawn) & ~own_family & ~coordinator)


def _excluded_where(field: str) -> Prepared:
    """The keys of the excluded participants whose ``field`` is the one value asked for,
    compiled once per process (core.db.Prepared): the predicate's nested subqueries cost more to
    compile than to run, and a family link asks it on every request."""
    return Prepared(
        lambda value: (
            Participant.objects.filter(**{field: value})
            .filter(excluded_participants_q())
            .order_by()
            .values_list("pk")
        ),
        value=int,
    )


_EXCLUDED_ONE = _excluded_where("pk")
_EXCLUDED_IN_NETWORK = _excluded_where("network_id")


def participant_excluded(participant: Participant) -> bool:
    """Is this participant no longer to see or receive the network's data? The one predicate
    for invitations, reminders, memos, feedback invitations, "my promises" and family links."""
    return bool(_EXCLUDED_ONE.rows(value=participant.pk))


def excluded_in(network: Network) -> set[int]:
    """The participants of a network (removed ones included) that :func:`participant_excluded`
    names: for a page that already holds the participants and filters them in memory."""
    return excluded_from(_EXCLUDED_IN_NETWORK.rows(value=network.pk))


def excluded_in_read(network: Network) -> Run:
    """:func:`excluded_in`'s read, for a page that reads it with others (``as_rows``); its rows
    go to :func:`excluded_from`."""
    return Run(_EXCLUDED_IN_NETWORK, {"value": network.pk}, as_rows=True)


def excluded_from(rows: Iterable[tuple[Any, ...]]) -> set[int]:
    return {pk for (pk,) in rows}


def receiving(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """The participants of a queryset who may still see and receive their network's data."""
    return participants.filter(~excluded_participants_q())


def memo_stopped(network: Network, rows: list[tuple[Any, ...]] | None = None) -> bool:
    """The memo's consent or the consent to share is withdrawn (:func:`is_withdrawn` of either
    scope), read in one query (``rows``: those of :func:`memo_stopped_read`, read by a page
    with its others; None: read here)."""
    if rows is None:
        rows = _MEMO_CONSENTS.rows(network=network.pk)
    scopes: dict[str, list[datetime | None]] = {}
    for scope, withdrawn in rows:
        scopes.setdefault(scope, []).append(withdrawn)
    return any(all(withdrawn is not None for withdrawn in found) for found in scopes.values())


def memo_stopped_read(network: Network) -> Run:
    """The read of :func:`memo_stopped`, to read with a page's other reads."""
    return Run(_MEMO_CONSENTS, {"network": network.pk}, as_rows=True)


_MEMO_CONSENTS = Prepared(
    lambda network: ConsentRecord.objects.filter(
        network_id=network, scope__in=[ConsentScope.MEMO, ConsentScope.SHARE]
    ).values_list("scope", "withdrawn_at"),
    network=int,
)


# --- the verbs ---------------------------------------------------------------------------------


def record_consent(
    *,
    network: Network,
    by: User,
    scope: str,
    given_by: str,
    given_how: str,
    given_at: datetime,
    now: datetime | None = None,
) -> ConsentRecord:
    if not given_by.strip():
        raise ValidationError({"given_by": _("Write who gave the consent.")})
    if given_at > now_or(now):
        raise ValidationError({"given_at": _("The consent cannot be given in the future.")})
    return ConsentRecord.objects.create(
        network=network,
        scope=scope,
        given_by=given_by.strip(),
        given_how=given_how,
        given_at=given_at,
        recorded_by=by,
    )


@transaction.atomic
def withdraw_consent(
    *, consent: ConsentRecord, by: User, how: str, now: datetime | None = None
) -> ConsentRecord:
    """Withdraw at once; tell the participants whose access (or memo) the withdrawal ended."""
    consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("The consent was already withdrawn."))
    network = consent.network
    before = set(receiving(network.participants.all()).values_list("pk", flat=True))
    consent.withdrawn_at = now_or(now)
    consent.withdrawn_how = how
    consent.withdrawn_recorded_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_how", "withdrawn_recorded_by"])
    if is_withdrawn(network, consent.scope):
        if consent.scope == ConsentScope.SHARE:
            told = before - set(receiving(network.participants.all()).values_list("pk", flat=True))
        else:  # the memo goes to the professionals who still take part
            told = before - set(
                network.participants.filter(kind__is_family=True).values_list("pk", flat=True)
            )
        _tell_participants(network, consent.scope, by, told)
    return consent


def _tell_participants(network: Network, scope: str, by: User, told: set[int]) -> None:
    for participant in network.participants.filter(pk__in=told).select_related("user", "kind"):
        if not participant.email or participant.user_id == by.pk:
            continue
        language = (
            participant.user.preferred_language if participant.user else network.family_language
        )
        with override(language):
            subject = _("Arki: network %(number)s – consent withdrawn") % {"number": network.pk}
            if scope == ConsentScope.SHARE:
                body = _(
                    "The family has withdrawn their consent to share information in network "
                    "%(number)s. Your access to the network's information has ended. Do not use "
                    "or pass on what you received; the coordinator will be in touch."
                ) % {"number": network.pk}
            else:
                body = _(
                    "The family has withdrawn their consent to send the memo of network "
                    "%(number)s. Do not pass on memos you have received."
                ) % {"number": network.pk}
        send_email(to=[participant.email], subject=subject, body=body)


@transaction.atomic
def ban_disclosure(
    *,
    network: Network,
    by: User,
    requested_by: str,
    participant: Participant | None = None,
    service: Service | None = None,
    reason: str = "",
) -> DisclosureBan:
    if participant is None and service is None:
        raise ValidationError(_("Choose the participant or the service the ban concerns."))
    if participant is not None and participant.network_id != network.pk:
        raise ValidationError({"participant": _("Choose a participant of this network.")})
    if not requested_by.strip():
        raise ValidationError({"requested_by": _("Write who asked for the ban.")})
    ban = DisclosureBan.objects.create(
        network=network,
        participant=participant,
        service=service,
        requested_by=requested_by.strip(),
        reason=reason.strip(),
        recorded_by=by,
    )
    if participant is not None:
        # The ban already ends the link (the link checks its participant every time); revoking
        # it too means lifting the ban later does not bring an old link back.
        participant_access_ended.send(Participant, participant=participant, now=None)
    return ban


def lift_ban(*, ban: DisclosureBan, by: User, now: datetime | None = None) -> DisclosureBan:
    if ban.lifted_at is None:
        ban.lifted_at, ban.lifted_by = now_or(now), by
        ban.save(update_fields=["lifted_at", "lifted_by"])
    return ban


def banned_service_ids(network: Network) -> set[int]:
    return set(
        network.bans.filter(lifted_at__isnull=True, service__isnull=False).values_list(
            "service_id", flat=True
        )
    )


# --- break-glass -------------------------------------------------------------------------------


BREAK_GLASS_REFUSED = "break-glass-refused"


def may_break_glass(user: User) -> bool:
    return bool(user.is_authenticated and user.has_any_role(BREAK_GLASS_ROLES))


@transaction.atomic
def grant_break_glass(
    *, network: Network | None, user: User, reason: str, now: datetime | None = None
) -> BreakGlassGrant:
    """Open the network for two hours; the data protection officers are told at once.

    ``network`` is None when no network has the number asked for. That number is refused with
    exactly the words a network the user may not open is refused with (a ban names them), so
    the form reveals neither which numbers exist nor that a ban does.
    """
    if not may_break_glass(user):
        raise ValidationError(_("Only coordinators and professionals can use emergency access."))
    if len(reason.strip()) < MIN_REASON:
        raise ValidationError(
            {"reason": _("Explain why you need the information now (at least 20 characters).")}
        )
    if network is None or _bans_for(user).filter(network=network).exists():
        raise ValidationError(
            _(
                "Emergency access cannot be used for this network number. Check the number; if "
                "it is right, contact the coordinator of the child's or client's area."
            ),
            code=BREAK_GLASS_REFUSED,
        )
    grant = BreakGlassGrant.objects.create(
        network=network,
        user=user,
        reason=reason.strip(),
        expires_at=now_or(now) + timedelta(hours=BREAK_GLASS_HOURS),
    )
    _tell_data_protection_officers(grant)
    return grant


def data_protection_officers(network: Network) -> list[User]:
    """The officers of the network's area and programme (or of all of them); if the county has
    named none for it, every data protection officer, so no emergency access goes untold."""
    from accounts.models import User

    officers = User.objects.filter(
        is_active=True, memberships__role=Role.DATA_PROTECTION_OFFICER
    ).exclude(email="")
    scoped = officers.filter(
        Q(memberships__area__isnull=True) | Q(memberships__area=network.area_id),
        Q(memberships__programme__isnull=True) | Q(memberships__programme=network.programme_id),
        memberships__role=Role.DATA_PROTECTION_OFFICER,
    ).distinct()
    return list(scoped) or list(officers.distinct())


def _tell_data_protection_officers(grant: BreakGlassGrant) -> None:
    """Who, which network and when; no names of the family and not the reason, which may
    describe them: the officer reads the reason in Arki's review list."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.formats import date_format

    url = settings.ARKI_BASE_URL.rstrip("/") + reverse("audit:break_glass")
    for officer in data_protection_officers(grant.network):
        with override(officer.preferred_language or "fi"):
            subject = _("Arki: emergency access to network %(number)s") % {
                "number": grant.network_id
            }
            body = _(
                "%(who)s opened network %(number)s with emergency access on %(when)s. The access "
                "ends on %(until)s. The reason and everything opened during the access are in "
                "the emergency access review:\n\n%(url)s"
            ) % {
                "who": grant.user.get_full_name() or grant.user.email,
                "number": grant.network_id,
                "when": date_format(timezone.localtime(grant.granted_at), "DATETIME_FORMAT"),
                "until": date_format(timezone.localtime(grant.expires_at), "DATETIME_FORMAT"),
                "url": url,
            }
        send_email(to=[officer.email], subject=subject, body=body)


def tell_officers_of_refused_break_glass(network: Network, user: User) -> None:
    """A person a ban names tried emergency access to that network: the officers are told at
    once (the attempt itself is in the access log as a refusal)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.formats import date_format

    url = settings.ARKI_BASE_URL.rstrip("/") + reverse("audit:search")
    for officer in data_protection_officers(network):
        with override(officer.preferred_language or "fi"):
            subject = _("Arki: emergency access to network %(number)s refused") % {
                "number": network.pk
            }
            body = _(
                "%(who)s tried to open network %(number)s with emergency access on %(when)s and "
                "was refused: a ban on disclosure names them or their service. The attempt is in "
                "the access log as a refusal:\n\n%(url)s"
            ) % {
                "who": user.get_full_name() or user.email,
                "number": network.pk,
                "when": date_format(timezone.localtime(), "DATETIME_FORMAT"),
                "url": url,
            }
        send_email(to=[officer.email], subject=subject, body=body)


def has_break_glass(user: User, network: Network, *, now: datetime | None = None) -> bool:
    """An unexpired grant, unless a ban has since named the user or their service."""
    return (
        BreakGlassGrant.objects.filter(
            network=network, user_id=user.pk, expires_at__gt=now_or(now)
        ).exists()
        and not _bans_for(user).filter(network=network).exists()
    )


def review_break_glass(
    *, grant: BreakGlassGrant, by: User, note: str, now: datetime | None = None
) -> BreakGlassGrant:
    if grant.user_id == by.pk:
        raise ValidationError(_("Someone else must review your own emergency access."))
    grant.reviewed_at, grant.reviewed_by, grant.review_note = now_or(now), by, note.strip()
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    return grant
