"""Signed checkpoints of the logs' chain heads, kept outside the database.

The hash chain (``audit.chain``) shows a changed, removed or cut row, but someone able to write
the whole table could rewrite every row and compute a fresh chain. So once a day
:func:`write_checkpoints` (the periodic task ``audit.tasks.checkpoint_logs`` and
``manage.py checkpoint_logs``) seals the new rows and writes one new file
``arki-checkpoints-<UTC time>.jsonl`` into ``ARKI_CHECKPOINT_DIR`` with one JSON line per log::

    {"format": "arki-log-checkpoint", "log": "audit.accesslog", "last_seq": 1234,
     "last_hash": "<row 1234's hash>", "sealed_at": "...", "signed_at": "...",
     "key": "<base64 public key>", "signature": "<base64 Ed25519 signature>"}

The signature covers the compact, key-sorted JSON of the fields before ``key``. The operator
ships the files to write-once storage; a copy of each line stays in ``LogCheckpoint`` for the data
protection officer's page. :func:`verify_checkpoints` checks each checkpoint's signature and that
the log still holds row ``last_seq`` with that hash. Every row's hash covers all rows before it, so
a log rewritten and re-chained whole no longer matches the checkpoints taken before the rewrite.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from audit.chain import GENESIS, LOGS, seal
from audit.models import ChainedLog, ChainHead, LogCheckpoint

FORMAT = "arki-log-checkpoint"
FILE_PREFIX = "arki-checkpoints-"
SIGNED_FIELDS = ("format", "log", "last_seq", "last_hash", "sealed_at", "signed_at")
MAX_LINE = 4096


# --- the key ---------------------------------------------------------------------------------


def _decode_key(raw: str, name: str) -> bytes:
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: expected base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name}: expected 32 bytes (an Ed25519 seed), got {len(key)}")
    return key


def signing_key() -> SigningKey:
    """The checkpoint signing key: ARKI_CHECKPOINT_KEY, or a local one outside production."""
    raw = settings.ARKI_CHECKPOINT_KEY
    if raw:
        return SigningKey(_decode_key(raw, "ARKI_CHECKPOINT_KEY"))
    if settings.PRODUCTION:
        raise ImproperlyConfigured("ARKI_CHECKPOINT_KEY: required in production")
    path = Path(settings.LOCAL_DIR) / "checkpoint_signing_key"
    if path.exists():
        return SigningKey(_decode_key(path.read_text(), str(path)))
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = os.urandom(32)
    path.write_text(base64.b64encode(seed).decode())
    path.chmod(0o600)
    return SigningKey(seed)


def public_key_text(key: VerifyKey) -> str:
    """The base64 public key that checks the checkpoints; write it down with the officer."""
    return base64.b64encode(bytes(key)).decode()


def _signed_bytes(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        {name: fields[name] for name in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":")
    ).encode()


# --- writing ---------------------------------------------------------------------------------


def _label(model: type[ChainedLog]) -> str:
    return model._meta.label_lower


def due(now: datetime | None = None) -> bool:
    """Whether today's (Europe/Helsinki) checkpoint is still to be written."""
    today = timezone.localdate(now or timezone.now())
    latest = LogCheckpoint.objects.order_by("-signed_at").first()
    return latest is None or timezone.localdate(latest.signed_at) < today


def write_checkpoints(
    *, now: datetime | None = None, directory: Path | None = None
) -> list[LogCheckpoint]:
    """Seal the logs, then sign each chain head into a new file and keep a copy of each line.

    The file is created exclusively (never overwritten) and flushed to disk before the copies
    are saved, so a checkpoint in the database always has its file.
    """
    now = now or timezone.now()
    directory = Path(directory or settings.ARKI_CHECKPOINT_DIR)
    key = signing_key()
    public = public_key_text(key.verify_key)
    lines: list[tuple[dict[str, Any], str]] = []
    for model in LOGS:
        seal(model)
        head = ChainHead.objects.filter(log=_label(model)).first()
        fields: dict[str, Any] = {
            "format": FORMAT,
            "log": _label(model),
            "last_seq": head.last_seq if head else 0,
            "last_hash": head.last_hash if head else GENESIS,
            "sealed_at": head.sealed_at.isoformat() if head and head.sealed_at else None,
            "signed_at": now.isoformat(),
        }
        signature = key.sign(_signed_bytes(fields)).signature
        line = {**fields, "key": public, "signature": base64.b64encode(signature).decode()}
        lines.append((fields, json.dumps(line, sort_keys=True)))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{FILE_PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}.jsonl"
    with path.open("x", encoding="utf-8") as file:
        file.write("".join(f"{line}\n" for _fields, line in lines))
        file.flush()
        os.fsync(file.fileno())
    with transaction.atomic():
        return [
            LogCheckpoint.objects.create(
                log=fields["log"],
                last_seq=fields["last_seq"],
                last_hash=fields["last_hash"],
                signed_at=now,
                file_name=path.name,
                line=line,
            )
            for fields, line in lines
        ]


