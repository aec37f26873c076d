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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
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
# Package.version is a PositiveIntegerField: the largest value every database stores.
MAX_VERSION = 2**31 - 1
# More people than live in Finland: an area's (or a region's) population above it is an error.
MAX_POPULATION = 10_000_000
# A package is at most five levels deep (payload, figures, figure, name, text); no need for more.
MAX_DEPTH = 8


@dataclass(frozen=True)
class IndicatorRule:
    """What the receiving installation's own indicator catalogue says about one indicator.

    The hub judges every figure by this, never by what the sender says about it.
    """

    unit: str
    person_count: bool  # a count of people: whole numbers only, and 1–4 is never shown
    low: float | None = None  # the scale's bounds (percent 0–100, a 1–5 answer scale)
    high: float | None = None


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
        if not isinstance(code, str) or not code or len(code) > 40:
            raise PackageRejected(_("The package does not name its region."))
        return code


def _valid_text(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return "\x00" not in text


def _readable(value: Any) -> None:
    """Reject JSON that decodes to what the database cannot keep: lone surrogates (from "\\ud800"
    escapes), NUL characters, and nesting deeper than a package ever needs."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PackageRejected(_("The package is damaged: its contents are nested too deeply."))
        texts = [item] if isinstance(item, str) else list(item) if isinstance(item, dict) else []
        if not all(_valid_text(text) for text in texts):
            raise PackageRejected(
                _(
                    "The package is damaged: it contains characters that are not valid text "
                    "(lone surrogates or NUL)."
                )
            )
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _load_json(raw: bytes, not_json: str) -> Any:
    try:
        value = json.loads(raw)
    except RecursionError:
        raise PackageRejected(
            _("The package is damaged: its contents are nested too deeply.")
        ) from None
    except ValueError:  # also UnicodeDecodeError, and a number of more than 4,300 digits
        raise PackageRejected(not_json) from None
    _readable(value)
    return value


def open_envelope(raw: bytes) -> Opened:
    """Parse an envelope; rejects anything that is not a signed Arki package."""
    if len(raw) > MAX_BYTES:
        raise PackageRejected(_("The package is larger than 5 MB."))
    envelope = _load_json(raw, _("The file is not a learning-network package (not JSON)."))
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise PackageRejected(_("The file is not a learning-network package."))
    if not envelope.get("signature"):
        raise PackageRejected(_("The package is not signed."))
    try:
        data = base64.b64decode(str(envelope.get("payload", "")), validate=True)
        signature = base64.b64decode(str(envelope["signature"]), validate=True)
    except (binascii.Error, ValueError):
        raise PackageRejected(_("The package is damaged: its contents are not base64.")) from None
    payload = _load_json(data, _("The package is damaged: its contents are not JSON."))
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


def check_payload(payload: dict[str, Any], catalogue: Mapping[str, IndicatorRule]) -> None:
    """Check the payload's shape and re-check small-number suppression; raises PackageRejected.

    ``catalogue`` is the checking installation's own indicator catalogue by code (see
    :func:`learning.selectors.indicator_rules`): it, not the sender, says which figures count
    people, in which unit, on which scale. An indicator missing from it is rejected.
    """
    _check_header(payload)
    for key in ("figures", "populations", "learnings"):
        if not isinstance(payload.get(key), list):
            raise _fail(_("The package has no list of %(key)s.") % {"key": key})
    columns: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    seen: set[tuple[str, str, str, str]] = set()
    for number, figure in enumerate(payload["figures"], start=1):
        where = _("figure %(n)s") % {"n": number}
        rule = _check_figure(figure, where, catalogue)
        cell = (figure["programme"], figure["indicator"], figure["area"], figure["period"])
        if cell in seen:
            raise _fail(
                _(
                    "%(where)s: %(indicator)s, %(area)s, %(period)s is in the package more "
                    "than once."
                )
                % {
                    "where": where,
                    "indicator": figure["indicator"],
                    "area": figure["area_name"],
                    "period": figure["period"],
                }
            )
        seen.add(cell)
        if rule.person_count:
            column = (figure["programme"], figure["indicator"], figure["period"])
            columns.setdefault(column, []).append(figure)
    for (_programme, indicator, period), cells in columns.items():
        if _derivable(cells):
            raise _fail(
                _(
                    "A hidden figure can be worked out from the total: %(indicator)s, "
                    "%(period)s. Hide another area or the total as well."
                )
                % {"indicator": indicator, "period": period}
            )
    _check_populations(payload["populations"])
    _check_learnings(payload["learnings"])


def _check_header(payload: dict[str, Any]) -> None:
    if payload.get("format_version") != FORMAT_VERSION:
        raise _fail(
            _("Unknown package format version: %(v)s.")
            % {"v": str(payload.get("format_version"))[:20]}
        )
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION:
        raise _fail(
            _("The package version must be a whole number from 1 to %(max)s.")
            % {"max": MAX_VERSION}
        )
    created_at = payload.get("created_at")
    try:
        if not isinstance(created_at, str):
            raise ValueError(created_at)
        moment = datetime.fromisoformat(created_at)
        if moment.utcoffset() is None:
            raise ValueError(created_at)  # a time without its offset is ambiguous
        moment.astimezone(UTC)  # within the years a database stores
    except (ValueError, OverflowError):
        raise _fail(_("The package's creation time is not valid.")) from None


def _check_figure(figure: Any, where: str, catalogue: Mapping[str, IndicatorRule]) -> IndicatorRule:
    """One figure's shape and value, judged by the hub's own rule for its indicator."""
    if not isinstance(figure, dict):
        raise _fail(_("%(where)s is not valid.") % {"where": where})
    for key, limit in (("programme", 60), ("indicator", 60), ("area_name", 200)):
        _text(figure, key, where, limit=limit)
    _text(figure, "area", where, blank=True, limit=40)
    _text(figure, "note", where, blank=True, limit=2000)
    names = figure.get("name")
    if not isinstance(names, dict) or not isinstance(names.get("fi"), str):
        raise _fail(_("%(where)s: the indicator has no Finnish name.") % {"where": where})
    if any(not isinstance(names.get(language, ""), str) for language in ("sv", "en")):
        raise _fail(
            _("%(where)s: %(key)s is missing or not valid.") % {"where": where, "key": "name"}
        )
    population = figure.get("population", "inhabitants")
    if not isinstance(population, str) or population not in POPULATIONS:
        raise _fail(_("%(where)s: unknown population.") % {"where": where})
    unit = figure.get("unit")
    if not isinstance(unit, str) or unit not in UNITS:
        raise _fail(_("%(where)s: unknown unit.") % {"where": where})
    rule = catalogue.get(figure["indicator"])
    if rule is None:
        raise _fail(
            _("%(where)s: unknown indicator %(indicator)s: it is not in this hub's catalogue.")
            % {"where": where, "indicator": figure["indicator"]}
        )
    if unit != rule.unit:
        raise _fail(
            _(
                "%(where)s: the unit of %(indicator)s is %(expected)s in this hub's catalogue, "
                "not %(unit)s."
            )
            % {
                "where": where,
                "indicator": figure["indicator"],
                "expected": rule.unit,
                "unit": unit,
            }
        )
    period = figure.get("period")
    try:
        if not isinstance(period, str) or parse_period(period).code != period:
            raise ValueError(period)
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
    if figure.get("hidden_reason", "") not in HIDDEN_REASONS:
        raise _fail(
            _("%(where)s: hidden_reason must be empty, small, secondary or derived.")
            % {"where": where}
        )
    if value is not None:
        _check_value(figure, value, rule, where)
    return rule


# Why a figure is hidden: 1–4 people ("small", shown "<5") or to protect another cell
# ("secondary", shown "..") or too few to compute a share or average ("derived", shown "..");
# empty in packages from before the reason was sent (shown "..").
HIDDEN_REASONS = ("", "small", "secondary", "derived")


def _check_value(figure: dict[str, Any], value: Any, rule: IndicatorRule, where: str) -> None:
    if rule.person_count:
        # The sender's person_count flag is not asked: the hub's catalogue decides.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _fail(
                _("%(where)s: %(indicator)s counts people: its value must be a whole number.")
                % {"where": where, "indicator": figure["indicator"]}
            )
    else:
        try:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(value)
            if not math.isfinite(value) or value < 0:
                raise ValueError(value)
        except (ValueError, OverflowError):  # OverflowError: an integer beyond a float
            raise _fail(_("%(where)s: the value is not a number.") % {"where": where}) from None
    if (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high):
        raise _fail(
            _("%(where)s: %(value)s is outside the scale of %(indicator)s (%(low)s–%(high)s).")
            % {
                "where": where,
                "value": value,
                "indicator": figure["indicator"],
                "low": _number(rule.low),
                "high": _number(rule.high),
            }
        )
    if rule.person_count and is_small(value):
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


def _number(bound: float | None) -> str:
    return "" if bound is None else f"{bound:g}"


def _derivable(cells: list[dict[str, Any]]) -> bool:
    """Whether a column of person counts lets a reader work out or bound its hidden areas.

    While the total is shown: one hidden area is the total minus the shown ones, and hidden
    areas that add up to 1–4 (the total minus the shown areas) are all small.
    """
    total = next((c for c in cells if c["area"] == ""), None)
    areas = [c for c in cells if c["area"] != ""]
    hidden = [c for c in areas if c["hidden"]]
    if total is None or total["hidden"] or not hidden:
        return False
    if len(hidden) == 1:
        return True
    if total["value"] is None:
        return False
    shown = sum(c["value"] for c in areas if not c["hidden"] and c["value"] is not None)
    return is_small(total["value"] - shown)


def _check_populations(populations: list[Any]) -> None:
    totals = dict.fromkeys(POPULATIONS, 0)
    for number, population in enumerate(populations, start=1):
        where = _("population %(n)s") % {"n": number}
        if not isinstance(population, dict):
            raise _fail(_("%(where)s is not valid.") % {"where": where})
        _text(population, "area", where, limit=40)
        for key in POPULATIONS:
            count = population.get(key)
            if count is None:
                continue
            if (
                not isinstance(count, int)
                or isinstance(count, bool)
                or not 0 <= count <= MAX_POPULATION
            ):
                raise _fail(
                    _("%(where)s: %(key)s is not a whole number from 0 to %(max)s.")
                    % {"where": where, "key": key, "max": MAX_POPULATION}
                )
            totals[key] += count
    if any(total > MAX_POPULATION for total in totals.values()):
        raise _fail(
            _("The populations of the areas add up to more than %(max)s.") % {"max": MAX_POPULATION}
        )


def _check_learnings(learnings: list[Any]) -> None:
    for number, learning in enumerate(learnings, start=1):
        where = _("learning %(n)s") % {"n": number}
        kind = learning.get("kind") if isinstance(learning, dict) else None
        if not isinstance(kind, str) or kind not in KINDS:
            raise _fail(_("%(where)s: unknown kind.") % {"where": where})
        _text(learning, "text", where, limit=4000)
        _text(learning, "area_name", where, blank=True)
        day = learning.get("date")
        try:
            if not isinstance(day, str):
                raise ValueError(day)
            date.fromisoformat(day)
        except ValueError:
            raise _fail(_("%(where)s: the date is not valid.") % {"where": where}) from None
