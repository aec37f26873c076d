"""The service directory in Open Referral HSDS shape: export, reading and validation of imports.

Tables and HSDS field names::

    organizations         id, name, description, email, website, x_sector
    services              id, organization_id, name, description, email, url, status,
                          x_basic_task, x_areas, x_programmes
    locations             id, location_type, organization_id, name, x_area
    addresses             id, location_id, address_1, city, state_province,
                          postal_code, country, address_type
    service_at_locations  id, service_id, location_id
    contacts              id, service_id, name, title, email
    phones                id, organization_id, service_id, number

Every row of the export validates against the official HSDS 3.0 JSON schema of
its object (:mod:`directory.hsds_schema`, schemas vendored in ``hsds_schema/``):
a JSON export leaves out a value Arki does not have (an empty email or web
address, the other owner of a phone) instead of writing an empty string or null.
A location is always ``physical``; its street address is one ``physical`` row in
``addresses``, written when street, postal code and city are all known (HSDS requires
them). A phone belongs to an organisation or a service.

``x_`` columns are Arki's extensions: sector, area and programme codes, and the
basic task (perustehtävä). JSON holds one list per table; CSV is a zip file in the
HSDS 3.0 tabular format: one file per table named as in the official data package
(``organizations.csv``, ``service_at_location.csv``, …) with every column of the
official table in its order, then Arki's ``x_`` columns, list-valued columns joined
with ``|``, and a ``datapackage.json`` (Frictionless Tabular Data Package) derived
from the official one (vendored in ``hsds_schema/``) that describes the files.
Reading accepts the older ``service_at_locations.csv`` name too, and address columns
on a location row (older exports); an ``addresses`` row fills in a location's street
address, postal code and city.

Importing is three steps: :func:`read` turns a file into rows,
:func:`directory.hsds_validation.validate` checks every row and returns a plan of
unsaved changes together with every error found, and
:func:`directory.services.import_hsds` writes the plan in one transaction only
when there are no errors. Rows are matched to existing records by their HSDS
id (``hsds_id``): a known id updates the record, an unknown one creates it. A
column left out of the file leaves that field unchanged; an empty value clears
it. Row numbers in the report count data rows from 1 in JSON, and spreadsheet
rows in CSV (the header is row 1, so the first data row is row 2).
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from directory.models import Location, Organisation, Position, Service

JSON = "json"
CSV = "csv"
FORMATS = (JSON, CSV)

COLUMNS: dict[str, list[str]] = {
    "organizations": ["id", "name", "description", "email", "website", "x_sector"],
    "services": [
        "id",
        "organization_id",
        "name",
        "description",
        "email",
        "url",
        "status",
        "x_basic_task",
        "x_areas",
        "x_programmes",
    ],
    "locations": ["id", "location_type", "organization_id", "name", "x_area"],
    "addresses": [
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "service_at_locations": ["id", "service_id", "location_id"],
    "contacts": ["id", "service_id", "name", "title", "email"],
    "phones": ["id", "organization_id", "service_id", "number"],
}
TABLES = tuple(COLUMNS)
LIST_SEPARATOR = "|"
# Arki table -> resource of the official HSDS 3.0 data package (its file is the resource path).
RESOURCES = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "addresses": "address",
    "service_at_locations": "service_at_location",
    "contacts": "contact",
    "phones": "phone",
}
# File names earlier Arki versions wrote, still read.
OLD_CSV_NAMES = {"service_at_locations": "service_at_locations.csv"}
DATAPACKAGE = "datapackage.json"
OFFICIAL_DATAPACKAGE = Path(__file__).resolve().parent / "hsds_schema" / DATAPACKAGE
COUNTRY = "FI"  # ISO 3166-1 alpha-2, as HSDS asks
EXTENSION_DESCRIPTIONS = {
    "x_sector": "Arki extension: the code of the organisation's sector.",
    "x_basic_task": "Arki extension: the service's basic task (perustehtävä).",
    "x_areas": "Arki extension: codes of the areas the service covers, separated by |.",
    "x_programmes": "Arki extension: codes of the service's programmes, separated by |.",
    "x_area": "Arki extension: the code of the location's area.",
}

MAX_FILE_BYTES = 20 * 1024 * 1024  # per table inside a zip, and for a JSON file
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

Table = dict[str, list[dict[str, Any]]]


# --- export ---------------------------------------------------------------------------------


def _phone_id(owner_id: uuid.UUID) -> str:
    # Phones have no record of their own in Arki; derive a stable id from the owner.
    return str(uuid.uuid5(owner_id, "phone"))


def _service_at_location_id(location_id: uuid.UUID, service_id: uuid.UUID) -> str:
    return str(uuid.uuid5(location_id, f"service_at_location {service_id}"))


def _present(row: dict[str, Any]) -> dict[str, Any]:
    """The row without the values Arki does not have; HSDS wants them left out, not empty."""
    return {column: value for column, value in row.items() if value not in ("", None)}


def _address_id(location_id: uuid.UUID) -> str:
    return str(uuid.uuid5(location_id, "physical address"))


def _state_province() -> str:
    # Finland has no states; HSDS requires the field, so Arki writes the region the
    # installation serves (ARKI_REGION_NAME).
    return str(getattr(settings, "ARKI_REGION_NAME", "") or "")


def _contact_id(position: Position) -> str:
    key = f"{position.user.email}\n{position.title}"
    return str(uuid.uuid5(position.service.hsds_id, key))


def directory_as_hsds() -> Table:
    """Every organisation, service, location and the services there, listed position and phone
    as HSDS tables."""
    organisations = Organisation.objects.select_related("sector").order_by("name", "pk")
    services = (
        Service.objects.select_related("organisation")
        .prefetch_related("areas", "programmes")
        .order_by("name", "pk")
    )
    locations = (
        Location.objects.select_related("organisation", "area")
        .prefetch_related("services")
        .order_by("name", "pk")
    )
    positions = (
        Position.objects.filter(is_active=True, user__is_active=True)
        .select_related("user", "service")
        .order_by("service__name", "user__full_name", "title", "pk")
    )
    tables: Table = {table: [] for table in TABLES}
    for organisation in organisations:
        tables["organizations"].append(
            {
                "id": str(organisation.hsds_id),
                "name": organisation.name,
                "description": organisation.description,  # required by HSDS, may be empty
                **_present({"email": organisation.email, "website": organisation.website}),
                "x_sector": organisation.sector.code,
            }
        )
        if organisation.phone:
            tables["phones"].append(
                {
                    "id": _phone_id(organisation.hsds_id),
                    "organization_id": str(organisation.hsds_id),
                    "number": organisation.phone,
                }
            )
    for service in services:
        tables["services"].append(
            _present(
                {
                    "id": str(service.hsds_id),
                    "organization_id": str(service.organisation.hsds_id),
                    "name": service.name,
                    "description": service.description,
                    "email": service.email,
                    "url": service.url,
                    "status": "active" if service.is_active else "inactive",
                    "x_basic_task": service.basic_task,
                    "x_areas": sorted(area.code for area in service.areas.all()),
                    "x_programmes": sorted(
                        programme.code for programme in service.programmes.all()
                    ),
                }
            )
        )
        if service.phone:
            tables["phones"].append(
                {
                    "id": _phone_id(service.hsds_id),
                    "service_id": str(service.hsds_id),
                    "number": service.phone,
                }
            )
    for location in locations:
        tables["locations"].append(
            {
                "id": str(location.hsds_id),
                "location_type": "physical",
                "organization_id": str(location.organisation.hsds_id),
                "name": location.name,
                "x_area": location.area.code if location.area else "",
            }
        )
        if location.address and location.postal_code and location.city:
            tables["addresses"].append(
                {
                    "id": _address_id(location.hsds_id),
                    "location_id": str(location.hsds_id),
                    "address_1": location.address,
                    "city": location.city,
                    "state_province": _state_province() or location.city,
                    "postal_code": location.postal_code,
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            )
        for service_id in sorted(str(service.hsds_id) for service in location.services.all()):
            tables["service_at_locations"].append(
                {
                    "id": _service_at_location_id(location.hsds_id, uuid.UUID(service_id)),
                    "service_id": service_id,
                    "location_id": str(location.hsds_id),
                }
            )
    for position in positions:
        tables["contacts"].append(
            {
                "id": _contact_id(position),
                "service_id": str(position.service.hsds_id),
                "name": position.user.full_name,
                "title": position.title,
                "email": position.user.email,
            }
        )
    return tables


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def to_json(tables: Table) -> bytes:
    return json.dumps(tables, ensure_ascii=False, indent=2).encode("utf-8")


@cache
def _official_datapackage_text() -> str:
    return OFFICIAL_DATAPACKAGE.read_text(encoding="utf-8")


def official_datapackage() -> dict[str, Any]:
    """The official HSDS 3.0 data package descriptor (a fresh copy)."""
    descriptor: dict[str, Any] = json.loads(_official_datapackage_text())
    return descriptor


def official_resource(table: str) -> dict[str, Any]:
    name = RESOURCES[table]
    return next(r for r in official_datapackage()["resources"] if r["name"] == name)


def csv_name(table: str) -> str:
    return str(official_resource(table)["path"])


def csv_columns(table: str) -> list[str]:
    """The official columns of the table in their order, then Arki's ``x_`` columns."""
    official = [field["name"] for field in official_resource(table)["schema"]["fields"]]
    return official + [column for column in COLUMNS[table] if column.startswith("x_")]


