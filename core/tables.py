"""Reading an uploaded table (CSV or Excel) for the imports: staff, figures, training registers.

Rows come back as dicts keyed by the lower-cased header, blank rows kept so that row numbers
match the spreadsheet's; a file that cannot be read is a ValueError with a message for the user.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 10_000
FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet numbers it


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file, where a spreadsheet user finds it."""

    row: int
    column: str
    reason: str


def read_table(uploaded_file: Any, *, month_codes: bool = True) -> list[dict[str, str]]:
    """The rows of an uploaded .csv or .xlsx file as dicts keyed by the lower-cased header.

    Blank rows are kept (as empty values) so that row numbers match the spreadsheet's.
    An Excel date on the first of a month reads as a month code (2026-03) unless
    ``month_codes`` is false; then every date reads as 2026-03-01.
    Raises ValueError with a message for the user when the file cannot be read.
    """
    name = (getattr(uploaded_file, "name", "") or "").lower()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise ValueError(_("The file is larger than 5 MB."))
    if not name.endswith((".csv", ".xlsx")):
        raise ValueError(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    data = read_bytes(uploaded_file)
    lines = _csv_lines(data) if name.endswith(".csv") else _xlsx_lines(data, month_codes)
    return _as_dicts(lines)


def read_bytes(uploaded_file: Any) -> bytes:
    """An uploaded file's content, at most 5 MB; a larger file is a ValueError for the user."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(MAX_FILE_SIZE + 1)
    data = data.encode() if isinstance(data, str) else bytes(data)
    if len(data) > MAX_FILE_SIZE:
        raise ValueError(_("The file is larger than 5 MB."))
    return data


def _csv_lines(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            _("The file is not in UTF-8. In Excel, save it as “CSV UTF-8 (comma delimited)”.")
        ) from None
    header = text.split("\n", 1)[0]
    # Finnish Excel writes semicolons, since the comma is the decimal separator.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return [list(line) for line in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise ValueError(_("The file could not be read as CSV.")) from None


def _xlsx_lines(data: bytes, month_codes: bool = True) -> list[list[str]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            lines = []
            for cells in sheet.iter_rows(values_only=True):
                lines.append([_cell_text(cell, month_codes) for cell in cells])
                if len(lines) > MAX_ROWS + 1:
                    break
        finally:
            workbook.close()
    except (BadZipFile, InvalidFileException, IndexError, KeyError, OSError, TypeError, ValueError):
        raise ValueError(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    return lines


def _cell_text(cell: object, month_codes: bool = True) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, date):
        # Excel turns a typed "2026-03" into the date 1.3.2026: read it back as the month code.
        if month_codes and cell.day == 1:
            return f"{cell.year}-{cell.month:02d}"
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _as_dicts(lines: Iterable[list[str]]) -> list[dict[str, str]]:
    lines = list(lines)
    while lines and not any(cell.strip() for cell in lines[-1]):
        lines.pop()
    if not lines:
        raise ValueError(_("The file is empty."))
    if len(lines) > MAX_ROWS + 1:
        raise ValueError(_("The file has more than %(count)s rows.") % {"count": MAX_ROWS})
    header = [cell.strip().lower() for cell in lines[0]]
    rows = []
    for line in lines[1:]:
        rows.append(
            {
                column: (line[index] if index < len(line) else "")
                for index, column in enumerate(header)
                if column
            }
        )
    return rows
