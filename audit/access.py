"""The one access-control check and the one access-log path.

Every view declares its rule with ``@access_rule(...)``; a test walks all URL
patterns and fails on a view without one. A rule first decides whether the
user may reach the view at all. A rule that guards a person's data is
*personal*: the view must then call :func:`require_access` with the record it
is about to show or change, which decides on what basis (if any) this user may
act on that record and writes an access-log row either way. A personal view
that answers without calling it is a programming error and fails loudly.

Code that reads a person's data outside a request (tasks, commands) writes its
row with :func:`record_access`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpResponseBase

from audit import policy
from audit.models import AccessLog, Basis, DisclosureLog
from audit.policy import Permission
from core.http import PublicRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])
M = TypeVar("M", bound=models.Model)


class Rule(Protocol):
    """An access rule: a name for docs and logs, a gate, and a basis per record."""

    @property
    def name(self) -> str: ...

    @property
    def personal(self) -> bool: ...

    def allows_user(self, user: User | AnonymousUser) -> bool: ...

    def basis_for(self, user: User | AnonymousUser, subject: models.Model) -> str | None: ...


@dataclass(frozen=True)
class Public:
    """Anyone, signed in or not. Never shows a person's data."""

    name: str = "public"
    personal: bool = False

    def allows_user(self, user: User | AnonymousUser) -> bool:
        return True

    def basis_for(self, user: User | AnonymousUser, subject: models.Model) -> str | None:
        return None


@dataclass(frozen=True)
class SignedIn:
    """Any active signed-in user; shows no person's data."""

    name: str = "signed-in"
    personal: bool = False

    def allows_user(self, user: User | AnonymousUser) -> bool:
        return bool(user.is_authenticated and user.is_active)

    def basis_for(self, user: User | AnonymousUser, subject: models.Model) -> str | None:
        return None


@dataclass(frozen=True)
class HasRole:
    """A signed-in user holding one of the roles; shows no person's data."""

    roles: tuple[str, ...]
    personal: bool = False

    @property
    def name(self) -> str:
        return "role:" + "|".join(self.roles)

    def allows_user(self, user: User | AnonymousUser) -> bool:
        return bool(user.is_authenticated and user.is_active and user.has_any_role(self.roles))

    def basis_for(self, user: User | AnonymousUser, subject: models.Model) -> str | None:
        return None


@dataclass(frozen=True)
class PersonalRecord:
    """A view of one person's data: a signed-in user passes the gate; the catalogue decides.

    The view declares the catalogue actions it performs (``@access_rule(NETWORK,
    NetworkAction.READ)``) and asks :func:`require_access` for each record it shows or changes.
    """

    name: str
    personal: bool = True
    anyone_may_ask: bool = False  # e.g. a family member's link: the code prompt needs no account

    def allows_user(self, user: User | AnonymousUser) -> bool:
        return self.anyone_may_ask or bool(user.is_authenticated and user.is_active)

    def basis_for(self, user: User | AnonymousUser, subject: models.Model) -> str | None:
        return None


@dataclass(frozen=True)
class ServiceToken:
    """Another installation calling an API with a bearer token instead of a signed-in user.

    The gate lets the request through; the view verifies the token itself and answers 401
    without a valid one. Such an API never takes or shows a person's data.
    """

    name: str
    personal: bool = False

    def allows_user(self, user: User | AnonymousUser) -> bool:
        return True

    def basis_for(self, user: User | AnonymousUser, subject: models.Model) -> str | None:
        return None


PUBLIC = Public()
SIGNED_IN = SignedIn()


