"""Import yearly register figures from Sotkanet, THL's statistics and indicator bank.

Arki never calls Sotkanet: an operator downloads the files from its REST API 1.1 and uploads
them. The formats, as found in public code that reads them (no official schema is published):

* Figures as JSON, ``GET https://sotkanet.fi/rest/1.1/json?indicator=<id>&years=<year>
  &genders=total``: a list of ``{"indicator": 4, "region": 231, "year": 2012, "gender":
  "total", "value": 3.4, "absValue": 9}``. ``value`` is the indicator's primary value (often a
  rate); ``absValue``, the absolute number behind it, is absent when there is none.
  Source: oskariorg/oskari-server, service-statistics-sotka, requests/IndicatorDataJSON.java
  (its class comment); the same fields in public clients of the API (e.g. "{ indicator: 5641,
  region: 46, year: 2023, gender: 'total', value: 196 }").
* Figures as CSV, ``GET https://sotkanet.fi/rest/1.1/csv?...``: semicolon separated, decimal
  point, header ``indicator;region;year;gender;primary value;absolute value``.
  Source: the response recorded in oskari-server's tests (requests/SotkaIndicatorData.csv);
  rOpenGov/sotkanet R/csv.R reads it with ``read.csv2(sep = ";", dec = ".")`` and names the
  columns primary.value and absolute.value.
* Regions, ``GET https://sotkanet.fi/rest/1.1/regions``: a list of ``{"id": 261, "code":
  "564", "category": "KUNTA", "title": {"fi": "Oulu", "sv": "Uleåborg", "en": "Oulu"},
  "memberOf": [...], "uri": "..."}``. ``region`` in the figures is this ``id``, not the
  municipality code; ``code`` is the municipality code only in category KUNTA.
  Source: oskari-server's parser/SotkaRegions.json; rOpenGov/sotkanet R/sotkanet_collect.R.

indicators/data/sotkanet.toml maps Sotkanet indicators to yearly catalogue entries and Arki
areas to municipality codes; indicators/tests/fixtures/sotkanet/README.md shows the files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tables import FIRST_DATA_ROW, RowError
from directory.models import Area
from indicators.entry import (
    ConfigurationError,
    ImportReport,
    _indicator_problem,
    _value_problem,
    _write,
    parse_number,
)
from indicators.models import Cadence, Indicator, Provenance
from indicators.periods import Period, parse_period
from programmes.models import Programme

if TYPE_CHECKING:
    from accounts.models import User

DATA_FILE = Path(__file__).resolve().parent / "data" / "sotkanet.toml"
VALUE_FIELDS = ("absValue", "value")
TOTAL = "total"
GENDERS = ("male", "female", TOTAL)
MUNICIPALITY = "KUNTA"
FIELDS = ("indicator", "region", "year", "gender", "value", "absValue")
# The CSV's column names (lower-cased) for the JSON's fields.
CSV_COLUMNS = {
    "indicator": "indicator",
    "region": "region",
    "year": "year",
    "gender": "gender",
    "primary value": "value",
    "absolute value": "absValue",
}
REQUIRED_CSV_COLUMNS = ("indicator", "region", "year", "gender", "primary value")
FIRST_YEAR = 1900
_MUNICIPALITY_CODE = re.compile(r"^\d{3}$")


@dataclass(frozen=True)
class IndicatorMapping:
    """One Sotkanet indicator and the yearly catalogue entry its figures go to."""

    sotkanet_id: int
    indicator: Indicator
    field: str  # "absValue" or "value"
    title: str = ""


@dataclass(frozen=True)
class AreaMapping:
    area: Area
    municipality: str  # Statistics Finland's three-digit code
    region_id: int  # Sotkanet's id for the municipality
    region_name: str


@dataclass(frozen=True)
class Configuration:
    indicators: dict[int, IndicatorMapping]
    areas: dict[int, AreaMapping]  # by Sotkanet region id


# --- configuration ---


def load_configuration(path: Path | None = None) -> Configuration:
    """Read and check indicators/data/sotkanet.toml against the catalogue and the areas.

    All or nothing: raises ConfigurationError listing every problem.
    """
    path = path or DATA_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigurationError(
            [_("%(file)s cannot be read: %(error)s") % {"file": path.name, "error": error}]
        ) from None
    problems: list[str] = []
    unknown = set(data) - {"version", "regions", "indicator", "areas"}
    if unknown:
        problems.append(
            _("%(file)s: unknown keys %(keys)s")
            % {"file": path.name, "keys": ", ".join(sorted(unknown))}
        )
    indicators = _indicator_mappings(path.name, data.get("indicator", []), problems)
    areas: dict[int, AreaMapping] = {}
    area_codes = data.get("areas", {})
    if not isinstance(area_codes, dict):
        problems.append(_("%(file)s: areas must be a table") % {"file": path.name})
    elif area_codes:
        regions_name = data.get("regions")
        if not isinstance(regions_name, str) or not regions_name:
            problems.append(
                _("%(file)s: regions: name the Sotkanet regions listing (regions JSON)")
                % {"file": path.name}
            )
        else:
            municipalities = _municipalities(path.parent / regions_name, problems)
            if municipalities is not None:
                areas = _area_mappings(path.name, area_codes, municipalities, problems)
    if problems:
        raise ConfigurationError(problems)
    return Configuration(indicators=indicators, areas=areas)


def _indicator_mappings(
    file_name: str, specs: object, problems: list[str]
) -> dict[int, IndicatorMapping]:
    if not isinstance(specs, list):
        problems.append(_("%(file)s: indicator must be a list of tables") % {"file": file_name})
        return {}
    catalogue = {indicator.code: indicator for indicator in Indicator.objects.all()}
    mappings: dict[int, IndicatorMapping] = {}
    mapped_codes: dict[str, int] = {}
    for number, spec in enumerate(specs, start=1):
        where = _("%(file)s: indicator %(number)s") % {"file": file_name, "number": number}
        if not isinstance(spec, dict):
            problems.append(_("%(where)s: must be a table") % {"where": where})
            continue
        unknown = set(spec) - {"sotkanet", "catalogue", "field", "title"}
        if unknown:
            problems.append(
                _("%(where)s: unknown keys %(keys)s")
                % {"where": where, "keys": ", ".join(sorted(unknown))}
            )
        sotkanet_id = spec.get("sotkanet")
        if not isinstance(sotkanet_id, int) or isinstance(sotkanet_id, bool) or sotkanet_id < 1:
            problems.append(
                _("%(where)s: sotkanet: give Sotkanet's indicator id as a number")
                % {"where": where}
            )
            sotkanet_id = None
        elif sotkanet_id in mappings:
            problems.append(
                _("%(where)s: Sotkanet indicator %(id)s is mapped twice")
                % {"where": where, "id": sotkanet_id}
            )
        field = spec.get("field")
        if field not in VALUE_FIELDS:
            problems.append(_("%(where)s: field: expected absValue or value") % {"where": where})
        code = spec.get("catalogue")
        indicator = catalogue.get(code) if isinstance(code, str) else None
        problem = None
        if indicator is None:
            problem = _("catalogue: unknown indicator %(code)r") % {"code": code}
        elif code in mapped_codes:
            problem = _("catalogue: %(code)s already takes Sotkanet indicator %(id)s") % {
                "code": code,
                "id": mapped_codes[code],
            }
        elif (problem := _indicator_problem(indicator, None)) is not None:
            problem = f"catalogue: {code}: {problem}"
        elif indicator.cadence != Cadence.YEARLY:
            # Sotkanet publishes yearly figures; a half-yearly entry cannot take them.
            problem = _(
                "catalogue: %(code)s is %(cadence)s; Sotkanet's yearly figures go only to "
                "yearly indicators"
            ) % {"code": code, "cadence": indicator.get_cadence_display()}
        if problem is not None:
            problems.append(f"{where}: {problem}")
        elif sotkanet_id is not None and field in VALUE_FIELDS and indicator is not None:
            mapped_codes[indicator.code] = sotkanet_id
            mappings[sotkanet_id] = IndicatorMapping(
                sotkanet_id, indicator, str(field), str(spec.get("title", ""))
            )
    return mappings


def _municipalities(path: Path, problems: list[str]) -> dict[str, tuple[int, str]] | None:
    """The regions listing's municipalities: code → (Sotkanet region id, Finnish name)."""
    try:
        listing = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError) as error:
        problems.append(
            _("%(file)s cannot be read: %(error)s") % {"file": path.name, "error": error}
        )
        return None
    if not isinstance(listing, list):
        problems.append(
            _("%(file)s: not a Sotkanet regions listing (a list of regions)") % {"file": path.name}
        )
        return None
    municipalities: dict[str, tuple[int, str]] = {}
    for number, region in enumerate(listing, start=1):
        if (
            not isinstance(region, dict)
            or not isinstance(region.get("id"), int)
            or not isinstance(region.get("code"), str)
            or not isinstance(region.get("category"), str)
        ):
            problems.append(
                _("%(file)s: region %(number)s: expected id, code and category")
                % {"file": path.name, "number": number}
            )
            continue
        if region["category"] == MUNICIPALITY:
            title = region.get("title")
            name = title.get("fi", "") if isinstance(title, dict) else ""
            municipalities[region["code"]] = (region["id"], str(name))
    return municipalities


