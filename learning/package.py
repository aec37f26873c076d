"""The learning-network package: what a region sends, how it is signed, and how a hub checks it.

A package is an *envelope* around exact payload bytes, so the signature covers precisely what
was sent and no JSON canonicalisation is needed::

    {"format": "arki-learning-package", "payload": "<base64 of the payload JSON>",
     "signature": "<base64 Ed25519 signature of those bytes>"}

The payload holds aggregate indicator figures per area and period (small numbers already
suppressed), population denominators, and the learnings the region chose to share. It never
holds a person's name, identifier or free text about a family.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from indicators.periods import parse_period
from indicators.suppression import is_small

FORMAT = "arki-learning-package"
FORMAT_VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
KINDS = {"works", "does_not_work", "essential", "decision"}
UNITS = {"count", "percent", "days", "average"}
POPULATIONS = {"children", "inhabitants"}


class PackageRejected(ValueError):
    """The package cannot be accepted; ``str()`` is the reason in the user's language."""


# --- keys ------------------------------------------------------------------------------------


def _decode_key(raw: str, name: str) -> bytes:
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: expected base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name}: expected 32 bytes (an Ed25519 seed), got {len(key)}")
    return key


def signing_key() -> SigningKey:
    """This region's Ed25519 signing key: LEARNING_SIGNING_KEY, or a local one outside production."""
    raw = os.environ.get("LEARNING_SIGNING_KEY", "").strip()
    if raw:
        return SigningKey(_decode_key(raw, "LEARNING_SIGNING_KEY"))
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "LEARNING_SIGNING_KEY: required to sign learning-network packages in production"
        )
    path = Path(settings.LOCAL_DIR) / "learning_signing_key"
    if path.exists():
        return SigningKey(_decode_key(path.read_text(), str(path)))
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = os.urandom(32)
    path.write_text(base64.b64encode(seed).decode())
    path.chmod(0o600)
    return SigningKey(seed)


def public_key_text(key: SigningKey) -> str:
    """The base64 public key a hub registers for this region."""
    return base64.b64encode(bytes(key.verify_key)).decode()


