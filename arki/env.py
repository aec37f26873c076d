"""Reading Arki's configuration from environment variables.

Every reader names the variable in its error, so a wrong or missing value stops
start-up with a message that tells the operator what to fix.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def get_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}")


def get_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None


def get_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = os.environ.get(name, default).strip().lower()
    if raw not in choices:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {raw!r}")
    return raw


def get_secret_key(production: bool, local_dir: Path) -> str:
    """SECRET_KEY from the environment; outside production one is generated and kept locally."""
    raw = os.environ.get("SECRET_KEY", "").strip()
    if raw:
        if production and len(raw) < 50:
            raise ImproperlyConfigured("SECRET_KEY: must be at least 50 characters in production")
        return raw
    if production:
        raise ImproperlyConfigured("SECRET_KEY: required in production (ARKI_ENV=production)")
    key_file = local_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    local_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


# psycopg's own default: a query is prepared on its fifth run in the connection.
PREPARE_AFTER = 5


def get_database(default_sqlite_path: Path) -> dict[str, Any]:
    """DATABASES['default'] from DATABASE_URL: sqlite:///path or postgres://user@host:port/name."""
    import dj_database_url

    raw = os.environ.get("DATABASE_URL", "").strip()
    # Each web worker keeps its connection (SQLite too: a new one reads the schema again and
    # starts with an empty page cache; Django's development server still closes its per-request
    # threads' connections).
    max_age = get_int("DB_CONN_MAX_AGE", 60)
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "CONN_MAX_AGE": max_age,
        }
    scheme = raw.split(":", 1)[0].lower()
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL: unsupported scheme {scheme!r}; use sqlite:///path or postgres://…"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(raw, conn_max_age=max_age))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL: cannot be read ({error})") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL: names no database")
    if config["ENGINE"] != "django.db.backends.sqlite3":
        # A persistent connection is checked before each request reuses it, so a restarted
        # server is reconnected on the next request; an unreachable one fails within seconds
        # (operations.middleware answers 503) instead of holding the worker.
        config["CONN_HEALTH_CHECKS"] = True
        options = config.setdefault("OPTIONS", {})
        options["connect_timeout"] = get_int("DB_CONNECT_TIMEOUT", 2)
        if get_bool("DB_PREPARED_STATEMENTS", True):
            # The values travel apart from the SQL text (server-side binding), so a query the
            # connection has run PREPARE_AFTER times is kept prepared on the server and not
            # planned again: planning was most of PostgreSQL's time on the key pages (decision
            # 0007). Off behind pgbouncer in transaction mode (docs/operations.md).
            options["server_side_binding"] = True
            options["prepare_threshold"] = PREPARE_AFTER
    return config


def get_email(default: str) -> dict[str, Any]:
    """Email settings from EMAIL_URL: smtp://user:pass@host:587?tls=1, console:, locmem:, file:/dir."""
    raw = os.environ.get("EMAIL_URL", default).strip()
    url = urlparse(raw)
    scheme = url.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": url.path or "/tmp/arki-mail",  # noqa: S108
        }
    if scheme in {"smtp", "smtps"}:
        if not url.hostname:
            raise ImproperlyConfigured("EMAIL_URL: smtp URL names no host")
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        try:
            port = url.port or (465 if scheme == "smtps" else 25)
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL: the port is not a number") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": url.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(url.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(url.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", "").lower() in TRUE_WORDS,
            "EMAIL_TIMEOUT": 10,
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL: unsupported scheme {scheme!r}; use smtp://, smtps://, console:, locmem: or file:"
    )


OIDC_REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)
OIDC_SIGN_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")


def get_oidc() -> dict[str, str]:
    """The OIDC single sign-on settings, or {} when none of its variables is set.

    A half-configured sign-on would fail only when someone first tries it, so every
    missing variable stops start-up instead.
    """
    values = {name: os.environ.get(name, "").strip() for name in OIDC_REQUIRED}
    if not any(values.values()):
        return {}
    for name, value in values.items():
        if not value:
            raise ImproperlyConfigured(
                f"{name}: required when OIDC sign-in is configured "
                f"(set all of {', '.join(OIDC_REQUIRED)} or none)"
            )
    algorithm = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256").strip().upper() or "RS256"
    if algorithm not in OIDC_SIGN_ALGORITHMS:
        raise ImproperlyConfigured(
            f"OIDC_RP_SIGN_ALGO: expected one of {', '.join(OIDC_SIGN_ALGORITHMS)}, got {algorithm!r}"
        )
    return {**values, "OIDC_RP_SIGN_ALGO": algorithm}
