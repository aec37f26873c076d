"""Optional single sign-on with the organisation's OpenID Connect provider.

The provider is found from its discovery document (``OIDC_OP_DISCOVERY_URL``) or from the
endpoint variables. Every ID token is checked here, not only by the library: RS/ES signature
from the provider's JWKS, ``iss`` (the discovered issuer), ``aud`` (Arki's client id), ``exp``
and ``iat``, and the nonce of this sign-in (a token replayed from another sign-in is refused).

The provider's email claim is matched to an existing active user. With a group map
(``ARKI_OIDC_GROUP_MAP``) the memberships that came from the provider follow its group claim at
every sign-in, and a first-time user is created only when ``ARKI_OIDC_CREATE_USERS`` is on and at
least one of their groups maps. See docs/security.md.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.translation import gettext
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.models import Membership, MembershipSource, User
from accounts.selectors import signed_in_user
from accounts.services import acting_as, record_membership_removal
from audit.roles import Role

logger = logging.getLogger("arki.accounts.oidc")

BACKEND = "accounts.oidc.ArkiOIDCBackend"
WELL_KNOWN = "/.well-known/openid-configuration"
# How long a discovery document is used before it is read again (seconds).
DISCOVERY_TTL = 60 * 60
# Clock difference allowed between Arki and the provider when checking exp and iat (seconds).
LEEWAY = 60

# Each setting and the discovery document's field it defaults to.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}
REQUIRED_IN_DISCOVERY = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or is not usable."""


_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def discovery_url() -> str:
    url = str(getattr(settings, "OIDC_OP_DISCOVERY_URL", "") or "").strip()
    if url and not url.rstrip("/").endswith(WELL_KNOWN):
        url = url.rstrip("/") + WELL_KNOWN
    return url


