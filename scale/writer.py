"""Bulk writing of generated rows: COPY on PostgreSQL, batched INSERTs elsewhere.

Rows are plain tuples in the order of the given field names, with primary keys assigned by the
generator (so children can point at their parents without a round trip). Model ``save()``,
signals and ``auto_now``/``auto_now_add`` are bypassed on purpose: the generator supplies every
value itself (see ``scale/generator.py`` for the invariants it keeps by hand). Each table is
written in its own transaction; the sequences are reset at the end.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

BATCH_SIZE = 5_000
PROGRESS_EVERY = 1_000_000


class TableWriter:
    """Writes whole tables and remembers how many rows and how long each took."""

    def __init__(self, log: Callable[[str], None] = lambda line: None) -> None:
        self.log = log
        self.postgres = connection.vendor == "postgresql"
        self.counts: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}
        self.written: list[type[models.Model]] = []
        self._next: dict[type[models.Model], int] = {}

    def ids(self, model: type[models.Model]) -> Iterator[int]:
        """Fresh primary keys for ``model``: one above the largest in the table, counting up."""
        # Read the start now, not lazily: a query inside a running COPY would block forever.
        start = self._next.get(model)
        if start is None:
            start = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        return self._count(model, start)

    def _count(self, model: type[models.Model], start: int) -> Iterator[int]:
        number = start
        while True:
            self._next[model] = number + 1
            yield number
            number += 1

    def write_rows(self, row_type: Any, rows: Iterable[tuple[Any, ...]]) -> int:
        """Write rows of a row type of :mod:`scale.generator.rows`: every field, in its order."""
        return self.write(row_type.model, row_type._fields, rows)

    def write(
        self, model: type[models.Model], names: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> int:
        label = model._meta.db_table
        fields = [model._meta.get_field(name) for name in names]
        # A column the generator does not name gets its model default (a field added later,
        # such as a blank free-text field), when that default is one constant value.
        extra = [
            field
            for field in model._meta.concrete_fields
            if field.name not in names
            and not field.primary_key
            and not field.null
            and (
                (field.has_default() and not callable(field.default))
                or (not field.has_default() and field.blank and field.empty_strings_allowed)
            )
        ]
        if extra:
            fields += extra
            defaults = tuple(field.get_default() for field in extra)
            rows = (row + defaults for row in rows)
        started = time.monotonic()
        with transaction.atomic():
            if self.postgres:
                count = self._copy(label, fields, rows)
            else:
                count = self._insert(label, fields, rows)
        elapsed = time.monotonic() - started
        self.counts[label] += count
        self.seconds[label] = self.seconds.get(label, 0.0) + elapsed
        if model not in self.written:
            self.written.append(model)
        self.log(f"  {label}: {count:,} rows in {elapsed:.1f} s")
        return count

    def _progress(self, label: str, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for number, row in enumerate(rows, start=1):
            if number % PROGRESS_EVERY == 0:
                self.log(f"    {label}: {number:,} rows …")
            yield row

    def _copy(self, table: str, fields: list[Any], rows: Iterable[tuple[Any, ...]]) -> int:
        from psycopg.types.json import Jsonb

        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        json_at = [i for i, field in enumerate(fields) if isinstance(field, models.JSONField)]
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in self._progress(table, rows):
                if json_at:
                    row = tuple(Jsonb(v) if i in json_at else v for i, v in enumerate(row))
                copy.write_row(row)
                count += 1
        return count

    def _insert(self, table: str, fields: list[Any], rows: Iterable[tuple[Any, ...]]) -> int:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from models
        count = 0
        batch: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for row in self._progress(table, rows):
                batch.append(
                    tuple(
                        field.get_db_prep_value(value, connection, prepared=False)
                        for field, value in zip(fields, row, strict=True)
                    )
                )
                if len(batch) >= BATCH_SIZE:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count

    def reset_sequences(self) -> None:
        """Point each written table's id sequence past the ids the generator assigned."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.written)
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    def analyze(self) -> None:
        """Fresh planner statistics for the loaded tables (PostgreSQL)."""
        if not self.postgres:
            return
        quote = connection.ops.quote_name
        started = time.monotonic()
        with connection.cursor() as cursor:
            for model in self.written:
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")
        self.log(f"  ANALYZE: {time.monotonic() - started:.1f} s")
