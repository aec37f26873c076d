"""Django's ``date`` filter, with the numeric formats Arki's pages use written without
Django's general formatter.

Settings put this library among the template engine's builtins after Django's own, so every
template's ``|date`` is this one. A format (after Django's ``get_format``: ``SHORT_DATE_FORMAT``
is ``j.n.Y`` in Finnish) is split once into text and format characters, exactly as
``django.utils.dateformat`` splits it. When every format character is a number (``d j m n y Y``
and, for a datetime, ``G H i s``), the date is written from those pieces: the same text in
about a fifth of the time. Any other format (month and weekday names, time zones, AM/PM) and
any value that is not a date go to Django's filter, which also raises what it raises."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.formats import get_format

register = template.Library()

_NUMBERS: dict[str, Callable[[Any], str]] = {
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "y": lambda d: f"{d.year % 100:02d}",
    "Y": lambda d: f"{d.year:04d}",
}
_TIME_NUMBERS: dict[str, Callable[[Any], str]] = {
    "G": lambda d: str(d.hour),
    "H": lambda d: f"{d.hour:02d}",
    "i": lambda d: f"{d.minute:02d}",
    "s": lambda d: f"{d.second:02d}",
}
_FORMATS_KEPT = 256


class _Split(NamedTuple):
    pieces: tuple[str | Callable[[Any], str], ...]
    has_time: bool


_split: dict[str, _Split | None] = {}


def _split_format(format_string: str) -> _Split | None:
    """The format's pieces, or None when a character is not a plain number."""
    pieces: list[str | Callable[[Any], str]] = []
    has_time = False
    for i, piece in enumerate(re_formatchars.split(format_string)):
        if i % 2:
            if piece in _NUMBERS:
                pieces.append(_NUMBERS[piece])
            elif piece in _TIME_NUMBERS:
                pieces.append(_TIME_NUMBERS[piece])
                has_time = True
            else:
                return None
        elif piece:
            pieces.append(re_escaped.sub(r"\1", piece))
    return _Split(tuple(pieces), has_time)


def date_filter(value: Any, arg: str | None = None) -> str:
    """Django's ``date`` filter."""
    if not isinstance(value, date):
        return django_date(value, arg)
    format_string = str(get_format(arg or "DATE_FORMAT"))
    if format_string in _split:
        split = _split[format_string]
    else:
        split = _split_format(format_string)
        if len(_split) >= _FORMATS_KEPT:
            _split.clear()
        _split[format_string] = split
    if split is None or (split.has_time and not isinstance(value, datetime)):
        return django_date(value, arg)
    return "".join(piece if isinstance(piece, str) else piece(value) for piece in split.pieces)


register.filter("date", date_filter, expects_localtime=True, is_safe=False)
