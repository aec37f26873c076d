"""CSV downloads that open right in Finnish Excel (issue #20).

Every CSV that Arki hands out is written here:

* UTF-8 with a byte-order mark (BOM): without it Excel reads the file as Windows-1252 and
  "ä" turns into "Ã¤". LibreOffice, pandas and Python's ``utf-8-sig`` skip the mark.
* Comma-separated by default (RFC 4180). ``?sep=semicolon`` gives the variant for Excel in a
  Finnish (or Swedish) locale, whose list separator is the semicolon: opened with a double
  click, a comma-separated file lands in one column there.
* In the semicolon variant decimals are written with a decimal comma (``3,25``), as Finnish
  Excel reads numbers; with a decimal point it would take ``3.25`` for text or a date. The
  comma variant keeps the decimal point, as machines and English-locale spreadsheets expect.
* Rows end in CRLF (RFC 4180), and every cell goes through :func:`core.exports.cell`, which
  neutralises text that a spreadsheet would run as a formula.

Machine-readable CSV (the indicator API) is written without the BOM (``bom=False``); the
directory's HSDS data package is not written here at all: the HSDS specification asks for plain
comma-separated CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse

from core import exports

BOM = "\ufeff"
COMMA = ","
SEMICOLON = ";"
#: ``?sep=`` values; anything else means the comma.
SEPARATORS = {"comma": COMMA, "semicolon": SEMICOLON}


def delimiter_from(request: HttpRequest) -> str:
    """The delimiter that the request asks for: ``?sep=semicolon`` or the comma."""
    return SEPARATORS.get(request.GET.get("sep", ""), COMMA)


def _value(value: Any, decimal_comma: bool) -> Any:
    value = exports.cell(value)
    if decimal_comma and isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value


def csv_text(rows: Iterable[Iterable[Any]], *, delimiter: str = COMMA, bom: bool = True) -> str:
    """``rows`` as CSV text: BOM (unless ``bom=False``), CRLF line ends, formula-safe cells,
    and a decimal comma in the semicolon variant."""
    if delimiter not in (COMMA, SEMICOLON):
        raise ValueError(f"unsupported CSV delimiter {delimiter!r}")
    decimal_comma = delimiter == SEMICOLON
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_value(value, decimal_comma) for value in row])
    return buffer.getvalue()


def csv_response(
    rows: Iterable[Iterable[Any]],
    *,
    filename: str | None = None,
    delimiter: str = COMMA,
    bom: bool = True,
) -> HttpResponse:
    """An HTTP response with :func:`csv_text`; an attachment named ``filename`` if given."""
    response = HttpResponse(
        csv_text(rows, delimiter=delimiter, bom=bom).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
