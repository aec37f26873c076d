"""Users sign in with their email address; what they may do comes from their memberships.

Sign-in itself is logged in ``SecurityEvent`` and every signed-in session is remembered in
``UserSession`` so that disabling a user ends their sessions at once (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.roles import Role
from core.db import Prepared, Run
from core.models import AppendOnlyModel

# Roles that open personal data: the coordinator's clients, the officer's client report, the
# administrator's user data and every other role. Granting one is a security event
# (docs/security.md); professional reaches a network only when added to it, or through an
# emergency access that is logged and reviewed on its own.
PERSONAL_DATA_ROLES = frozenset(
    {Role.COORDINATOR, Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR}
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        user = self.create_user(email, password, **fields)
        Membership.objects.get_or_create(user=user, role=Role.ADMINISTRATOR)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # When families and partners can reach them by phone, as the family's plan page shows it.
    phone_hours = models.CharField(
        _("phone hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mon–Fri 9–11. Shown to the families you coordinate."),
    )
    preferred_language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
        default="fi",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's roles, read once for this user object (in a view: once per request).

        The memberships are read whole and kept (``memberships.all()`` then answers from memory
        for the rest of the request: the coordinator's areas, the nav, the access checks)."""
        if not self.pk:
            return frozenset()
        prefetch_related_objects([self], "memberships")
        return frozenset(m.role for m in self.memberships.all())

    def memberships_read(self) -> Run | None:
        """The memberships as a read to read with a page's own first reads
        (``core.db.objects_together``), then given to :meth:`keep_memberships`; None when they
        are already read for this user object."""
        if not self.pk or "memberships" in getattr(self, "_prefetched_objects_cache", {}):
            return None
        return Run(_MEMBERSHIPS, {"user": self.pk}, {"user": self})

    @staticmethod
    def memberships_read_of(pk: int) -> Run:
        """The memberships of the user ``pk`` as a read (:meth:`memberships_read`), for reading
        with the user themselves; give them to :meth:`keep_memberships`."""
        return Run(_MEMBERSHIPS, {"user": pk})

    def keep_memberships(self, memberships: list[Membership]) -> None:
        """Keep the rows of :meth:`memberships_read` as :attr:`roles` keeps what it reads:
        ``memberships.all()`` then answers from memory for the rest of the request."""
        for membership in memberships:
            membership._state.fields_cache["user"] = self
        queryset = self.memberships.all()
        queryset._result_cache = list(memberships)
        queryset._prefetch_done = True  # type: ignore[attr-defined]  # Django's own flag
        self._prefetched_objects_cache = {
            **getattr(self, "_prefetched_objects_cache", {}),
            "memberships": queryset,
        }
        self.__dict__.pop("roles", None)

    @property
    def menu_key(self) -> str:
        """What the main menu shows depends on: the roles and whether an administrator."""
        return ",".join(sorted(self.roles)) + (";admin" if self.is_administrator else "")

    def forget_memberships(self) -> None:
        """After this user's memberships changed in this request: read them again when next
        asked (the roles and the memberships kept with them)."""
        self.__dict__.pop("roles", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("memberships", None)

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or Role.ADMINISTRATOR in self.roles

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        # Administrators manage everything the admin site offers; no other role reaches it.
        if self.is_active and self.is_administrator:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.is_administrator:
            return True
        return super().has_module_perms(app_label)


class MembershipSource(models.TextChoices):
    LOCAL = "local", _("granted in Arki")
    OIDC = "oidc", _("identity provider group")


class Membership(models.Model):
    """A user's role, optionally limited to an area, a programme and an organisation.

    ``source`` tells a membership granted in Arki from one that follows the identity provider's
    group claim at every organisation sign-in (accounts/oidc.py); only the latter are removed.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    area = models.ForeignKey(
        "directory.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=MembershipSource.choices,
        default=MembershipSource.LOCAL,
        editable=False,
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area", "programme", "organisation"],
                name="unique_membership",
            )
        ]

    def __str__(self) -> str:
        scope = self.scope
        return f"{self.get_role_display()}{' – ' + scope if scope else ''}"

    @property
    def scope(self) -> str:
        """The area, programme and organisation the role is limited to, e.g. "Kaakkuri / …"."""
        return " / ".join(
            str(part) for part in (self.area, self.programme, self.organisation) if part
        )


class UserSession(models.Model):
    """A session a user signed in to; deleting the user's sessions signs them out everywhere."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class SecurityEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
    SIGNED_OUT = "signed_out", _("signed out")
    LOCKED_OUT = "locked_out", _("locked out after failed sign-ins")
    OTP_VERIFIED = "otp_verified", _("second factor verified")
    OTP_FAILED = "otp_failed", _("wrong second-factor code")
    OTP_DEVICE_CONFIRMED = "otp_device_confirmed", _("authenticator app set up")
    OTP_DEVICE_RESET = "otp_device_reset", _("authenticator app reset")
    SESSION_EXPIRED = "session_expired", _("session expired")
    USER_DEACTIVATED = "user_deactivated", _("user deactivated")
    MEMBERSHIP_GRANTED = "membership_granted", _("role granted")
    MEMBERSHIP_REMOVED = "membership_removed", _("role removed")
    FAMILY_SIGNED_IN = "family_signed_in", _("family member signed in with Suomi.fi")
    FAMILY_SIGN_IN_REFUSED = "family_sign_in_refused", _("family member's Suomi.fi sign-in refused")
    FAMILY_SIGNED_OUT = "family_signed_out", _("family member signed out")
    IDENTITY_CODE_RECORDED = "identity_code_recorded", _("family member's identity code recorded")
    IDENTITY_CODE_FORGOTTEN = (
        "identity_code_forgotten",
        _("family member's identity code forgotten"),
    )


class SecurityEvent(AppendOnlyModel):
    """One append-only row per sign-in event. Holds no client data, no attempted email or password."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The administrator who reset a device or deactivated the user.
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # sha256 of the lower-cased attempted email: repeated attempts group without storing it.
    email_hash = models.CharField(_("email hash"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    # A granted role and its scope (area / programme / organisation) as they were named then.
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    # Why a sign-in was refused (e.g. "expired", "wrong-audience"), as a code; never personal data.
    reason = models.CharField(_("reason"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    @property
    def self_granted(self) -> bool:
        """An administrator gave the role to themself."""
        return self.kind == SecurityEventKind.MEMBERSHIP_GRANTED and (
            self.actor_id is not None and self.actor_id == self.user_id
        )


class StaffImport(models.Model):
    """One applied staff import: who ran it, when, from which file and what it changed."""

    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("users created"), default=0)
    updated = models.PositiveIntegerField(_("users updated"), default=0)
    unchanged = models.PositiveIntegerField(_("users unchanged"), default=0)
    deactivated = models.PositiveIntegerField(_("users deactivated"), default=0)
    # Active staff missing from the file that the administrator chose not to deactivate.
    left_active = models.PositiveIntegerField(_("missing users left active"), default=0)

    class Meta:
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.file_name}"


# A user's memberships, as ``roles`` reads them (prefetch_related), compiled once per process.
_MEMBERSHIPS = Prepared(lambda user: Membership.objects.filter(user_id=user), user=int)