def access_rule(rule: Rule, *actions: Permission) -> Callable[[ViewFunc], ViewFunc]:
    """Declare the access rule of a view (function or ``View.as_view()``) and, for a personal
    rule, the catalogue actions (``audit.policy``) it may ask :func:`require_access` for."""
    if rule.personal and not actions:
        raise ImproperlyConfigured(f"a {rule.name} view must name its catalogue actions")
    if actions and not rule.personal:
        raise ImproperlyConfigured("catalogue actions belong to views with a personal rule")

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def guarded(request: PublicRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not rule.allows_user(request.user):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            request.access_rule = rule
            request.access_actions = actions
            request.access_checked = False
            response = view(request, *args, **kwargs)
            if rule.personal and not request.access_checked and response.status_code < 400:
                raise ImproperlyConfigured(
                    f"{view.__name__} guards personal data but did not call require_access()"
                )
            return response

        guarded.access_rule = rule  # type: ignore[attr-defined]
        guarded.access_actions = actions  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def require_access(
    request: PublicRequest,
    record: models.Model,
    action: Permission,
    actor_label: str = "",
) -> Basis:
    """Ask the catalogue whether the request's user may perform ``action`` on ``record``; write
    one access-log row either way; refuse with 403.

    Returns the basis on which the action is allowed. A user who holds a basis that does not
    suffice for the action (a participant asking to change the participants) is refused and the
    row says so. ``actor_label`` names an actor without an account (a family member's link).
    """
    rule: Rule | None = getattr(request, "access_rule", None)
    if rule is None or not rule.personal:
        raise ImproperlyConfigured("require_access() needs a view declared with a personal rule")
    if action not in getattr(request, "access_actions", ()):
        raise ImproperlyConfigured(f"the view does not declare the action {action}")
    decision = policy.decide(request.user, record, action, request)
    match = getattr(request, "resolver_match", None)
    record_access(
        actor=request.user,
        subject=policy.logged_subject(record, action.kind),
        action=action.log_action(request.method or "GET"),
        basis=decision.logged_basis,
        success=decision.granted,
        request_id=getattr(request, "request_id", ""),
        view_name=match.view_name if match else "",
        actor_label=actor_label,
    )
    request.access_checked = True
    if decision.basis is None:
        raise PermissionDenied
    return decision.basis


def record_or_refuse(queryset: type[M] | QuerySet[M], **lookup: Any) -> M:
    """The record a personal view is asked about, or the refusal a forbidden one gets (403).

    Network, meeting and contact numbers run in sequence: answering 404 for an unknown number
    and 403 for someone else's would let anyone list which numbers exist. ``queryset`` is a
    model or a queryset, as for ``get_object_or_404``.
    """
    records = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        return records.get(**lookup)
    except ObjectDoesNotExist:
        raise PermissionDenied from None


def shows_no_personal_data(request: PublicRequest) -> None:
    """Declare that this answer of a personal view shows nobody's data (e.g. a code prompt)."""
    request.access_checked = True


def record_access(
    *,
    actor: User | AnonymousUser | None,
    subject: models.Model,
    action: str,
    basis: str,
    success: bool,
    request_id: str = "",
    view_name: str = "",
    actor_label: str = "",
) -> AccessLog:
    """Write one access-log row. With :func:`record_accesses`, the only place that writes to the
    access log.

    ``actor_label`` names an actor without an account, e.g. a family member's link.
    """
    row = _access_row(
        actor=actor,
        subject=subject,
        action=action,
        basis=basis,
        success=success,
        request_id=request_id,
        view_name=view_name,
        actor_label=actor_label,
    )
    row.save()
    return row


@dataclass(frozen=True)
class Listed:
    """One subject of a list page with the basis it was decided on (:func:`record_accesses`)."""

    subject: models.Model
    basis: str
    success: bool


def record_accesses(
    *,
    actor: User | AnonymousUser | None,
    listed: Iterable[Listed],
    action: str,
    request_id: str = "",
    view_name: str = "",
) -> list[AccessLog]:
    """Write the rows of a page that lists several subjects (one each) in one INSERT: the same
    rows as :func:`record_access` would write one by one."""
    rows = [
        _access_row(
            actor=actor,
            subject=entry.subject,
            action=action,
            basis=entry.basis,
            success=entry.success,
            request_id=request_id,
            view_name=view_name,
        )
        for entry in listed
    ]
    return AccessLog.objects.bulk_create(rows) if rows else []


def _access_row(
    *,
    actor: User | AnonymousUser | None,
    subject: models.Model,
    action: str,
    basis: str,
    success: bool,
    request_id: str,
    view_name: str,
    actor_label: str = "",
) -> AccessLog:
    subject_type, subject_id = subject_key(subject)
    user = actor if actor is not None and actor.is_authenticated else None
    return AccessLog(
        actor=user,
        actor_label=user.email if user is not None else actor_label,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        basis=basis,
        success=success,
        request_id=request_id,
        view_name=view_name,
    )


def record_disclosure(
    *,
    actor: User | AnonymousUser | None,
    subject: models.Model,
    data: str,
    recipient: str,
    channel: str,
    basis: str,
    request_id: str = "",
) -> DisclosureLog:
    """Write one disclosure-log row: the only place that writes to the disclosure log."""
    subject_type, subject_id = subject_key(subject)
    user = actor if actor is not None and actor.is_authenticated else None
    return DisclosureLog.objects.create(
        actor=user,
        actor_label=user.email if user is not None else "",
        subject_type=subject_type,
        subject_id=subject_id,
        data=data,
        recipient=recipient,
        channel=channel,
        basis=basis,
        request_id=request_id,
    )


# URL namespaces whose views are guarded by their own framework, with the rule that applies.
FRAMEWORK_RULES: dict[str, str] = {
    "admin": "administrators only (arki.admin.ArkiAdminSite.has_permission)",
}