def discovery() -> dict[str, Any]:
    """The provider's discovery document ({} without OIDC_OP_DISCOVERY_URL), cached an hour."""
    url = discovery_url()
    if not url:
        return {}
    with _cache_lock:
        cached = _cache.get(url)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    try:
        response = requests.get(
            url,
            timeout=getattr(settings, "OIDC_TIMEOUT", 10),
            verify=getattr(settings, "OIDC_VERIFY_SSL", True),
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"OIDC_OP_DISCOVERY_URL: cannot read {url}: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"OIDC_OP_DISCOVERY_URL: {url} is not a discovery document")
    missing = [name for name in REQUIRED_IN_DISCOVERY if not document.get(name)]
    if missing:
        raise ProviderUnavailable(f"OIDC_OP_DISCOVERY_URL: {url} lacks {', '.join(missing)}")
    # OpenID Connect Discovery 1.0 §4.3: the issuer is the address the document was read from.
    expected = url[: -len(WELL_KNOWN)]
    if str(document["issuer"]).rstrip("/") != expected.rstrip("/"):
        raise ProviderUnavailable(
            f"OIDC_OP_DISCOVERY_URL: the document's issuer {document['issuer']!r} "
            f"does not match {expected!r}"
        )
    with _cache_lock:
        _cache[url] = (time.monotonic() + DISCOVERY_TTL, document)
    return document


def oidc_setting(name: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting: set explicitly, else discovered, else the library's default."""
    explicit = getattr(settings, name, None)
    if explicit not in (None, ""):
        return explicit
    if name in DISCOVERED and discovery_url():
        value = discovery().get(DISCOVERED[name])
        if value:
            return value
        if default:
            return default[0]
        raise ImproperlyConfigured(f"{name}: not set and not in the provider's discovery document")
    return import_from_settings(name, *default)


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where to send a user who signed in with the provider to sign out there too, else None."""
    if request.session.get(auth.BACKEND_SESSION_KEY) != BACKEND:
        return None
    try:
        endpoint = oidc_setting("OIDC_OP_LOGOUT_ENDPOINT", None)
    except (ProviderUnavailable, ImproperlyConfigured) as error:
        logger.warning("oidc: no sign-out at the provider: %s", error)
        return None
    if not endpoint:
        return None
    params = {
        "client_id": getattr(settings, "OIDC_RP_CLIENT_ID", ""),
        "post_logout_redirect_uri": request.build_absolute_uri(
            resolve_url(settings.LOGOUT_REDIRECT_URL)
        ),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def logout_url(request: HttpRequest) -> str:
    """OIDC_OP_LOGOUT_URL_METHOD: the provider's sign-out, or Arki's sign-in page."""
    return provider_logout_url(request) or resolve_url(settings.LOGOUT_REDIRECT_URL)


# --- Group claims → memberships -------------------------------------------------------------

MembershipKey = tuple[str, int | None, int | None, int | None]


def _scope_id(kind: str, value: str | None) -> int | None:
    """The primary key an area, programme or organisation code names; LookupError if none."""
    from directory.models import Area, Organisation
    from programmes.models import Programme

    if not value:
        return None
    if kind == "area":
        found = Area.objects.filter(code=value).values_list("pk", flat=True).first()
    elif kind == "programme":
        found = Programme.objects.filter(code=value).values_list("pk", flat=True).first()
    else:
        try:
            found = (
                Organisation.objects.filter(hsds_id=uuid.UUID(value))
                .values_list("pk", flat=True)
                .first()
            )
        except ValueError:
            names = list(Organisation.objects.filter(name=value).values_list("pk", flat=True)[:2])
            found = names[0] if len(names) == 1 else None
    if found is None:
        raise LookupError(f"unknown {kind} {value!r}")
    return int(found)


def memberships_for_groups(groups: list[str]) -> set[MembershipKey]:
    """The memberships the group map gives these groups; unknown groups are ignored.

    A group whose role, area, programme or organisation is not found is a configuration
    error: it is logged and that group gives nothing, and the sign-in goes on.
    """
    mapping = settings.ARKI_OIDC_GROUPS or {}
    wanted: set[MembershipKey] = set()
    for group in groups:
        for entry in mapping.get(group, []):
            try:
                if entry["role"] not in Role.values:
                    raise LookupError(f"unknown role {entry['role']!r}")
                key = (
                    entry["role"],
                    _scope_id("area", entry.get("area")),
                    _scope_id("programme", entry.get("programme")),
                    _scope_id("organisation", entry.get("organisation")),
                )
            except LookupError as error:
                logger.error(
                    "ARKI_OIDC_GROUP_MAP: group %r names an %s; the entry is ignored",
                    group,
                    error.args[0],
                )
                continue
            wanted.add(key)
    return wanted


def _key(membership: Membership) -> MembershipKey:
    return (
        membership.role,
        membership.area_id,
        membership.programme_id,
        membership.organisation_id,
    )


def sync_memberships(user: User, wanted: set[MembershipKey], request: HttpRequest | None) -> None:
    """Bring the user's provider-given memberships in line with ``wanted``; keep Arki's own.

    A new membership is saved like any other, so a role that opens personal data is logged as
    a grant (accounts.signals); a removed one is logged as a removal (and in the application
    log).
    """
    with transaction.atomic(), acting_as(None, request):
        memberships = list(Membership.objects.select_for_update().filter(user=user))
        from_provider = {_key(m): m for m in memberships if m.source == MembershipSource.OIDC}
        local = {_key(m) for m in memberships if m.source != MembershipSource.OIDC}
        for role, area, programme, organisation in sorted(
            wanted - from_provider.keys() - local, key=str
        ):
            Membership.objects.create(
                user=user,
                role=role,
                area_id=area,
                programme_id=programme,
                organisation_id=organisation,
                source=MembershipSource.OIDC,
            )
        for key, membership in from_provider.items():
            if key not in wanted:
                logger.info(
                    "oidc: membership %s of user %s removed (no longer in the provider's groups)",
                    membership.role,
                    user.pk,
                )
                record_membership_removal(membership)
                membership.delete()
    user.forget_memberships()


# --- The backend and the views ---------------------------------------------------------------


class ArkiOIDCBackend(OIDCAuthenticationBackend):
    """Checks the provider's ID token in full and maps its verified email to an active user."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Nothing is fetched here: Django builds every backend for every sign-in and request.
        self.UserModel = User
        self.OIDC_RP_CLIENT_ID = getattr(settings, "OIDC_RP_CLIENT_ID", "")
        self.OIDC_RP_CLIENT_SECRET = getattr(settings, "OIDC_RP_CLIENT_SECRET", "")
        self.OIDC_RP_SIGN_ALGO = getattr(settings, "OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = getattr(settings, "OIDC_RP_IDP_SIGN_KEY", None)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return str(oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str | None:
        endpoint: str | None = oidc_setting("OIDC_OP_USER_ENDPOINT", None)
        return endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return str(oidc_setting("OIDC_OP_JWKS_ENDPOINT"))

    def issuer(self) -> str | None:
        return oidc_setting("OIDC_OP_ISSUER", None) or None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view passes a nonce: a password sign-in never reaches the provider.
        if request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (
            SuspiciousOperation,
            ProviderUnavailable,
            ImproperlyConfigured,
            requests.RequestException,
            jwt.PyJWTError,
            KeyError,
            ValueError,
        ) as error:
            # Django then sends user_login_failed: a sign_in_failed security event.
            logger.warning("oidc: sign-in refused: %s: %s", type(error).__name__, error)
            return None

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The ID token's claims after checking signature, iss, aud, exp and iat."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token algorithm {header.get('alg')!r} not allowed")
        issuer = self.issuer()
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iat", "aud", "sub", *(["iss"] if issuer else [])]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        audience = claims["aud"]
        if (
            isinstance(audience, list)
            and len(audience) > 1
            and claims.get("azp") != self.OIDC_RP_CLIENT_ID
        ):
            raise SuspiciousOperation("ID token refused: azp is not Arki's client id")
        return claims

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        if "nonce" in kwargs and not kwargs["nonce"]:
            raise SuspiciousOperation("no nonce for this sign-in")
        claims: dict[str, Any] = super().verify_token(token, **kwargs)
        return claims

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email") or "").strip()
        # An unverified email claim could name anyone's address.
        if not email or claims.get("email_verified") is False:
            return User.objects.none()
        return User.objects.filter(email__iexact=email)

    def groups(self, claims: dict[str, Any], payload: dict[str, Any]) -> list[str]:
        name = settings.ARKI_OIDC_GROUPS_CLAIM
        value = claims.get(name, payload.get(name))
        if isinstance(value, str):
            return [value]
        if isinstance(value, list):
            return [str(item) for item in value]
        return []

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        if self.OIDC_OP_USER_ENDPOINT:
            claims = self.get_userinfo(access_token, id_token, payload)
        else:
            claims = dict(payload)  # a provider without userinfo: the ID token's claims
        # OpenID Connect Core §5.3.2: userinfo must be about the ID token's subject.
        if payload.get("sub") and claims.get("sub") and claims["sub"] != payload["sub"]:
            raise SuspiciousOperation("userinfo sub differs from the ID token's sub")
        if not self.verify_claims(claims):
            return None
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) > 1:
            return None  # two accounts share the address: refuse rather than guess
        mapped = settings.ARKI_OIDC_GROUPS is not None
        wanted = memberships_for_groups(self.groups(claims, payload)) if mapped else set()
        if users:
            user = users[0]
            if not user.is_active:
                return None
        elif not (mapped and wanted and settings.ARKI_OIDC_CREATE_USERS):
            logger.info("oidc: no Arki user for this organisation account; none created")
            return None
        elif claims.get("email_verified") is not True:
            logger.info("oidc: a user is created only from a verified email")
            return None
        else:
            user = User.objects.create_user(
                str(claims["email"]), password=None, full_name=self.full_name(claims)
            )
            logger.info("oidc: user %s created from the provider's groups", user.pk)
        if mapped:
            sync_memberships(user, wanted, getattr(self, "request", None))
        return user

    @staticmethod
    def full_name(claims: dict[str, Any]) -> str:
        name = str(claims.get("name") or "").strip()
        if not name:
            name = " ".join(
                str(claims.get(part) or "").strip() for part in ("given_name", "family_name")
            ).strip()
        return name[:200] or str(claims["email"]).split("@")[0]

    def create_user(self, claims: dict[str, Any]) -> None:
        # Users are created by get_or_create_user only, from a mapped group.
        return None

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        # The user's record is kept in Arki; the provider vouches for who signs in and groups.
        return user

    def get_user(self, user_id: Any) -> User | None:
        # The user with their memberships in one wait, as the password backend reads them.
        user = signed_in_user(user_id)
        return user if user is not None and user.is_active else None


def _unavailable(request: HttpRequest) -> HttpResponseRedirect:
    messages.error(
        request,
        gettext(
            "Signing in with your organisation account is not available right now. Try again "
            "later or sign in with your email address."
        ),
    )
    return HttpResponseRedirect(resolve_url("accounts:login"))


class ArkiOIDCAuthenticationRequestView(OIDCAuthenticationRequestView):
    """To the provider's authorization endpoint, discovered on first use."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = getattr(settings, "OIDC_RP_CLIENT_ID", "")

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:
        return str(oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            endpoint = self.OIDC_OP_AUTH_ENDPOINT
        except (ProviderUnavailable, ImproperlyConfigured) as error:
            logger.error("oidc: %s", error)
            return _unavailable(request)
        assert endpoint
        response: HttpResponse = super().get(request)
        return response


class ArkiOIDCCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: a refused sign-in returns to Arki's sign-in page with a reason."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as error:
            # A callback whose state this session never sent, e.g. one replayed.
            logger.warning("oidc: sign-in refused: %s", error)
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponseRedirect:
        messages.error(
            self.request,
            gettext(
                "Signing in with your organisation account did not succeed. Your account may "
                "not be in use in Arki; contact your administrator."
            ),
        )
        return HttpResponseRedirect(resolve_url("accounts:login"))