def datapackage() -> dict[str, Any]:
    """The ``datapackage.json`` of a CSV export: the official HSDS 3.0 descriptor with only
    Arki's tables and the foreign keys between them, and Arki's ``x_`` fields added."""
    descriptor = official_datapackage()
    resources = []
    for table in TABLES:
        resource = official_resource(table)
        schema = resource["schema"]
        for column in csv_columns(table)[len(schema["fields"]) :]:
            schema["fields"].append(
                {
                    "name": column,
                    "type": "string",
                    "title": column,
                    "description": EXTENSION_DESCRIPTIONS.get(column, "Arki extension."),
                    "constraints": {"required": False, "unique": False},
                }
            )
        resources.append(resource)
    names = {resource["name"] for resource in resources}
    for resource in resources:
        schema = resource["schema"]
        keys = [k for k in schema.get("foreignKeys", []) if k["reference"]["resource"] in names]
        if keys:
            schema["foreignKeys"] = keys
        else:
            schema.pop("foreignKeys", None)
    descriptor["resources"] = resources
    descriptor["title"] = "Arki service directory (HSDS 3.0)"
    return descriptor


def to_csv_zip(tables: Table) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATAPACKAGE, json.dumps(datapackage(), ensure_ascii=False, indent=2))
        for table in TABLES:
            columns = csv_columns(table)
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\r\n")
            writer.writeheader()
            for row in tables.get(table, []):
                writer.writerow({column: _csv_cell(row.get(column)) for column in columns})
            archive.writestr(csv_name(table), text.getvalue().encode("utf-8"))
    return buffer.getvalue()


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def export_directory(fmt: str) -> ExportFile:
    """The whole directory as an HSDS JSON file or a zip of CSV files."""
    return encode(directory_as_hsds(), fmt)


