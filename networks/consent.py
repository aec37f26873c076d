"""Consent, disclosure bans and break-glass access: who may still see a network, and why.

* A family's consent to share information between the participants (scope ``share``) can be
  withdrawn at once: from the next request on, only the network's coordinators see it; the
  other participants are told by email (no names in it).
* A withdrawn memo consent (scope ``memo``) stops the memo's distribution (PDF, email).
* A ban on disclosing to a named party (a participant, or a whole service) ends that party's
  access and keeps them out of invitations, reminders and memos.
* Break-glass: a coordinator or professional without a need-to-know basis may open a network
  for a limited time by giving a reason; every use is logged and the grant is reviewed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Role
from core.errors import ValidationError
from networks.models import (
    BreakGlassGrant,
    ConsentRecord,
    ConsentScope,
    DisclosureBan,
    Network,
    Participant,
)
from notifications.services import send_email

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


def _bans_for(user: Any) -> Any:
    services = user.positions.values("service_id") if hasattr(user, "positions") else []
    return DisclosureBan.objects.filter(lifted_at__isnull=True).filter(
        Q(participant__user=user) | Q(service_id__in=services)
    )


def banned_q(user: Any) -> Q:
    """Networks in which the client has banned disclosing to this user (or their service)."""
    return Q(Exists(_bans_for(user).filter(network=OuterRef("pk"))))


def access_ended(user: Any, network: Network) -> bool:
    """Has consent withdrawal or a ban ended this user's non-coordinator access?"""
    return (
        is_withdrawn(network, ConsentScope.SHARE)
        or _bans_for(user).filter(network=network).exists()
    )


def participant_excluded(participant: Participant) -> bool:
    """Is this participant no longer to receive the network's data (invitations, memos)?"""
    network = participant.network
    bans = network.bans.filter(lifted_at__isnull=True)
    if bans.filter(Q(participant=participant) | Q(service_id=participant.service_id or 0)).exists():
        return True
    if participant.kind.is_family:
        return False  # the family's own information is theirs
    if participant.user_id is not None and participant.user_id == network.coordinator_id:
        return False
    return is_withdrawn(network, ConsentScope.SHARE)


def memo_stopped(network: Network) -> bool:
    return is_withdrawn(network, ConsentScope.MEMO) or is_withdrawn(network, ConsentScope.SHARE)


# --- the verbs ---------------------------------------------------------------------------------


def record_consent(
    *, network: Network, by: Any, scope: str, given_by: str, given_how: str, given_at: datetime
) -> ConsentRecord:
    if not given_by.strip():
        raise ValidationError({"given_by": _("Write who gave the consent.")})
    if given_at > timezone.now():
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
def withdraw_consent(*, consent: ConsentRecord, by: Any, how: str) -> ConsentRecord:
    """Withdraw at once; tell the other participants that their access has ended."""
    consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("The consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_how = how
    consent.withdrawn_recorded_by = by
    consent.save(update_fields=["withdrawn_at", "withdrawn_how", "withdrawn_recorded_by"])
    network = consent.network
    if is_withdrawn(network, consent.scope):
        _tell_participants(network, consent.scope, by)
    return consent


def _tell_participants(network: Network, scope: str, by: Any) -> None:
    for participant in network.participants.filter(removed_at__isnull=True).select_related(
        "user", "kind"
    ):
        if not participant.email or participant.kind.is_family or participant.user_id == by.pk:
            continue
        language = participant.user.preferred_language if participant.user else "fi"
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


def ban_disclosure(
    *,
    network: Network,
    by: Any,
    requested_by: str,
    participant: Participant | None = None,
    service: Any = None,
    reason: str = "",
) -> DisclosureBan:
    if participant is None and service is None:
        raise ValidationError(_("Choose the participant or the service the ban concerns."))
    if participant is not None and participant.network_id != network.pk:
        raise ValidationError({"participant": _("Choose a participant of this network.")})
    if not requested_by.strip():
        raise ValidationError({"requested_by": _("Write who asked for the ban.")})
    return DisclosureBan.objects.create(
        network=network,
        participant=participant,
        service=service,
        requested_by=requested_by.strip(),
        reason=reason.strip(),
        recorded_by=by,
    )


def lift_ban(*, ban: DisclosureBan, by: Any) -> DisclosureBan:
    if ban.lifted_at is None:
        ban.lifted_at, ban.lifted_by = timezone.now(), by
        ban.save(update_fields=["lifted_at", "lifted_by"])
    return ban


def banned_service_ids(network: Network) -> set[int]:
    return set(
        network.bans.filter(lifted_at__isnull=True, service__isnull=False).values_list(
            "service_id", flat=True
        )
    )


# --- break-glass -------------------------------------------------------------------------------


def may_break_glass(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_any_role(BREAK_GLASS_ROLES))


def grant_break_glass(*, network: Network, user: Any, reason: str) -> BreakGlassGrant:
    if not may_break_glass(user):
        raise ValidationError(_("Only coordinators and professionals can use emergency access."))
    if len(reason.strip()) < MIN_REASON:
        raise ValidationError(
            {"reason": _("Explain why you need the information now (at least 20 characters).")}
        )
    return BreakGlassGrant.objects.create(
        network=network,
        user=user,
        reason=reason.strip(),
        expires_at=timezone.now() + timedelta(hours=BREAK_GLASS_HOURS),
    )


def has_break_glass(user: Any, network: Network) -> bool:
    return BreakGlassGrant.objects.filter(
        network=network, user_id=user.pk, expires_at__gt=timezone.now()
    ).exists()


def review_break_glass(*, grant: BreakGlassGrant, by: Any, note: str) -> BreakGlassGrant:
    if grant.user_id == by.pk:
        raise ValidationError(_("Someone else must review your own emergency access."))
    grant.reviewed_at, grant.reviewed_by, grant.review_note = timezone.now(), by, note.strip()
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    return grant
