"""Progress lines for long management commands (backup, restore, load_scale, retention, imports).

A :class:`Progress` is called as ``progress(phase, done, total=None, unit="")`` — the same
signature service functions accept as an optional ``progress`` callback — and writes lines such
as::

    backup: encrypt 40 % (12.0 MB of 30.0 MB)
    load_scale: networks 1,200 / 3,000 (40 %)
    restore: pg_restore 12.0 MB

to stderr, at most once per ``interval`` seconds (the first update of a phase and its last one,
``done == total``, are always written). On a terminal one line is rewritten in place; otherwise
(the systemd journal, a pipe, a log file) every update is a plain line of its own. With
``--verbosity 0`` nothing is written. No third-party dependency.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, Protocol, TypeVar

from django.core.management.base import BaseCommand, OutputWrapper

T = TypeVar("T")

BYTES = "B"


class ProgressCallback(Protocol):
    """What a service function's optional ``progress`` argument is called with."""

    def __call__(
        self, phase: str, done: int, total: int | None = None, *, unit: str = ""
    ) -> None: ...


def human_bytes(count: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def describe(phase: str, done: int, total: int | None, unit: str) -> str:
    """The text after the label: ``encrypt 40 % (12.0 MB of 30.0 MB)``, ``networks 1 / 3``."""
    prefix = f"{phase} " if phase else ""
    if unit == BYTES:
        if total:
            percent = min(100, done * 100 // total)
            return f"{prefix}{percent} % ({human_bytes(done)} of {human_bytes(total)})"
        return f"{prefix}{human_bytes(done)}"
    suffix = f" {unit}" if unit else ""
    if total:
        percent = min(100, done * 100 // total)
        return f"{prefix}{done:,} / {total:,}{suffix} ({percent} %)"
    return f"{prefix}{done:,}{suffix}"


class Progress:
    """Rate-limited progress lines; call it as a ``progress`` callback or use :meth:`track`."""

    def __init__(
        self,
        label: str,
        stream: IO[str] | OutputWrapper | None = None,
        *,
        enabled: bool = True,
        interval: float = 1.0,
        every: int | None = None,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import sys

        self.label = label
        self.stream: Any = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.interval = interval
        self.every = every
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            tty = bool(isatty()) if callable(isatty) else False
        self.tty = tty
        self.clock = clock
        self._phase: str | None = None
        self._last_time: float | None = None
        self._last_done = 0
        self._open_line = False  # a terminal line not yet ended with a newline
        self.lines = 0  # how many updates were written (for tests and the caller)

    @classmethod
    def for_command(cls, command: BaseCommand, label: str, **options: Any) -> Progress:
        """Progress on the command's stderr, silent with ``--verbosity 0``."""
        verbosity = options.pop("verbosity", 1)
        return cls(label, command.stderr, enabled=verbosity > 0, **options)

    # -- writing ---------------------------------------------------------------------------

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            # Unstyled (stderr's default style is the error colour) and without an ending.
            self.stream.write(text, style_func=lambda line: line, ending="")
        else:
            self.stream.write(text)
        flush = getattr(self.stream, "flush", None)
        if callable(flush):
            flush()

    def _emit(self, text: str) -> None:
        line = f"{self.label}: {text}"
        if self.tty:
            self._write(f"\r\x1b[K{line}")
            self._open_line = True
        else:
            self._write(line + "\n")
        self.lines += 1

    def message(self, text: str) -> None:
        """A line of its own (a phase starting, a step done), not rate limited."""
        if not self.enabled:
            return
        self._end_line()
        self._write(f"{self.label}: {text}\n")
        self.lines += 1

    def _end_line(self) -> None:
        if self._open_line:
            self._write("\n")
            self._open_line = False

    # -- updates ---------------------------------------------------------------------------

    def __call__(self, phase: str, done: int, total: int | None = None, *, unit: str = "") -> None:
        if not self.enabled:
            return
        now = self.clock()
        new_phase = phase != self._phase
        finished = total is not None and done >= total
        due = self._last_time is None or now - self._last_time >= self.interval
        if self.every and done - self._last_done >= self.every:
            due = True
        if not (new_phase or finished or due):
            return
        if new_phase:
            self._end_line()
        elif finished and self._last_done == done and not due:
            return  # the same final figure again
        self._phase = phase
        self._last_time = now
        self._last_done = done
        self._emit(describe(phase, done, total, unit))
        if finished:
            self._end_line()

    def track(
        self, items: Iterable[T], phase: str = "", total: int | None = None, *, unit: str = ""
    ) -> Iterator[T]:
        """Yield from ``items``, reporting each one (``total`` from ``len()`` if it has one)."""
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        done = 0
        self(phase, done, total, unit=unit)
        for item in items:
            yield item
            done += 1
            self(phase, done, total, unit=unit)

    def close(self) -> None:
        if self.enabled:
            self._end_line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
