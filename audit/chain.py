"""Hash-chaining the append-only logs, and checking the chain.

Writing a log row stays a plain INSERT. :func:`seal` (a periodic task) takes the unsealed rows
in id order and gives each its place in the chain: ``seq`` (1, 2, 3 …, no gaps),
``previous_hash`` and ``row_hash = sha256(previous_hash + the row's content)``. :func:`verify`
recomputes the chain: a changed row, a removed row (a gap in ``seq``) or a cut tail (the head
no longer matches) is reported with the first place it breaks.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.models import AccessLog, ChainedLog, ChainHead, DisclosureLog

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
LOGS: tuple[type[ChainedLog], ...] = (AccessLog, DisclosureLog)
BATCH = 2000


def content(row: ChainedLog) -> bytes:
    values = []
    for name in row.CHAINED_FIELDS:
        value = getattr(row, name)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def digest(previous: str, row: ChainedLog) -> str:
    return hashlib.sha256(previous.encode() + content(row)).hexdigest()


def _label(model: type[ChainedLog]) -> str:
    return model._meta.label_lower


@transaction.atomic
def seal(model: type[ChainedLog], limit: int = 50_000) -> int:
    """Chain up to ``limit`` unsealed rows of one log; returns how many were sealed.

    On PostgreSQL each batch is one UPDATE that the database checks continues the chain head, and
    the database moves the head with it (migration 0006). Rows numbered past the head were not
    numbered by the sealer: their seal was forged where no trigger guards the log (SQLite), and
    they are sealed again in their place instead of blocking sealing for good.
    """
    head, _created = ChainHead.objects.select_for_update().get_or_create(log=_label(model))
    manager = model._base_manager  # a plain manager: sealing is the one permitted update
    forged = list(manager.filter(seq__gt=head.last_seq).values_list("pk", flat=True))
    if forged:
        logger.warning(
            "%s: rows %s carried forged seal columns past the chain head (row %s); sealing them again",
            _label(model),
            forged,
            head.last_seq,
        )
        manager.filter(pk__in=forged).update(seq=None, previous_hash="", row_hash="")
    sealed = 0
    while sealed < limit:
        rows = list(manager.filter(seq__isnull=True).order_by("pk")[: min(BATCH, limit - sealed)])
        if not rows:
            break
        for row in rows:
            head.last_seq += 1
            row.seq, row.previous_hash = head.last_seq, head.last_hash
            row.row_hash = digest(head.last_hash, row)
            head.last_hash = row.row_hash
        manager.bulk_update(rows, ["seq", "previous_hash", "row_hash"])
        sealed += len(rows)
    if sealed:
        head.sealed_at = timezone.now()
        head.save()
    return sealed


def seal_all() -> dict[str, int]:
    return {_label(model): seal(model) for model in LOGS}


@dataclass(frozen=True)
class Verdict:
    log: str
    rows: int
    intact: bool
    problem: str = ""
    head_hash: str = GENESIS


def verify(model: type[ChainedLog]) -> Verdict:
    """Walk the sealed rows in chain order and recompute every hash."""
    label = _label(model)
    head = ChainHead.objects.filter(log=label).first()
    previous, expected_seq, rows = GENESIS, 1, 0
    for row in model._base_manager.filter(seq__isnull=False).order_by("seq").iterator(2000):
        if row.seq != expected_seq:
            return Verdict(label, rows, False, f"row number {expected_seq} is missing")
        if row.previous_hash != previous or digest(previous, row) != row.row_hash:
            return Verdict(label, rows, False, f"row number {row.seq} (id {row.pk}) was changed")
        previous, expected_seq, rows = row.row_hash, expected_seq + 1, rows + 1
    if head is not None and (head.last_seq != rows or head.last_hash != previous):
        return Verdict(label, rows, False, f"rows after number {rows} were removed")
    return Verdict(label, rows, True, head_hash=previous)


def verify_all() -> list[Verdict]:
    return [verify(model) for model in LOGS]
