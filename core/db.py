"""Database helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

# Enough for the indicator tallies of a county (tens of thousands of groups) to aggregate in
# memory. PostgreSQL's default of 4 MB makes them sort on disk, three times slower.
REPORT_WORK_MEM = "64MB"


@contextmanager
def report_memory() -> Iterator[None]:
    """A transaction in which PostgreSQL may use more memory per sort or hash (``work_mem``)
    for a large grouped query. ``SET LOCAL`` ends with the transaction. Other databases get
    no transaction: on SQLite one would take the write lock (``transaction_mode="IMMEDIATE"``)
    and make every save wait for the report."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield
