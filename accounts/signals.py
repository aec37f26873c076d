"""Security events from Django's and django-axes' sign-in signals and from saved memberships
(true side effects: a log row)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import Membership, SecurityEventKind
from accounts.services import (
    forget_session,
    record_membership_grant,
    record_security_event,
    remember_session,
    start_session_clock,
)

if TYPE_CHECKING:
    from accounts.models import User


def _account_for(email: str) -> User | None:
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email.strip()).first()


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)
        if request.session.session_key is None:
            # login() flushed another user's session: create the new one now to remember it.
            request.session.save()
        remember_session(user, request.session.session_key)
    record_security_event(SecurityEventKind.SIGNED_IN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        forget_session(request.session.session_key)
    if user is not None:
        record_security_event(SecurityEventKind.SIGNED_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = str(credentials.get("username") or credentials.get("email") or "")
    record_security_event(
        SecurityEventKind.SIGN_IN_FAILED,
        request=request,
        user=_account_for(email),
        attempted_email=email,
    )


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    email = username or ""
    record_security_event(
        SecurityEventKind.LOCKED_OUT,
        request=request,
        user=_account_for(email),
        attempted_email=email,
    )


GRANT_FIELDS = ("role", "area_id", "programme_id", "organisation_id")


@receiver(pre_save, sender=Membership, dispatch_uid="accounts.membership_before")
def membership_before(sender: Any, instance: Membership, **kwargs: Any) -> None:
    # What the row granted before this save, to log only a grant that is new.
    previous = None
    if instance.pk is not None and not kwargs.get("raw"):
        previous = Membership.objects.filter(pk=instance.pk).values_list(*GRANT_FIELDS).first()
    instance._granted_before = previous  # type: ignore[attr-defined]


@receiver(post_save, sender=Membership, dispatch_uid="accounts.membership_granted")
def membership_granted(sender: Any, instance: Membership, raw: bool, **kwargs: Any) -> None:
    if raw:  # loading a fixture
        return
    now = tuple(getattr(instance, field) for field in GRANT_FIELDS)
    if getattr(instance, "_granted_before", None) != now:
        record_membership_grant(instance)
