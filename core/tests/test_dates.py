"""Arki's |date filter writes exactly what Django's writes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Engine, Template
from django.template.defaultfilters import date as django_date
from django.utils import translation

from core.templatetags import arki_dates
from core.templatetags.arki_dates import date_filter

HELSINKI = ZoneInfo("Europe/Helsinki")
FORMATS = [
    None,
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "j.n.Y",
    "j.n.Y H:i",
    "d.m.y G.i.s",
    "Y-m-d",
    "l j.n.Y",
    "r",
    "j F Y, H:i",
    "\\k\\l\\o G.i",
    "\\Y\\e\\a\\r Y",
    "H:i",
    "",
]
VALUES = [
    date(2026, 12, 5),
    date(987, 1, 2),  # a year of three digits: Y writes four
    datetime(2026, 3, 29, 0, 5, 7),  # naive, midnight
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the night summer time begins in Helsinki
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # and ends
    datetime(2026, 12, 5, 23, 59, 59, tzinfo=HELSINKI),
]


def _either(function, value, arg):
    try:
        return function(value, arg)
    except Exception as error:  # the same error is the expected outcome
        return type(error)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_format_and_value_is_written_as_django_writes_it(language):
    with translation.override(language):
        for value in VALUES:
            for arg in FORMATS:
                assert _either(date_filter, value, arg) == _either(django_date, value, arg), (
                    value,
                    arg,
                )


@pytest.mark.parametrize("value", [None, "", "2026-12-05", 5, object()])
def test_what_is_not_a_date_goes_to_django(value):
    assert date_filter(value, "j.n.Y") == django_date(value, "j.n.Y")


def test_numeric_formats_do_not_use_djangos_formatter(monkeypatch):
    monkeypatch.setattr(arki_dates, "django_date", lambda *args: "Django's")
    assert date_filter(date(2026, 12, 5), "j.n.Y") == "5.12.2026"
    assert date_filter(datetime(2026, 12, 5, 9, 4), "\\k\\l\\o G.i") == "klo 9.04"
    assert date_filter(date(2026, 12, 5), "l j.n.Y") == "Django's"  # a weekday's name
    assert date_filter(date(2026, 12, 5), "H:i") == "Django's"  # a date has no time


def test_the_template_filter_is_arkis_and_writes_local_time(settings):
    settings.TIME_ZONE = "Europe/Helsinki"
    moment = datetime(2026, 12, 5, 10, 4, tzinfo=UTC)
    with translation.override("fi"):
        rendered = Template('{{ d|date:"SHORT_DATETIME_FORMAT" }}|{{ d|date }}').render(
            Context({"d": moment})
        )
    assert rendered == "5.12.2026 12.04|5.12.2026"
    assert Engine.get_default().template_builtins[-1].filters["date"] is date_filter


def test_the_kept_formats_are_bounded(monkeypatch):
    monkeypatch.setattr(arki_dates, "_FORMATS_KEPT", 2)
    arki_dates._split.clear()
    for days in range(5):
        date_filter(date(2026, 1, 1) + timedelta(days=days), f"j.n.Y {'x' * days}")
    assert len(arki_dates._split) <= 2
