"""Checking an HSDS export against the official Open Referral HSDS 3.0 JSON schemas.

The schemas are vendored in ``directory/hsds_schema/`` (see its README for the
source commit and the CC BY-SA 4.0 licence). Arki's export keeps one list per
HSDS table, as the HSDS tabular format does, so every row is validated against
the schema of its table's object; ``x_`` columns are extensions the schemas allow.
A CSV export is checked the same way: an empty cell is a missing value.

The ``jsonschema`` package is a test dependency; this module is used by the tests
and by anyone checking an export by hand, not while serving requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from directory import hsds

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
# Arki table -> HSDS object schema.
TABLE_SCHEMAS = {
    "organizations": "organization.json",
    "services": "service.json",
    "locations": "location.json",
    "service_at_locations": "service_at_location.json",
    "contacts": "contact.json",
    "phones": "phone.json",
}


@dataclass(frozen=True)
class SchemaError:
    table: str
    row: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}[{self.row}] {self.path or '(row)'}: {self.message}"


@cache
def _validators() -> dict[str, Any]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    schemas = {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMA_DIR.glob("*.json"))
    }
    # The schemas refer to each other by file name ("phone.json") and declare no dialect.
    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in schemas.items()
    )
    checker = Draft202012Validator.FORMAT_CHECKER
    return {
        table: Draft202012Validator(schemas[name], registry=registry, format_checker=checker)
        for table, name in TABLE_SCHEMAS.items()
    }


def _row_for_schema(row: dict[str, Any], from_csv: bool) -> dict[str, Any]:
    if not from_csv:
        return row
    return {column: value for column, value in row.items() if value != ""}


def schema_errors(tables: hsds.Table, *, from_csv: bool = False) -> list[SchemaError]:
    """Every way the rows of ``tables`` break the HSDS 3.0 schemas; empty when they conform.

    Tables Arki does not know are not checked; a table that is not a list of
    objects is one error.
    """
    errors: list[SchemaError] = []
    for table, validator in _validators().items():
        rows = tables.get(table, [])
        if not isinstance(rows, list):
            errors.append(SchemaError(table, 0, "", "the table is not a list"))
            continue
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                errors.append(SchemaError(table, number, "", "the row is not an object"))
                continue
            for error in validator.iter_errors(_row_for_schema(row, from_csv)):
                path = "/".join(str(part) for part in error.absolute_path)
                errors.append(SchemaError(table, number, path, error.message))
    return errors


def csv_tables(data: bytes) -> hsds.Table:
    """The rows of a CSV export as plain dictionaries, for :func:`schema_errors`."""
    rows, _errors = hsds.read_csv_zip(data)
    return {table: [row.values for row in table_rows] for table, table_rows in rows.items()}