def _area_mappings(
    file_name: str,
    area_codes: Mapping[str, object],
    municipalities: dict[str, tuple[int, str]],
    problems: list[str],
) -> dict[int, AreaMapping]:
    areas = {area.code: area for area in Area.objects.filter(code__in=list(area_codes))}
    mappings: dict[int, AreaMapping] = {}
    mapped: dict[str, str] = {}
    for area_code, municipality in area_codes.items():
        where = _("%(file)s: areas: %(area)s") % {"file": file_name, "area": area_code}
        area = areas.get(area_code)
        if area is None:
            problems.append(_("%(where)s: no such area in Arki") % {"where": where})
        if not isinstance(municipality, str) or not _MUNICIPALITY_CODE.match(municipality):
            problems.append(
                _('%(where)s: give the municipality code as three digits in quotes, e.g. "564"')
                % {"where": where}
            )
            continue
        if municipality in mapped:
            # A municipality's figure cannot be split between areas, nor counted twice.
            problems.append(
                _("%(where)s: municipality %(code)s is already mapped to %(other)s")
                % {"where": where, "code": municipality, "other": mapped[municipality]}
            )
            continue
        mapped[municipality] = area_code
        if municipality not in municipalities:
            problems.append(
                _("%(where)s: municipality %(code)s is not in the Sotkanet regions listing")
                % {"where": where, "code": municipality}
            )
            continue
        region_id, name = municipalities[municipality]
        if area is not None:
            mappings[region_id] = AreaMapping(area, municipality, region_id, name)
    return mappings