# --- checking --------------------------------------------------------------------------------


@dataclass
class CheckpointVerdict:
    """One checkpoint, where it was read, and whether the log still matches it."""

    log: str
    last_seq: int | None
    last_hash: str
    signed_at: str
    sources: list[str] = field(default_factory=list)
    intact: bool = True
    problem: str = ""

    @property
    def signed_time(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.signed_at)
        except ValueError:
            return None


def _problem(source: str, problem: str) -> CheckpointVerdict:
    return CheckpointVerdict("", None, "", "", [source], False, problem)


def _parse(text: str, source: str) -> tuple[dict[str, Any], bytes] | CheckpointVerdict:
    """A checkpoint line's fields and signature, or a verdict saying why it cannot be read."""
    unreadable = _("%(source)s is not a log checkpoint.") % {"source": source}
    if len(text) > MAX_LINE:
        return _problem(source, unreadable)
    try:
        data = json.loads(text)
    except ValueError:
        return _problem(source, unreadable)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return _problem(source, unreadable)
    if any(name not in data for name in SIGNED_FIELDS):
        return _problem(source, unreadable)
    if not isinstance(data.get("last_seq"), int) or not all(
        isinstance(data.get(name), str) for name in ("log", "last_hash", "signed_at", "signature")
    ):
        return _problem(source, unreadable)
    try:
        signature = base64.b64decode(data["signature"], validate=True)
    except (binascii.Error, ValueError):
        return _problem(source, unreadable)
    return data, signature


def _read_directory(directory: Path) -> Iterable[tuple[str, str]]:
    if not directory.is_dir():
        return
    for path in sorted(directory.glob(f"{FILE_PREFIX}*.jsonl")):
        with path.open(encoding="utf-8", errors="replace") as file:
            for number, text in enumerate(file, start=1):
                if text.strip():
                    yield f"{path.name}:{number}", text.strip()


def _read_database() -> Iterable[tuple[str, str]]:
    for copy in LogCheckpoint.objects.order_by("signed_at", "pk").iterator(500):
        yield _("database copy %(id)s") % {"id": copy.pk}, copy.line


def verify_checkpoints(
    directory: Path | None = None, *, database: bool = True
) -> list[CheckpointVerdict]:
    """Check every checkpoint in ``directory`` (default ARKI_CHECKPOINT_DIR) and the copies.

    A checkpoint passes when this installation's key signed it and the log still holds row
    ``last_seq`` with hash ``last_hash``. The same checkpoint read from the file and from its
    copy gives one verdict naming both places.
    """
    directory = Path(directory or settings.ARKI_CHECKPOINT_DIR)
    verify_key = signing_key().verify_key
    models = {_label(model): model for model in LOGS}
    verdicts: dict[bytes, CheckpointVerdict] = {}
    unreadable: list[CheckpointVerdict] = []
    wanted: dict[str, set[int]] = {label: set() for label in models}
    sources = list(_read_directory(directory))
    if database:
        sources += list(_read_database())
    for source, text in sources:
        parsed = _parse(text, source)
        if isinstance(parsed, CheckpointVerdict):
            unreadable.append(parsed)
            continue
        data, signature = parsed
        key = _signed_bytes(data) + signature
        if key in verdicts:
            verdicts[key].sources.append(source)
            continue
        verdict = CheckpointVerdict(
            data["log"], data["last_seq"], data["last_hash"], data["signed_at"], [source]
        )
        verdicts[key] = verdict
        try:
            verify_key.verify(_signed_bytes(data), signature)
        except (BadSignatureError, KeyError, TypeError, ValueError):
            verdict.intact = False
            verdict.problem = _(
                "The checkpoint of %(time)s is not signed by this installation's checkpoint key."
            ) % {"time": verdict.signed_at}
            continue
        if verdict.log not in models:
            verdict.intact = False
            verdict.problem = _("The checkpoint names an unknown log.")
        elif verdict.last_seq:
            wanted[verdict.log].add(int(verdict.last_seq))
    hashes = {
        label: dict(
            models[label]
            ._base_manager.filter(seq__in=numbers)
            .values_list("seq", "row_hash")
            .iterator(2000)
        )
        for label, numbers in wanted.items()
    }
    for verdict in verdicts.values():
        if not verdict.intact or not verdict.last_seq:
            continue
        found = hashes[verdict.log].get(verdict.last_seq)
        if found is None:
            verdict.intact = False
            verdict.problem = _(
                "Row number %(seq)s, which the checkpoint of %(time)s records, is missing from the "
                "log."
            ) % {"seq": verdict.last_seq, "time": verdict.signed_at}
        elif found != verdict.last_hash:
            verdict.intact = False
            verdict.problem = _(
                "Row number %(seq)s no longer has the hash the checkpoint of %(time)s records: "
                "the log was rewritten."
            ) % {"seq": verdict.last_seq, "time": verdict.signed_at}
    return unreadable + sorted(verdicts.values(), key=lambda verdict: verdict.signed_at)