def valid_public_key(text: str) -> bool:
    try:
        return len(base64.b64decode(text.strip(), validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


# --- signing and opening ---------------------------------------------------------------------


def seal(payload: dict[str, Any], key: SigningKey) -> bytes:
    """Serialise and sign a payload; returns the envelope bytes."""
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1).encode()
    envelope = {
        "format": FORMAT,
        "payload": base64.b64encode(data).decode(),
        "signature": base64.b64encode(key.sign(data).signature).decode(),
    }
    return json.dumps(envelope, indent=1).encode()


@dataclass(frozen=True)
class Opened:
    """An envelope taken apart: the payload is not yet trusted until :func:`verify` passes."""

    data: bytes
    signature: bytes
    payload: dict[str, Any]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def region_code(self) -> str:
        region = self.payload.get("region")
        code = region.get("code") if isinstance(region, dict) else None
        if not isinstance(code, str) or not code:
            raise PackageRejected(_("The package does not name its region."))
        return code


def open_envelope(raw: bytes) -> Opened:
    """Parse an envelope; rejects anything that is not a signed Arki package."""
    if len(raw) > MAX_BYTES:
        raise PackageRejected(_("The package is larger than 5 MB."))
    try:
        envelope = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRejected(_("The file is not a learning-network package (not JSON).")) from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise PackageRejected(_("The file is not a learning-network package."))
    if not envelope.get("signature"):
        raise PackageRejected(_("The package is not signed."))
    try:
        data = base64.b64decode(str(envelope.get("payload", "")), validate=True)
        signature = base64.b64decode(str(envelope["signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise PackageRejected(_("The package is damaged: its contents are not base64.")) from None
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRejected(_("The package is damaged: its contents are not JSON.")) from None
    if not isinstance(payload, dict):
        raise PackageRejected(_("The package is damaged: its contents are not JSON."))
    return Opened(data, signature, payload)


def verify(opened: Opened, public_key: str) -> None:
    """Check the signature against the region's registered key."""
    try:
        VerifyKey(base64.b64decode(public_key)).verify(opened.data, opened.signature)
    except (BadSignatureError, ValueError, binascii.Error):
        raise PackageRejected(
            _(
                "The signature does not match: the package was changed after signing "
                "or was not signed by the region's registered key."
            )
        ) from None


# --- the payload's shape and its privacy check -----------------------------------------------


def _fail(message: str) -> PackageRejected:
    return PackageRejected(message)


def _text(
    item: dict[str, Any], key: str, where: str, *, blank: bool = False, limit: int = 200
) -> str:
    value = item.get(key, "" if blank else None)
    if not isinstance(value, str) or (not blank and not value.strip()) or len(value) > limit:
        raise _fail(_("%(where)s: %(key)s is missing or not valid.") % {"where": where, "key": key})
    return value


def check_payload(payload: dict[str, Any]) -> None:
    """Check the payload's shape and re-check small-number suppression; raises PackageRejected."""
    if payload.get("format_version") != FORMAT_VERSION:
        raise _fail(
            _("Unknown package format version: %(v)s.") % {"v": payload.get("format_version")}
        )
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(_("The package version must be a whole number from 1."))
    try:
        datetime.fromisoformat(str(payload.get("created_at")))
    except ValueError:
        raise _fail(_("The package's creation time is not valid.")) from None
    for key in ("figures", "populations", "learnings"):
        if not isinstance(payload.get(key), list):
            raise _fail(_("The package has no list of %(key)s.") % {"key": key})
    columns: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for number, figure in enumerate(payload["figures"], start=1):
        where = _("figure %(n)s") % {"n": number}
        if not isinstance(figure, dict):
            raise _fail(_("%(where)s is not valid.") % {"where": where})
        for key, limit in (("programme", 60), ("indicator", 60), ("area_name", 200)):
            _text(figure, key, where, limit=limit)
        _text(figure, "area", where, blank=True, limit=40)
        _text(figure, "note", where, blank=True, limit=2000)
        names = figure.get("name")
        if not isinstance(names, dict) or not isinstance(names.get("fi"), str):
            raise _fail(_("%(where)s: the indicator has no Finnish name.") % {"where": where})
        if figure.get("population", "inhabitants") not in POPULATIONS:
            raise _fail(_("%(where)s: unknown population.") % {"where": where})
        if figure.get("unit") not in UNITS:
            raise _fail(_("%(where)s: unknown unit.") % {"where": where})
        try:
            parse_period(str(figure.get("period")))
        except ValueError:
            raise _fail(_("%(where)s: the period is not valid.") % {"where": where}) from None
        value, hidden = figure.get("value"), figure.get("hidden")
        if not isinstance(hidden, bool):
            raise _fail(_("%(where)s: hidden must be true or false.") % {"where": where})
        if hidden and value is not None:
            raise _fail(
                _("%(where)s: a hidden figure carries its value; the package leaks it.")
                % {"where": where}
            )
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise _fail(_("%(where)s: the value is not a number.") % {"where": where})
        if figure.get("person_count") and figure["unit"] == "count":
            if not hidden and value is not None and is_small(math.ceil(value)):
                raise _fail(
                    _(
                        "Unsuppressed small number: %(indicator)s, %(area)s, %(period)s is "
                        "%(value)s. Counts of 1–4 people must be hidden."
                    )
                    % {
                        "indicator": figure["indicator"],
                        "area": figure["area_name"],
                        "period": figure["period"],
                        "value": value,
                    }
                )
            column = (figure["programme"], figure["indicator"], figure["period"])
            columns.setdefault(column, []).append(figure)
    for (_programme, indicator, period), cells in columns.items():
        total = [c for c in cells if c["area"] == ""]
        hidden_areas = [c for c in cells if c["area"] != "" and c["hidden"]]
        if total and not total[0]["hidden"] and len(hidden_areas) == 1:
            raise _fail(
                _(
                    "A hidden figure can be worked out from the total: %(indicator)s, "
                    "%(period)s. Hide another area or the total as well."
                )
                % {"indicator": indicator, "period": period}
            )
    for number, population in enumerate(payload["populations"], start=1):
        where = _("population %(n)s") % {"n": number}
        if not isinstance(population, dict):
            raise _fail(_("%(where)s is not valid.") % {"where": where})
        _text(population, "area", where, limit=40)
        for key in POPULATIONS:
            count = population.get(key)
            if count is not None and (not isinstance(count, int) or count < 0):
                raise _fail(
                    _("%(where)s: %(key)s is not a whole number.") % {"where": where, "key": key}
                )
    for number, learning in enumerate(payload["learnings"], start=1):
        where = _("learning %(n)s") % {"n": number}
        if not isinstance(learning, dict) or learning.get("kind") not in KINDS:
            raise _fail(_("%(where)s: unknown kind.") % {"where": where})
        _text(learning, "text", where, limit=4000)
        _text(learning, "area_name", where, blank=True)
        try:
            date.fromisoformat(str(learning.get("date")))
        except ValueError:
            raise _fail(_("%(where)s: the date is not valid.") % {"where": where}) from None
