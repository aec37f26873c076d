"""Checking an HSDS export against the official Open Referral HSDS 3.0 JSON schemas.

The schemas are vendored in ``directory/hsds_schema/`` (see its README for the
source commit and the CC BY-SA 4.0 licence). Arki's export keeps one list per
HSDS table, as the HSDS tabular format does, so every row is validated against
the schema of its table's object; ``x_`` columns are extensions the schemas allow.
A CSV export is checked the same way: an empty cell is a missing value.

A CSV export is also a Frictionless Tabular Data Package: :func:`datapackage_errors`
checks its ``datapackage.json`` against the official HSDS 3.0 descriptor (vendored as
``hsds_schema/datapackage.json``) and every CSV file against the Table Schema of its
resource: header, required values, types and formats, enums, patterns, unique
values, primary keys and foreign keys. It is a small validator of its own for the
parts of the Table Schema specification the HSDS package uses (see
``docs/decisions/0004-hsds-csv-validation.md``).

The ``jsonschema`` package is a test dependency; this module is used by the tests
and by anyone checking an export by hand, not while serving requests.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import uuid
import zipfile
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
    "addresses": "address.json",
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


# --- the CSV data package -------------------------------------------------------------------

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
INTEGER = re.compile(r"^[+-]?\d+$")
BOOLEANS = {"true", "True", "TRUE", "1", "false", "False", "FALSE", "0"}
# Field keys that only document a field; every other key must equal the official one.
DOCUMENTATION_KEYS = {"title", "description", "example", "core"}


@dataclass(frozen=True)
class PackageError:
    """One way a CSV data package breaks its descriptor. Row 1 is the header, as in a
    spreadsheet; row 0 is the whole file."""

    resource: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.resource} row {self.row}" if self.row else self.resource
        return f"{where} {self.field or '(file)'}: {self.message}"


def _type_error(field: dict[str, Any], value: str) -> str:
    kind, fmt = field.get("type", "string"), field.get("format", "default")
    if kind == "string":
        checks = {
            "uuid": lambda v: _is_uuid(v),
            "email": lambda v: EMAIL.match(v) is not None,
            "uri": lambda v: URI.match(v) is not None,
        }
        check = checks.get(fmt)
        return "" if check is None or check(value) else f"{value!r} is not a valid {fmt}"
    if kind == "number":
        return "" if NUMBER.match(value) else f"{value!r} is not a number"
    if kind == "integer":
        return "" if INTEGER.match(value) else f"{value!r} is not an integer"
    if kind == "boolean":
        return "" if value in BOOLEANS else f"{value!r} is not a boolean"
    parsers = {
        "date": datetime.date.fromisoformat,
        "datetime": datetime.datetime.fromisoformat,
        "time": datetime.time.fromisoformat,
    }
    if kind in parsers:
        try:
            parsers[kind](value.replace("Z", "+00:00"))
        except ValueError:
            return f"{value!r} is not a valid {kind}"
        return ""
    return ""  # any, and types the HSDS package does not use


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def descriptor_errors(descriptor: dict[str, Any]) -> list[PackageError]:
    """How ``descriptor`` departs from the official HSDS 3.0 data package: every resource
    must be an official one with its official path, fields (name, type, format,
    constraints, in order) and keys; only ``x_`` fields may be added at the end."""
    official = {
        resource["name"]: resource
        for resource in json.loads(hsds.OFFICIAL_DATAPACKAGE.read_text(encoding="utf-8"))[
            "resources"
        ]
    }
    errors: list[PackageError] = []
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [PackageError(hsds.DATAPACKAGE, 0, "resources", "no resources")]
    names = {resource.get("name") for resource in resources if isinstance(resource, dict)}
    for resource in resources:
        name = resource.get("name") if isinstance(resource, dict) else None
        if name not in official:
            errors.append(PackageError(hsds.DATAPACKAGE, 0, str(name), "not an HSDS resource"))
            continue
        name = str(name)
        expected = official[name]
        schema = resource.get("schema", {})
        if resource.get("path") != expected["path"]:
            errors.append(PackageError(name, 0, "path", f"must be {expected['path']!r}"))
        fields = schema.get("fields", [])
        official_fields = expected["schema"]["fields"]
        for position, field in enumerate(fields):
            if position >= len(official_fields):
                if not str(field.get("name", "")).startswith("x_"):
                    errors.append(
                        PackageError(name, 0, str(field.get("name")), "not an HSDS field")
                    )
                continue
            want = {
                k: v for k, v in official_fields[position].items() if k not in DOCUMENTATION_KEYS
            }
            have = {k: v for k, v in field.items() if k not in DOCUMENTATION_KEYS}
            if have != want:
                errors.append(
                    PackageError(name, 0, str(field.get("name")), f"must be defined as {want}")
                )
        if len(fields) < len(official_fields):
            missing = [f["name"] for f in official_fields[len(fields) :]]
            errors.append(PackageError(name, 0, "", f"missing fields {missing}"))
        if schema.get("primaryKey") != expected["schema"].get("primaryKey"):
            errors.append(PackageError(name, 0, "primaryKey", "differs from HSDS"))
        want_keys = [
            key
            for key in expected["schema"].get("foreignKeys", [])
            if key["reference"]["resource"] in names
        ]
        if schema.get("foreignKeys", []) != want_keys:
            errors.append(PackageError(name, 0, "foreignKeys", "differ from HSDS"))
    return errors


def _read_csv(
    archive: zipfile.ZipFile, path: str
) -> tuple[list[str], list[list[str]]] | PackageError:
    try:
        text = archive.read(path).decode("utf-8-sig")
        records = list(csv.reader(io.StringIO(text, newline="")))
    except KeyError:
        return PackageError(path, 0, "", "the file is missing")
    except (UnicodeDecodeError, csv.Error, zipfile.BadZipFile, OSError) as error:
        return PackageError(path, 0, "", f"the file cannot be read as UTF-8 CSV ({error})")
    if not records:
        return PackageError(path, 0, "", "the file has no header")
    return records[0], records[1:]


def table_errors(
    descriptor: dict[str, Any], tables: dict[str, tuple[list[str], list[list[str]]]]
) -> list[PackageError]:
    """Every way the CSV ``tables`` (resource name -> header and rows) break the Table
    Schemas of ``descriptor``. An empty cell is a missing value."""
    errors: list[PackageError] = []
    key_values: dict[tuple[str, tuple[str, ...]], set[tuple[str, ...]]] = {}
    all_records: dict[str, list[dict[str, str]]] = {}
    resources = {r["name"]: r for r in descriptor.get("resources", [])}
    for name, resource in resources.items():
        if name not in tables:
            continue
        header, rows = tables[name]
        fields = resource["schema"]["fields"]
        names = [field["name"] for field in fields]
        if header != names:
            missing = [n for n in names if n not in header]
            extra = [h for h in header if h not in names]
            detail = []
            if missing:
                detail.append(f"missing columns {missing}")
            if extra:
                detail.append(f"columns not in the schema {extra}")
            if not detail:
                detail.append(f"columns in the wrong order, expected {names}")
            errors.append(PackageError(name, 1, "", "; ".join(detail)))
        positions = {column: index for index, column in enumerate(header)}
        uniques: dict[str, set[str]] = {}
        records: list[dict[str, str]] = []
        for number, cells in enumerate(rows, start=2):
            if len(cells) != len(header):
                errors.append(
                    PackageError(name, number, "", f"{len(cells)} cells for {len(header)} columns")
                )
            record = {
                column: cells[index] if index < len(cells) else ""
                for column, index in positions.items()
            }
            records.append(record)
            for field in fields:
                column, constraints = field["name"], field.get("constraints", {})
                value = record.get(column, "")
                if value == "":
                    if constraints.get("required") and column in positions:
                        errors.append(PackageError(name, number, column, "a value is required"))
                    continue
                problem = _type_error(field, value)
                if problem:
                    errors.append(PackageError(name, number, column, problem))
                    continue
                enum = constraints.get("enum")
                if enum is not None and value not in enum:
                    errors.append(
                        PackageError(name, number, column, f"{value!r} is not one of {enum}")
                    )
                pattern = constraints.get("pattern")
                if pattern is not None and not re.fullmatch(pattern, value):
                    errors.append(
                        PackageError(name, number, column, f"{value!r} does not match {pattern!r}")
                    )
                if constraints.get("unique"):
                    seen = uniques.setdefault(column, set())
                    if value in seen:
                        errors.append(PackageError(name, number, column, f"{value!r} is repeated"))
                    seen.add(value)
        primary = tuple(_as_list(resource["schema"].get("primaryKey", [])))
        values: set[tuple[str, ...]] = set()
        for number, record in enumerate(records, start=2):
            key = tuple(record.get(column, "") for column in primary)
            if primary and key in values:
                errors.append(
                    PackageError(name, number, ",".join(primary), f"primary key {key} is repeated")
                )
            values.add(key)
        for field_names in {primary} | {
            tuple(_as_list(k["reference"]["fields"]))
            for r in resources.values()
            for k in r["schema"].get("foreignKeys", [])
            if k["reference"]["resource"] == name
        }:
            key_values[(name, field_names)] = {
                tuple(record.get(column, "") for column in field_names) for record in records
            }
        all_records[name] = records
    for name, resource in resources.items():
        records = all_records.get(name, [])
        for key in resource["schema"].get("foreignKeys", []):
            columns = tuple(_as_list(key["fields"]))
            target = key["reference"]["resource"] or name
            target_fields = tuple(_as_list(key["reference"]["fields"]))
            known = key_values.get((target, target_fields))
            if known is None:
                continue
            for number, record in enumerate(records, start=2):
                reference = tuple(record.get(column, "") for column in columns)
                if all(part == "" for part in reference):
                    continue
                if reference not in known:
                    errors.append(
                        PackageError(
                            name,
                            number,
                            ",".join(columns),
                            f"no {target} has {','.join(target_fields)} {', '.join(reference)!r}",
                        )
                    )
    return errors


def datapackage_errors(data: bytes) -> list[PackageError]:
    """Every way a CSV export (a zip with ``datapackage.json``) breaks the HSDS 3.0 data
    package; empty when it conforms."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return [PackageError("", 0, "", "not a zip file")]
    with archive:
        try:
            descriptor = json.loads(archive.read(hsds.DATAPACKAGE).decode("utf-8"))
        except KeyError:
            return [PackageError(hsds.DATAPACKAGE, 0, "", "the file is missing")]
        except (UnicodeDecodeError, ValueError) as error:
            return [PackageError(hsds.DATAPACKAGE, 0, "", f"not valid JSON ({error})")]
        errors = descriptor_errors(descriptor)
        if errors:
            return errors
        tables: dict[str, tuple[list[str], list[list[str]]]] = {}
        for resource in descriptor["resources"]:
            result = _read_csv(archive, resource["path"])
            if isinstance(result, PackageError):
                errors.append(PackageError(resource["name"], 0, "", result.message))
            else:
                tables[resource["name"]] = result
    return errors + table_errors(descriptor, tables)
