"""core.progress: rate-limited progress lines, quiet mode, plain lines off a terminal."""

from __future__ import annotations

from io import StringIO

from django.core.management.base import BaseCommand, OutputWrapper

from core.progress import BYTES, Progress, describe, human_bytes


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make(**options) -> tuple[Progress, StringIO, Clock]:
    out, clock = StringIO(), Clock()
    options.setdefault("tty", False)
    return Progress("load_scale", out, clock=clock, **options), out, clock


def test_the_texts():
    assert describe("networks", 1200, 3000, "") == "networks 1,200 / 3,000 (40 %)"
    assert describe("checksums", 3, 101, "tables") == "checksums 3 / 101 tables (2 %)"
    assert describe("encrypt", 12_000_000, 30_000_000, BYTES) == "encrypt 40 % (12.0 MB of 30.0 MB)"
    assert describe("pg_restore", 1_500, None, BYTES) == "pg_restore 1.5 kB"
    assert describe("", 7, None, "rows") == "7 rows"
    assert human_bytes(999) == "999 B"
    assert human_bytes(2_500_000_000) == "2.5 GB"


def test_at_most_one_line_a_second_plus_each_phase_start_and_end():
    progress, out, clock = make()
    for done in range(1, 3001):
        clock.now = (done - 1) / 1000  # 3 seconds for 3,000 networks
        progress("networks", done, 3000)
    lines = out.getvalue().splitlines()
    assert lines == [
        "load_scale: networks 1 / 3,000 (0 %)",
        "load_scale: networks 1,001 / 3,000 (33 %)",
        "load_scale: networks 2,001 / 3,000 (66 %)",
        "load_scale: networks 3,000 / 3,000 (100 %)",
    ]
    # A new phase is written at once, even within the second.
    progress("participants", 1, 10)
    assert out.getvalue().splitlines()[-1] == "load_scale: participants 1 / 10 (10 %)"
    assert progress.lines == 5


def test_every_n_items_as_well_as_by_time():
    progress, out, _clock = make(every=100, interval=3600)
    for done in range(1, 351):
        progress("rows", done)
    assert out.getvalue().splitlines() == [
        "load_scale: rows 1",
        "load_scale: rows 101",
        "load_scale: rows 201",
        "load_scale: rows 301",
    ]


def test_quiet_writes_nothing():
    progress, out, _clock = make(enabled=False)
    progress("networks", 1, 2)
    progress.message("done")
    list(progress.track(range(5), "x"))
    progress.close()
    assert out.getvalue() == ""


def test_a_terminal_rewrites_one_line_and_ends_it():
    progress, out, clock = make(tty=True)
    progress("encrypt", 0, 3_000_000, unit=BYTES)
    clock.now = 2
    progress("encrypt", 1_500_000, 3_000_000, unit=BYTES)
    clock.now = 4
    progress("encrypt", 3_000_000, 3_000_000, unit=BYTES)
    text = out.getvalue()
    assert text.count("\r\x1b[K") == 3
    assert text.endswith("load_scale: encrypt 100 % (3.0 MB of 3.0 MB)\n")
    assert "\n" not in text[:-1]  # one line, rewritten in place


def test_track_counts_an_iterable():
    progress, out, _clock = make(every=2)
    assert list(progress.track(["a", "b", "c"], "items")) == ["a", "b", "c"]
    assert out.getvalue().splitlines() == [
        "load_scale: items 0 / 3 (0 %)",
        "load_scale: items 2 / 3 (66 %)",
        "load_scale: items 3 / 3 (100 %)",
    ]


def test_for_command_follows_verbosity_and_writes_unstyled_to_stderr():
    command = BaseCommand()
    err = StringIO()
    command.stderr = OutputWrapper(err)
    Progress.for_command(command, "backup", verbosity=1, tty=False)("copy", 1, 2)
    Progress.for_command(command, "backup", verbosity=0, tty=False)("copy", 1, 2)
    assert err.getvalue() == "backup: copy 1 / 2 (50 %)\n"
    # Off a terminal (a StringIO, the systemd journal) the default is plain lines.
    assert Progress.for_command(command, "backup").tty is False
