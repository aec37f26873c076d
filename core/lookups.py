"""``any_of``: a field is one of a list of integers, written with one parameter however many.

Django writes ``field__in=[1, 2, 3]`` as ``IN (%s, %s, %s)``: the SQL text changes with the
number of values, so such a query cannot be compiled once and run again with other values
(``core.db.Prepared``). ``field__any_of=[1, 2, 3]`` passes the list as one parameter:
PostgreSQL ``field = ANY(%s::bigint[])``, SQLite ``field IN (SELECT value FROM json_each(%s))``
(the list as JSON text). Same rows as ``__in``; an empty list matches nothing. For integer
columns and foreign keys only (registered in ``core.apps``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup


def list_parameter(connection: BaseDatabaseWrapper, values: Iterable[int]) -> Any:
    """The one parameter that carries the integers to the database."""
    numbers = list(values)
    for number in numbers:
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"any_of takes integers, not {number!r}")
        if not -(2**63) <= number < 2**63:
            raise OverflowError(f"any_of: {number} is outside the database's integers")
    if connection.vendor == "postgresql":
        return numbers
    return json.dumps(numbers)


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        return "%s", [list_parameter(connection, value)]

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = [*lhs_params, *rhs_params]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY({rhs}::bigint[])", params
        if connection.vendor == "sqlite":
            # The column and a placeholder only: the values travel as the parameter.
            return f"{lhs} IN (SELECT value FROM json_each({rhs}))", params  # noqa: S608
        raise NotImplementedError(f"any_of: no SQL for {connection.vendor}")
