"""The verbs of signing in: security events, remembered sessions, deactivation, device reset,
and the security event of a role granted."""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    PERSONAL_DATA_ROLES,
    Membership,
    SecurityEvent,
    SecurityEventKind,
    User,
    UserSession,
)


def email_hash(email: str) -> str:
    """sha256 of the lower-cased address: groups repeated attempts without keeping the address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, or None when it is missing or malformed."""
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def record_security_event(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: User | Any | None = None,
    actor: User | Any | None = None,
    attempted_email: str = "",
    details: dict[str, str] | None = None,
) -> SecurityEvent:
    """Write one security-event row: the only place that writes to the security events log.

    ``attempted_email`` is hashed, never stored; pass it only for failed or locked-out sign-ins.
    ``details`` fills the role and scope of a granted role.
    """
    if kind not in SecurityEventKind.values:
        raise ValueError(f"unknown security event kind {kind!r}")
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and getattr(user, "pk", None) else None,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        email_hash=email_hash(attempted_email) if attempted_email else "",
        ip_address=client_ip(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
        **(details or {}),
    )


# Who is changing things in this request (the admin site sets it around every admin view), so
# that a membership saved by any path – an admin inline, a script – is logged with its author.
_acting: ContextVar[tuple[User | None, HttpRequest | None]] = ContextVar(
    "arki_acting", default=(None, None)
)


@contextmanager
def acting_as(user: User | None, request: HttpRequest | None = None) -> Iterator[None]:
    """Attribute the memberships saved inside the block to ``user`` (and ``request``)."""
    token = _acting.set((user, request))
    try:
        yield
    finally:
        _acting.reset(token)


def record_membership_grant(membership: Membership) -> SecurityEvent | None:
    """Log a role that opens personal data being given (or a membership changed into one).

    Called for every saved membership (``accounts.signals``); other roles are not logged.
    The actor is whoever ``acting_as`` names: None for scripts and management commands.
    """
    if membership.role not in PERSONAL_DATA_ROLES:
        return None
    actor, request = _acting.get()
    return record_security_event(
        SecurityEventKind.MEMBERSHIP_GRANTED,
        request=request,
        user=membership.user,
        actor=actor,
        details={"role": membership.role, "scope": membership.scope[:300]},
    )


def record_membership_removal(membership: Membership) -> SecurityEvent | None:
    """Log a role that opened personal data being taken away (by hand, or because the identity
    provider's groups no longer give it). Other roles are not logged, as with grants."""
    if membership.role not in PERSONAL_DATA_ROLES:
        return None
    actor, request = _acting.get()
    return record_security_event(
        SecurityEventKind.MEMBERSHIP_REMOVED,
        request=request,
        user=membership.user,
        actor=actor,
        details={"role": membership.role, "scope": membership.scope[:300]},
    )


# Session keys of the session clock (accounts.middleware.SessionTimeoutMiddleware).
SIGNED_IN_AT = "arki_signed_in_at"
LAST_ACTIVITY = "arki_last_activity"


def start_session_clock(session: SessionBase) -> None:
    """Start the idle and absolute limits of a session from now (at sign-in)."""
    session[SIGNED_IN_AT] = session[LAST_ACTIVITY] = time.time()


def remember_session(user: User, session_key: str | None) -> None:
    """Note that ``user`` signed in to this session so that it can be ended with the account."""
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def forget_session(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def end_sessions(user: User) -> int:
    """Delete every session ``user`` signed in to; returns how many were ended."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def deactivate_user(user: User, by: User | None, request: HttpRequest | None = None) -> None:
    """Take an account out of use and sign it out everywhere at once.

    Safe to call for an already inactive account (the admin form may have cleared the flag).
    """
    if by is not None and by.pk == user.pk:
        raise ValueError("an administrator cannot deactivate their own account")
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    end_sessions(user)
    record_security_event(SecurityEventKind.USER_DEACTIVATED, request=request, user=user, actor=by)


@transaction.atomic
def reset_two_factor(user: User, by: User | None, request: HttpRequest | None = None) -> int:
    """Remove the user's authenticator devices; they set up a new one at their next sign-in."""
    removed: int
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    record_security_event(SecurityEventKind.OTP_DEVICE_RESET, request=request, user=user, actor=by)
    return removed


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice:
    """The device being set up: the same secret until confirmed, so a reload keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Arki", confirmed=False)
    return device


def verify_code(request: HttpRequest, device: TOTPDevice, code: str) -> bool | None:
    """Check a code against ``device`` with django-otp's throttling; log the outcome.

    Returns True (verified: the session now counts as verified), False (wrong code) or
    None (too many wrong codes: try again after the pause). A first correct code confirms a
    device being set up.
    """
    user = request.user
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user_id=user.pk)
        allowed, _ = locked.verify_is_allowed()
        verified = allowed and locked.verify_token(code)
        if not verified:
            record_security_event(SecurityEventKind.OTP_FAILED, request=request, user=user)
            return None if not allowed else False
        if not locked.confirmed:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            # One authenticator per user: drop any other device left from earlier attempts.
            TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=locked.pk).delete()
            record_security_event(
                SecurityEventKind.OTP_DEVICE_CONFIRMED, request=request, user=user
            )
    django_otp.login(request, locked)
    record_security_event(SecurityEventKind.OTP_VERIFIED, request=request, user=user)
    return True


def update_own_details(*, user: User, phone: str, phone_hours: str) -> User:
    """The user's own phone number and the hours they answer it (shown on the plans of the
    families they coordinate)."""
    user.phone, user.phone_hours = phone.strip(), phone_hours.strip()
    user.save(update_fields=["phone", "phone_hours"])
    return user
