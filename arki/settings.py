"""Arki settings: one module, read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from arki import env

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("ARKI_LOCAL_DIR", BASE_DIR / ".local"))

ARKI_ENV = env.get_choice("ARKI_ENV", ("local", "test", "production"), "local")
PRODUCTION = ARKI_ENV == "production"
TESTING = ARKI_ENV == "test" or "pytest" in sys.modules

SECRET_KEY = env.get_secret_key(PRODUCTION, LOCAL_DIR)
DEBUG = env.get_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG: must be off in production (ARKI_ENV=production)")

ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS: required in production, e.g. arki.example.fi")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "arki.apps.ArkiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "audit",
    "accounts",
    "directory",
    "programmes",
    "core",
    "indicators",
    "notifications",
    "contacts",
    "networks",
    "meetings",
    "family",
    "feedback",
    "backbone",
    "leadership",
    "learning",
    "privacy",
    "operations",
    "home",
]
# Tooling, not the product: the demo region (`load_demo`), the synthetic scale data
# (`load_scale`) and the load benchmark (`benchmark`). Installed outside production only; no
# product app imports them.
TOOLING_APPS = ["demo", "scale", "benchmarks"]
if not PRODUCTION:
    INSTALLED_APPS += TOOLING_APPS

MIDDLEWARE = [
    "audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that reads the database (sessions, auth, views): a database outage
    # becomes a 503 with Retry-After; the headers above are still added to it.
    "operations.middleware.DatabaseUnavailableMiddleware",
    # No-store on personal pages and files; a PDF over its time limit answers a message.
    "core.middleware.CacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.OTPRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Forms render with Django's Jinja2 field and widget templates (core/renderers.py).
FORM_RENDERER = "core.renderers.FormRenderer"

ROOT_URLCONF = "arki.urls"
WSGI_APPLICATION = "arki.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "arki" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.arki",
            ],
            # {% url %} reverses with core.addresses (the same addresses, about 6× faster);
            # |date writes numeric formats itself (core/templatetags/arki_dates.py).
            "builtins": ["core.templatetags.arki_addresses", "core.templatetags.arki_dates"],
        },
    },
]

DATABASES = {"default": env.get_database(BASE_DIR / "db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for several users at once (docs/decisions/0002-bad-input-and-concurrent-use.md):
    # readers never block the writer (WAL); a transaction takes the write lock when it begins,
    # so two saves queue instead of failing mid-transaction; a waiting writer waits, not fails.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.get_int("SQLITE_BUSY_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user's memberships with the user.
    "accounts.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests only need a working hasher.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures lock the email + address pair for 15 minutes.
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLED = env.get_bool("AXES_ENABLED", default=True)

SESSION_COOKIE_AGE = env.get_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Enforced by accounts.middleware.SessionTimeoutMiddleware (seconds; see docs/security.md).
SESSION_IDLE_TIMEOUT = env.get_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.get_int("SESSION_ABSOLUTE_TIMEOUT", SESSION_COOKIE_AGE)

# Second factor: staff verify a TOTP device once per session (accounts.middleware).
ARKI_REQUIRE_OTP = env.get_bool("ARKI_REQUIRE_OTP", default=PRODUCTION)
OTP_TOTP_ISSUER = os.environ.get("ARKI_INSTALLATION_NAME", "Arki")
OTP_TOTP_THROTTLE_FACTOR = 1
# Administrators reset devices; they never see another user's secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Optional OIDC single sign-on (mozilla-django-oidc): on when OIDC_RP_CLIENT_ID is set. The
# provider's endpoints and issuer come from its discovery document (OIDC_OP_DISCOVERY_URL, read
# by accounts/oidc.py on first use) or, without it, from the endpoint variables one by one.
OIDC_OP_DISCOVERY_URL = os.environ.get("OIDC_OP_DISCOVERY_URL", "").strip()
if OIDC_OP_DISCOVERY_URL:
    _oidc = {
        name: os.environ.get(name, "").strip()
        for name in env.OIDC_REQUIRED
        if os.environ.get(name, "").strip()
    }
    for _name in ("OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET"):
        if not _oidc.get(_name):
            raise ImproperlyConfigured(f"{_name}: required when OIDC_OP_DISCOVERY_URL is set")
    _oidc["OIDC_RP_SIGN_ALGO"] = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256").strip().upper()
    if _oidc["OIDC_RP_SIGN_ALGO"] not in env.OIDC_SIGN_ALGORITHMS:
        raise ImproperlyConfigured(
            f"OIDC_RP_SIGN_ALGO: expected one of {', '.join(env.OIDC_SIGN_ALGORITHMS)}"
        )
else:
    _oidc = env.get_oidc()
locals().update(_oidc)
OIDC_ENABLED = bool(_oidc)
# The ID token's `iss` must equal this; with discovery it defaults to the discovered issuer.
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "").strip()
# The provider's end_session_endpoint for signing out there too (discovered when not set).
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "").strip()
OIDC_COUNTS_AS_SECOND_FACTOR = env.get_bool("OIDC_COUNTS_AS_SECOND_FACTOR", default=False)
# Users are created (ARKI_OIDC_CREATE_USERS) by accounts.oidc only, never by the library.
OIDC_CREATE_USER = False
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email").strip() or "openid email"
if not {"openid", "email"} <= set(OIDC_RP_SCOPES.split()):
    raise ImproperlyConfigured(
        f"OIDC_RP_SCOPES: must include openid and email, got {OIDC_RP_SCOPES!r}"
    )
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
# The ID token is kept in the session for the provider's sign-out (id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_OP_LOGOUT_URL_METHOD = "accounts.oidc.logout_url"
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_authentication_callback"
# Roles and areas from the provider's group claim (docs/security.md): group → memberships.
ARKI_OIDC_GROUPS_CLAIM = os.environ.get("ARKI_OIDC_GROUPS_CLAIM", "groups").strip() or "groups"
ARKI_OIDC_GROUP_MAP = os.environ.get("ARKI_OIDC_GROUP_MAP", "").strip()
ARKI_OIDC_CREATE_USERS = env.get_bool("ARKI_OIDC_CREATE_USERS", default=False)
ARKI_OIDC_GROUPS: dict[str, list[dict[str, str]]] | None = None
if ARKI_OIDC_GROUP_MAP:
    import tomllib

    _keys = {"role", "area", "programme", "organisation"}
    try:
        with open(ARKI_OIDC_GROUP_MAP, "rb") as _file:
            _groups = tomllib.load(_file).get("groups", {})
    except (OSError, tomllib.TOMLDecodeError) as _error:
        raise ImproperlyConfigured(
            f"ARKI_OIDC_GROUP_MAP: cannot read {ARKI_OIDC_GROUP_MAP}: {_error}"
        ) from None
    ARKI_OIDC_GROUPS = {}
    for _group, _value in _groups.items() if isinstance(_groups, dict) else ():
        _entries = _value if isinstance(_value, list) else [_value]
        for _entry in _entries:
            if (
                not isinstance(_entry, dict)
                or not isinstance(_entry.get("role"), str)
                or set(_entry) - _keys
                or not all(isinstance(_v, str) and _v for _v in _entry.values())
            ):
                raise ImproperlyConfigured(
                    f"ARKI_OIDC_GROUP_MAP: group {_group!r} needs a role and may name an area, "
                    f"programme and organisation (text), got {_entry!r}"
                )
        ARKI_OIDC_GROUPS[str(_group)] = [dict(_entry) for _entry in _entries]
    if not isinstance(_groups, dict) or not ARKI_OIDC_GROUPS:
        raise ImproperlyConfigured(
            f"ARKI_OIDC_GROUP_MAP: no [groups] table in {ARKI_OIDC_GROUP_MAP}"
        )
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "accounts.oidc.ArkiOIDCBackend"]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Helsinki")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE: unknown time zone {TIME_ZONE!r}") from None
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["arki.formats"]

STATIC_URL = "/static/"
# Outside production WhiteNoise serves straight from the apps (no collectstatic step).
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "arki" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

locals().update(env.get_email("console:" if not PRODUCTION else "smtp://localhost:25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "arki@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Strict Content-Security-Policy: everything from Arki itself; inline scripts only with a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by accounts.middleware.PermissionsPolicyMiddleware: Arki needs no device features.
ARKI_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-arki-session"
    CSRF_COOKIE_NAME = "__Host-arki-csrf"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pysaml2 logs assertions' contents (identity codes) below WARNING; never in Arki's logs.
        "saml2": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
    },
}

# A cache in each process. It holds the indicator figures (indicators.computations.compute),
# whose keys carry a stamp of the data they rest on, so each process's copy stays correct and
# no shared cache server is needed.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "arki",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# Arki's own settings.
# How long computed indicator figures stay cached at most (0: never cached).
ARKI_INDICATOR_CACHE_SECONDS = env.get_int("ARKI_INDICATOR_CACHE_SECONDS", 3600)
ARKI_INSTALLATION_NAME = os.environ.get("ARKI_INSTALLATION_NAME", "Arki")
# Identities a coordinator may check for an open network in an hour (contacts.selectors).
ARKI_IDENTITY_CHECKS_PER_HOUR = env.get_int("ARKI_IDENTITY_CHECKS_PER_HOUR", 10)
# The key of the keyed hash (HMAC-SHA-256) under which family members' personal identity codes
# are kept for strong identification (networks.identity); the codes themselves are never stored.
# Changing it unmatches every recorded code. Outside production it is derived from SECRET_KEY.
ARKI_IDENTITY_CODE_KEY = os.environ.get("ARKI_IDENTITY_CODE_KEY", "").strip()
if PRODUCTION and ARKI_IDENTITY_CODE_KEY and len(ARKI_IDENTITY_CODE_KEY) < 32:
    raise ImproperlyConfigured("ARKI_IDENTITY_CODE_KEY: at least 32 characters")
# Strong identification of family members through Suomi.fi e-Identification (SAML 2.0,
# family/suomifi, docs/suomifi.md). Off while ARKI_SUOMIFI_IDP_METADATA (the identity provider's
# metadata XML file) is empty; the service provider's entity id defaults to its metadata address.
ARKI_SUOMIFI_IDP_METADATA = os.environ.get("ARKI_SUOMIFI_IDP_METADATA", "").strip()
ARKI_SUOMIFI_SP_ENTITY_ID = os.environ.get("ARKI_SUOMIFI_SP_ENTITY_ID", "").strip()
ARKI_SUOMIFI_SP_KEY_FILE = os.environ.get("ARKI_SUOMIFI_SP_KEY_FILE", "").strip()
ARKI_SUOMIFI_SP_CERT_FILE = os.environ.get("ARKI_SUOMIFI_SP_CERT_FILE", "").strip()
# The level of assurance asked for; an assertion of a weaker one is refused.
ARKI_SUOMIFI_AUTHN_CONTEXTS = env.get_list(
    "ARKI_SUOMIFI_AUTHN_CONTEXTS",
    ["http://ftn.ficora.fi/2017/loa3", "http://ftn.ficora.fi/2017/loa2"],
)
# Suomi.fi's attribute names: nationalIdentificationNumber, givenName (the name one is called
# by) and sn (surname).
ARKI_SUOMIFI_ATTRIBUTE_IDENTITY_CODE = os.environ.get(
    "ARKI_SUOMIFI_ATTRIBUTE_IDENTITY_CODE", "urn:oid:1.2.246.21"
).strip()
ARKI_SUOMIFI_ATTRIBUTE_GIVEN_NAME = os.environ.get(
    "ARKI_SUOMIFI_ATTRIBUTE_GIVEN_NAME", "urn:oid:2.5.4.42"
).strip()
ARKI_SUOMIFI_ATTRIBUTE_SURNAME = os.environ.get(
    "ARKI_SUOMIFI_ATTRIBUTE_SURNAME", "urn:oid:2.5.4.4"
).strip()
if ARKI_SUOMIFI_IDP_METADATA:
    for _name, _saml_file in (
        ("ARKI_SUOMIFI_IDP_METADATA", ARKI_SUOMIFI_IDP_METADATA),
        ("ARKI_SUOMIFI_SP_KEY_FILE", ARKI_SUOMIFI_SP_KEY_FILE),
        ("ARKI_SUOMIFI_SP_CERT_FILE", ARKI_SUOMIFI_SP_CERT_FILE),
    ):
        if PRODUCTION and not (_saml_file and Path(_saml_file).is_file()):
            raise ImproperlyConfigured(f"{_name}: a readable file is required in production")
    _saml_base = os.environ.get("ARKI_BASE_URL", "")
    if PRODUCTION and not _saml_base.startswith("https://"):
        raise ImproperlyConfigured("ARKI_BASE_URL: must be https:// when Suomi.fi is in use")
    if PRODUCTION and ARKI_SUOMIFI_SP_ENTITY_ID.startswith("http://"):
        raise ImproperlyConfigured("ARKI_SUOMIFI_SP_ENTITY_ID: must not be http:// in production")
    if PRODUCTION and not ARKI_IDENTITY_CODE_KEY:
        raise ImproperlyConfigured(
            "ARKI_IDENTITY_CODE_KEY: required in production when ARKI_SUOMIFI_IDP_METADATA is set"
        )
    if not ARKI_SUOMIFI_ATTRIBUTE_IDENTITY_CODE:
        raise ImproperlyConfigured("ARKI_SUOMIFI_ATTRIBUTE_IDENTITY_CODE: must not be empty")
    if PRODUCTION and not ARKI_SUOMIFI_AUTHN_CONTEXTS:
        raise ImproperlyConfigured(
            "ARKI_SUOMIFI_AUTHN_CONTEXTS: name the accepted levels of assurance in production"
        )
# Seconds a PDF (memo, minutes) may take before its render is stopped (core.pdf).
ARKI_PDF_TIME_LIMIT = env.get_int("ARKI_PDF_TIME_LIMIT", 20)
# Enqueued by `manage.py scheduler` (started by `make run`) for the background worker.
ARKI_PERIODIC_TASKS = [
    "meetings.tasks.send_promise_reminders",
    "privacy.tasks.apply_retention_task",
    "audit.tasks.seal_logs",
    "audit.tasks.checkpoint_logs",
    "notifications.tasks.prune_outbox_task",
    "networks.tasks.record_convening_deadlines",
    "indicators.tasks.compact_event_counts",
]
# Days a delivered or failed email's row and a finished task row are kept (notifications/).
ARKI_OUTBOX_RETENTION_DAYS = env.get_int("ARKI_OUTBOX_RETENTION_DAYS", 7)
# Text messages (notifications/sms.py; docs/configuration.md, "Text messages"). The backend:
# console (prints them: development), file (JSON lines in ARKI_SMS_FILE_PATH: browser tests),
# locmem (the tests), http (the operator's gateway), off (not offered) or a class's dotted path.
# Production sends through http or not at all: the others write numbers and one-time codes in
# clear into logs and files.
_sms_default = "off" if PRODUCTION else "locmem" if TESTING else "console"
ARKI_SMS_BACKEND = os.environ.get("ARKI_SMS_BACKEND", "").strip() or _sms_default
if "." not in ARKI_SMS_BACKEND:
    ARKI_SMS_BACKEND = env.get_choice(
        "ARKI_SMS_BACKEND", ("off", "console", "file", "locmem", "http"), _sms_default
    )
_sms_in_clear = {"console", "file", "locmem"}
if (
    PRODUCTION
    and ARKI_SMS_BACKEND.removeprefix("notifications.sms.").lower().removesuffix("backend")
    in _sms_in_clear
):
    raise ImproperlyConfigured(
        f"ARKI_SMS_BACKEND: {ARKI_SMS_BACKEND!r} writes phone numbers and one-time codes in "
        "clear; production uses http (the SMS gateway) or off"
    )
ARKI_SMS_FILE_PATH = Path(
    os.environ.get("ARKI_SMS_FILE_PATH", "").strip() or LOCAL_DIR / "sms-outbox.jsonl"
)
ARKI_SMS_GATEWAY_URL = os.environ.get("ARKI_SMS_GATEWAY_URL", "").strip()
ARKI_SMS_GATEWAY_TOKEN = os.environ.get("ARKI_SMS_GATEWAY_TOKEN", "").strip()
# The sender the phone shows: up to 11 letters and digits, or a phone number.
ARKI_SMS_SENDER = os.environ.get("ARKI_SMS_SENDER", "Arki").strip()
ARKI_SMS_TIMEOUT_SECONDS = env.get_int("ARKI_SMS_TIMEOUT_SECONDS", 10)
ARKI_SMS_MAX_ATTEMPTS = env.get_int("ARKI_SMS_MAX_ATTEMPTS", 3)
if not re.fullmatch(r"[A-Za-z0-9 ]{1,11}|\+?[0-9]{3,15}", ARKI_SMS_SENDER):
    raise ImproperlyConfigured(
        f"ARKI_SMS_SENDER: up to 11 letters and digits or a phone number, got {ARKI_SMS_SENDER!r}"
    )
if ARKI_SMS_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured("ARKI_SMS_TIMEOUT_SECONDS: at least 1")
if not 1 <= ARKI_SMS_MAX_ATTEMPTS <= 10:
    raise ImproperlyConfigured("ARKI_SMS_MAX_ATTEMPTS: from 1 to 10")
if ARKI_SMS_BACKEND in {"http", "notifications.sms.HttpGatewayBackend"}:
    _sms_gateway = urlparse(ARKI_SMS_GATEWAY_URL)
    _loopback = {"127.0.0.1", "::1", "localhost"}  # a relay on the same server
    if _sms_gateway.scheme not in {"http", "https"} or not _sms_gateway.hostname:
        raise ImproperlyConfigured(
            "ARKI_SMS_GATEWAY_URL: required by ARKI_SMS_BACKEND=http, e.g. "
            "https://sms.example.fi/api/messages"
        )
    if PRODUCTION and _sms_gateway.scheme != "https" and _sms_gateway.hostname not in _loopback:
        raise ImproperlyConfigured("ARKI_SMS_GATEWAY_URL: must be https:// in production")
    if PRODUCTION and not ARKI_SMS_GATEWAY_TOKEN:
        raise ImproperlyConfigured("ARKI_SMS_GATEWAY_TOKEN: required by the gateway in production")
# The public contact form (contacts/protection.py): the least seconds a person takes to fill it,
# messages per connection and per area in an hour, and the working days promised for a reply.
ARKI_PUBLIC_CONTACT_MIN_SECONDS = env.get_int("ARKI_PUBLIC_CONTACT_MIN_SECONDS", 5)
ARKI_PUBLIC_CONTACTS_PER_IP_PER_HOUR = env.get_int("ARKI_PUBLIC_CONTACTS_PER_IP_PER_HOUR", 5)
ARKI_PUBLIC_CONTACTS_PER_AREA_PER_HOUR = env.get_int("ARKI_PUBLIC_CONTACTS_PER_AREA_PER_HOUR", 30)
ARKI_PUBLIC_CONTACT_REPLY_DAYS = env.get_int("ARKI_PUBLIC_CONTACT_REPLY_DAYS", 3)
ARKI_BASE_URL = os.environ.get("ARKI_BASE_URL", "http://127.0.0.1:8000")
# The national service catalogue PTV's open interface (directory/ptv.py): its address, the
# seconds one request may take, and the mapping file (default directory/data/ptv_mapping.toml).
ARKI_PTV_URL = os.environ.get(
    "ARKI_PTV_URL", "https://api.palvelutietovaranto.suomi.fi/api/v11"
).strip()
ARKI_PTV_TIMEOUT = env.get_int("ARKI_PTV_TIMEOUT", 20)
ARKI_PTV_MAPPING = os.environ.get("ARKI_PTV_MAPPING", "").strip()

# The logs' daily signed checkpoints (audit/checkpoints.py): the directory the files are written
# to (the operator ships them to write-once storage) and the signing key (base64 Ed25519 seed).
# Outside production both default under ARKI_LOCAL_DIR (the key is generated there).
_checkpoint_dir = os.environ.get("ARKI_CHECKPOINT_DIR", "").strip()
ARKI_CHECKPOINT_DIR = Path(_checkpoint_dir or LOCAL_DIR / "checkpoints")
ARKI_CHECKPOINT_KEY = os.environ.get("ARKI_CHECKPOINT_KEY", "").strip()
if PRODUCTION and not _checkpoint_dir:
    raise ImproperlyConfigured(
        "ARKI_CHECKPOINT_DIR: required in production (where the logs' signed checkpoints go)"
    )
if PRODUCTION and not ARKI_CHECKPOINT_KEY:
    raise ImproperlyConfigured(
        "ARKI_CHECKPOINT_KEY: required in production (signs the logs' checkpoints)"
    )

# The learning network (learning/): this region's identity in the packages it signs, and the
# hub it sends them to. The signing key (LEARNING_SIGNING_KEY, base64 Ed25519 seed) is read
# when a package is signed; outside production one is generated and kept in ARKI_LOCAL_DIR.
ARKI_REGION_CODE = os.environ.get("ARKI_REGION_CODE", "" if PRODUCTION else "oulu").strip()
ARKI_REGION_NAME = os.environ.get(
    "ARKI_REGION_NAME", ARKI_INSTALLATION_NAME if PRODUCTION else "Oulu"
).strip()
LEARNING_HUB_URL = os.environ.get("LEARNING_HUB_URL", "").strip()
LEARNING_HUB_TOKEN = os.environ.get("LEARNING_HUB_TOKEN", "").strip()

# --- Operations: logs, metrics, readiness and the scheduler (issue #20; docs/operations.md) ---
# (It adds to LOGGING and MIDDLEWARE above.)
# Log lines: "json" (one object per line, operations.logs) for production, "text" to read in a
# terminal. One line per request (logger arki.requests): route name, status, duration, request
# id and user id; never the path, its query string or anything the user typed.
ARKI_LOG_FORMAT = env.get_choice(
    "ARKI_LOG_FORMAT", ("text", "json"), "json" if PRODUCTION else "text"
)
_logging = cast(dict[str, dict[str, Any]], LOGGING)
_logging["formatters"]["json"] = {"()": "operations.logs.JsonFormatter"}
_logging["handlers"]["console"]["formatter"] = "json" if ARKI_LOG_FORMAT == "json" else "plain"
# Django's own line for a 4xx names the path (an id, or a family member's link): the request line
# says the same by route name. Server errors are still logged with their traceback.
_logging["loggers"]["django.request"] = {"level": "ERROR"}
MIDDLEWARE.insert(
    MIDDLEWARE.index("audit.middleware.RequestIdMiddleware") + 1,
    "operations.middleware.RequestLogMiddleware",
)
# The bearer token Prometheus sends to /metrics; without one /metrics answers 404.
ARKI_METRICS_TOKEN = os.environ.get("ARKI_METRICS_TOKEN", "").strip()
if PRODUCTION and ARKI_METRICS_TOKEN and len(ARKI_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("ARKI_METRICS_TOKEN: must be at least 32 characters")
# Seconds between the scheduler's runs (manage.py scheduler; the systemd timer's period).
ARKI_SCHEDULER_INTERVAL = env.get_int("ARKI_SCHEDULER_INTERVAL", 900)
# /readyz answers 503 when the worker's heartbeat or a periodic task last succeeded longer ago.
ARKI_SCHEDULE_STALE_SECONDS = env.get_int(
    "ARKI_SCHEDULE_STALE_SECONDS", 4 * ARKI_SCHEDULER_INTERVAL
)
# manage.py backup encrypts with ARKI_BACKUP_KEY (base64 of 32 random bytes: manage.py backup
# --generate-key); restore also accepts ARKI_BACKUP_PREVIOUS_KEYS (comma-separated, rotation).
# Without a key production refuses to back up unless ARKI_BACKUP_ALLOW_PLAIN=true.
ARKI_BACKUP_KEY = os.environ.get("ARKI_BACKUP_KEY", "").strip()
ARKI_BACKUP_PREVIOUS_KEYS = env.get_list("ARKI_BACKUP_PREVIOUS_KEYS", [])
ARKI_BACKUP_ALLOW_PLAIN = env.get_bool("ARKI_BACKUP_ALLOW_PLAIN", default=False)
# --- End of the operations block ---