def encode(tables: Table, fmt: str) -> ExportFile:
    if fmt == JSON:
        return ExportFile(to_json(tables), "application/json", "arki-directory-hsds.json")
    if fmt == CSV:
        return ExportFile(to_csv_zip(tables), "application/zip", "arki-directory-hsds-csv.zip")
    raise ValueError(f"unknown format {fmt!r}")


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in an import file. Row 0 and an empty table mean the whole file."""

    table: str
    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, Any]

    def has(self, column: str) -> bool:
        return column in self.values

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, list):
            return LIST_SEPARATOR.join(str(item) for item in value)
        return str(value).strip()

    def items(self, column: str) -> list[str]:
        value = self.values.get(column)
        if value is None:
            return []
        parts = value if isinstance(value, list) else str(value).split(LIST_SEPARATOR)
        return [str(part).strip() for part in parts if str(part).strip()]


Rows = dict[str, list[Row]]


def _file_error(reason: str, table: str = "") -> RowError:
    return RowError(table=table, row=0, column="", reason=reason)


def _storable(value: Any) -> bool:
    """False for text no database stores: a lone surrogate (JSON may spell one as an escape,
    e.g. ``"\\ud800"``) or a NUL character (PostgreSQL refuses it)."""
    if isinstance(value, str):
        return UNSTORABLE.search(value) is None
    if isinstance(value, list):
        return all(_storable(item) for item in value)
    if isinstance(value, dict):
        return all(_storable(key) and _storable(item) for key, item in value.items())
    return True


def _unstorable_errors(table: str, number: int, values: dict[str, Any]) -> list[RowError]:
    reason = _("The text contains a character that cannot be stored; remove it and try again.")
    if not _storable(list(values)):
        return [RowError(table, number, "", reason)]
    return [
        RowError(table, number, column, reason)
        for column, value in values.items()
        if not _storable(value)
    ]


def read_json(data: bytes) -> tuple[Rows, list[RowError]]:
    """The tables of an HSDS JSON file; unknown keys are ignored, missing tables are empty."""
    rows: Rows = {table: [] for table in TABLES}
    if len(data) > MAX_FILE_BYTES:
        return rows, [_file_error(_("The file is too large."))]
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return rows, [_file_error(_("The file is not valid JSON."))]
    if not isinstance(document, dict):
        return rows, [_file_error(_("The file must hold an object with one list per table."))]
    errors: list[RowError] = []
    for table in TABLES:
        entries = document.get(table, [])
        if not isinstance(entries, list):
            errors.append(_file_error(_("The table must be a list."), table))
            continue
        for number, entry in enumerate(entries, start=1):
            if isinstance(entry, dict):
                unstorable = _unstorable_errors(table, number, entry)
                errors.extend(unstorable)
                if not unstorable:
                    rows[table].append(Row(number, entry))
            else:
                errors.append(RowError(table, number, "", _("The row must be an object.")))
    return rows, errors


def read_csv_zip(data: bytes) -> tuple[Rows, list[RowError]]:
    """The tables of a zip of HSDS CSV files (``organizations.csv``, …); missing files are
    empty tables."""
    rows: Rows = {table: [] for table in TABLES}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return rows, [_file_error(_("The file is not a zip file of CSV files."))]
    errors: list[RowError] = []
    with archive:
        members = {info.filename.rsplit("/", 1)[-1]: info for info in archive.infolist()}
        for table in TABLES:
            info = members.get(csv_name(table)) or members.get(OLD_CSV_NAMES.get(table, ""))
            if info is None:
                continue
            if info.file_size > MAX_FILE_BYTES:
                errors.append(_file_error(_("The file is too large."), table))
                continue
            try:
                text = archive.read(info).decode("utf-8-sig")
            except UnicodeDecodeError:
                errors.append(_file_error(_("The file is not UTF-8 text."), table))
                continue
            except (zipfile.BadZipFile, OSError):
                errors.append(_file_error(_("The file could not be read from the zip."), table))
                continue
            reader = csv.DictReader(io.StringIO(text, newline=""))
            try:
                for number, record in enumerate(reader, start=2):
                    values = {key: value for key, value in record.items() if key}
                    unstorable = _unstorable_errors(table, number, values)
                    errors.extend(unstorable)
                    if not unstorable:
                        rows[table].append(Row(number, values))
            except csv.Error:
                errors.append(_file_error(_("The file is not valid CSV."), table))
    return rows, errors


ADDRESS_COLUMNS = ("address_1", "postal_code", "city")


def fold_addresses(rows: Rows) -> list[RowError]:
    """Copy each location's first physical address onto its location row (``address_1``,
    ``postal_code``, ``city``), where the validation of locations reads them. Columns the
    location row has itself (an older export) win."""
    index = {row.text("id").lower(): number for number, row in enumerate(rows["locations"])}
    done: set[str] = set()
    errors: list[RowError] = []
    for address in rows.get("addresses", []):
        location_id = address.text("location_id").lower()
        if address.text("address_type") not in ("", "physical") or not location_id:
            continue
        if location_id not in index:
            reason = _("No location in this file has the id “%(id)s”.") % {
                "id": address.text("location_id")
            }
            errors.append(RowError("addresses", address.number, "location_id", reason))
            continue
        if location_id in done:
            continue
        done.add(location_id)
        location = rows["locations"][index[location_id]]
        values = dict(location.values)
        for column in ADDRESS_COLUMNS:
            if address.has(column) and not location.has(column):
                values[column] = address.values[column]
        rows["locations"][index[location_id]] = Row(location.number, values)
    return errors


def read(data: bytes, fmt: str) -> tuple[Rows, list[RowError]]:
    """The rows of an import file, a location's address folded onto its row."""
    if fmt == JSON:
        rows, errors = read_json(data)
    elif fmt == CSV:
        rows, errors = read_csv_zip(data)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return rows, errors + fold_addresses(rows)
