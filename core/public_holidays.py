"""Finnish public holidays (the ``holidays`` package), named in the reader's language.

A network's first meeting is due 14 days after the contact, and a holiday on that day or on a
planned meeting's day is easy to miss when the phone is ringing: the queue, the network page and
the meeting forms say so.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays
from django.utils import translation

# Arki's interface languages -> the package's names for the Finnish calendar's languages.
_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


@lru_cache(maxsize=64)
def _calendar(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays("FI", years=year, language=language)


def public_holiday(day: date, language: str | None = None) -> str | None:
    """The name of the Finnish public holiday on ``day`` (Christmas Eve and Midsummer Eve
    included), in ``language`` or the active one; None on an ordinary day."""
    code = (language or translation.get_language() or "fi").split("-")[0]
    return _calendar(day.year, _LANGUAGES.get(code, "fi")).get(day)