# --- reading the figures ---


@dataclass(frozen=True)
class _Record:
    row: int  # the CSV's line (header 1) or the JSON list's item (first 1)
    cells: dict[str, object]
    columns: Mapping[str, str]  # field → its name in the file, for the report


def read_figures(data: bytes) -> tuple[list[_Record], list[RowError]]:
    """Sotkanet figures from JSON or CSV (told apart by their first character).

    Returns the records and the problems of the file as a whole (e.g. a missing column);
    raises ValueError with a message for the user when the file cannot be read at all.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("The file is not a Sotkanet JSON or CSV file (not UTF-8).")) from None
    if not text.strip():
        raise ValueError(_("The file is empty."))
    if text.lstrip()[0] in "[{":
        return _json_records(text), []
    return _csv_records(text)


def _json_records(text: str) -> list[_Record]:
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep to be figures
        raise ValueError(_("The file could not be read as JSON.")) from None
    if not isinstance(items, list):
        raise ValueError(_("The JSON is not a list of Sotkanet figures (from /rest/1.1/json)."))
    if items and not any(
        isinstance(item, dict) and "indicator" in item and "year" in item for item in items
    ):
        raise ValueError(
            _(
                "The JSON has no Sotkanet figures (indicator, region, year, gender, value): "
                "is it the regions listing?"
            )
        )
    names = {field: field for field in FIELDS}
    records = []
    for number, item in enumerate(items, start=1):
        cells = {field: item.get(field) for field in FIELDS} if isinstance(item, dict) else {}
        records.append(_Record(number, cells, names))
    return records


def _csv_records(text: str) -> tuple[list[_Record], list[RowError]]:
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise ValueError(_("The file could not be read as CSV.")) from None
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [column for column in REQUIRED_CSV_COLUMNS if column not in header]
    if missing:
        return [], [RowError(1, column, _("missing column")) for column in missing]
    names = {field: column for column, field in CSV_COLUMNS.items()}
    index = {CSV_COLUMNS[column]: i for i, column in enumerate(header) if column in CSV_COLUMNS}
    records = []
    for number, line in enumerate(lines[1:], start=FIRST_DATA_ROW):
        if not any(cell.strip() for cell in line):
            continue
        cells: dict[str, object] = {
            field: (line[i].strip() if i < len(line) else "") for field, i in index.items()
        }
        records.append(_Record(number, cells, names))
    return records, []


# --- the import ---


def _whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _number(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("not a number"))
    if isinstance(value, int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
        if not number.is_finite():
            raise ValueError(_("not a number"))
        return number
    if isinstance(value, str):
        return parse_number(value)
    raise ValueError(_("not a number"))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collector(errors: list[RowError], record: _Record) -> Callable[[str, str], None]:
    def error(field: str, reason: str) -> None:
        errors.append(RowError(record.row, record.columns[field], reason))

    return error


@dataclass(frozen=True)
class _Valid:
    mapping: IndicatorMapping
    area: Area
    period: Period
    value: Decimal


def import_sotkanet(
    *,
    by: User,
    data: bytes,
    source_name: str,
    programme: Programme,
    configuration: Configuration | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import a Sotkanet figures file (JSON or CSV) for one programme, all or nothing.

    Rows for regions no area is mapped to, and rows by gender, are left out and counted; an
    unknown indicator, a bad year or a bad figure for a mapped region is a row error, and then
    nothing is written. Raises ConfigurationError when sotkanet.toml is wrong and ValueError
    when the file cannot be read.
    """
    configuration = configuration or load_configuration()
    if not configuration.areas:
        raise ConfigurationError(
            [
                _(
                    "No Arki area is mapped to a municipality in the Sotkanet configuration "
                    "(indicators/data/sotkanet.toml), so there is nothing to import. Ask the "
                    "administrator to map the areas."
                )
            ]
        )
    records, file_errors = read_figures(data)
    report = ImportReport(errors=file_errors)
    if file_errors:
        return report
    if not records:
        report.errors.append(RowError(FIRST_DATA_ROW, "", _("the file has no rows to import")))
        return report
    this_year = (today or timezone.localdate()).year
    seen: dict[tuple[int, int, int, str], int] = {}
    valid: list[_Valid] = []
    skipped_region = _("rows for regions not mapped to an Arki area")
    skipped_gender = _("rows by gender (only the total is imported)")
    skipped_empty = _("rows without a published figure")

    for record in records:
        cells = record.cells
        errors: list[RowError] = []
        error = _collector(errors, record)
        if not cells:
            report.errors.append(RowError(record.row, "", _("not a Sotkanet figure")))
            continue
        for field in ("indicator", "region", "year", "gender"):
            if _blank(cells[field]):
                error(field, _("missing value"))
        mapping: IndicatorMapping | None = None
        sotkanet_id = _whole_number(cells["indicator"])
        if not _blank(cells["indicator"]):
            if sotkanet_id is None:
                error("indicator", _("not a Sotkanet indicator id"))
            else:
                mapping = configuration.indicators.get(sotkanet_id)
                if mapping is None:
                    error(
                        "indicator",
                        _("Sotkanet indicator %(id)s is not mapped to Arki's catalogue")
                        % {"id": sotkanet_id},
                    )
        region_id = _whole_number(cells["region"])
        if not _blank(cells["region"]) and region_id is None:
            error("region", _("not a Sotkanet region id"))
        year = _whole_number(cells["year"])
        if not _blank(cells["year"]):
            if year is None or year < FIRST_YEAR:
                error("year", _("not a year"))
            elif year > this_year:
                error("year", _("a year in the future"))
        gender = str(cells["gender"] or "").strip().lower()
        if gender and gender not in GENDERS:
            error("gender", _("unknown gender (male, female or total)"))
        if not errors and sotkanet_id is not None and region_id is not None and year:
            key = (sotkanet_id, region_id, year, gender)
            if key in seen:
                error("indicator", _("duplicate of row %(row)s") % {"row": seen[key]})
            seen.setdefault(key, record.row)
        if errors or mapping is None or region_id is None or year is None:
            report.errors.extend(errors)
            continue
        if gender != TOTAL:
            report.skip(skipped_gender)
            continue
        area_mapping = configuration.areas.get(region_id)
        if area_mapping is None:
            report.skip(skipped_region)
            continue
        raw = cells.get(mapping.field)
        if _blank(raw):
            report.skip(skipped_empty)
            continue
        try:
            value = _number(raw)
        except ValueError as problem:
            error(mapping.field, str(problem))
        else:
            problem_text = _indicator_problem(mapping.indicator, programme)
            if problem_text is not None:
                error("indicator", problem_text)
            problem_text = _value_problem(mapping.indicator, value)
            if problem_text is not None:
                error(mapping.field, problem_text)
        if errors:
            report.errors.extend(errors)
            continue
        valid.append(_Valid(mapping, area_mapping.area, parse_period(str(year)), value))

    if report.errors:
        return report
    with transaction.atomic():
        for item in valid:
            outcome = _write(
                by=by,
                indicator=item.mapping.indicator,
                area=item.area,
                programme=programme,
                period=item.period,
                value=item.value,
                via="sotkanet",
                provenance=Provenance.SOTKANET,
                detail=f"Sotkanet {item.mapping.sotkanet_id} · {source_name}",
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
