"""Optional single sign-on with the organisation's OpenID Connect provider.

Only existing, active Arki users can sign in this way: the provider's email claim is matched
to a user; nobody is created. On only when the OIDC_* variables are set (docs/security.md).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from accounts.models import User


class ArkiOIDCBackend(OIDCAuthenticationBackend):
    """Maps the provider's verified email to an existing active user, or refuses."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email") or "").strip()
        # An unverified email claim could name anyone's address.
        if not email or claims.get("email_verified") is False:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        try:
            user = super().get_or_create_user(access_token, id_token, payload)
        except SuspiciousOperation:
            # No email claim, or two accounts share the address: refuse rather than guess.
            return None
        if user is None or not user.is_active:
            return None
        return user

    def create_user(self, claims: dict[str, Any]) -> None:
        # OIDC_CREATE_USER is off; this guards against a setting changed by mistake.
        return None

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        # The user's record is kept in Arki; the provider only vouches for who signs in.
        return user

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class ArkiOIDCCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: a refused sign-in returns to Arki's sign-in page with a reason."""

    def login_failure(self) -> HttpResponseRedirect:
        messages.error(
            self.request,
            gettext(
                "Signing in with your organisation account did not succeed. Your account may "
                "not be in use in Arki; contact your administrator."
            ),
        )
        return HttpResponseRedirect(resolve_url("accounts:login"))
