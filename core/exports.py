"""Cells for CSV and XLSX exports: text that a spreadsheet would run as a formula is neutralised.

A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is taken as a
formula by Excel and LibreOffice, so text typed into Arki could run in the reader's spreadsheet
(formula injection, OWASP "CSV Injection"). Such text gets a leading apostrophe; plain numbers
such as ``-12`` or ``+5 %`` stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed number as Arki writes it: digits, spaces as thousands separators, a decimal comma or
# point, an optional percent sign.
NUMBER = re.compile(r"[+-]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?(?: ?%)?")

Value = TypeVar("Value")


def cell(value: Value) -> Value | str:
    """``value`` as it is safe to write into a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def row(values: Iterable[Value]) -> list[Value | str]:
    """Every cell of a row through :func:`cell`."""
    return [cell(value) for value in values]


def rows(table: Iterable[Iterable[Value]]) -> list[list[Value | str]]:
    return [row(values) for values in table]
