"""Benchmark: render the memo (HTML and PDF) of every held meeting; report the timings."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from meetings.memo import memo_context, render_memo_pdf
from networks.models import Meeting, MeetingStatus


class Command(BaseCommand):
    help = "Time the meeting memo (HTML and PDF) over the held meetings, e.g. of the demo data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rounds", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        meetings = list(Meeting.objects.filter(status=MeetingStatus.HELD).select_related("network"))
        if not meetings:
            raise CommandError("No held meetings: run `manage.py load_demo` first.")
        render_memo_pdf(meetings[0], "fi")  # warm up fonts and templates
        pdf_times, html_times = [], []
        for _round in range(options["rounds"]):
            for meeting in meetings:
                start = time.perf_counter()
                render_to_string(
                    "meetings/memo_pdf.html", {**memo_context(meeting), "language": "fi"}
                )
                html_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                render_memo_pdf(meeting, meeting.network.family_language)
                pdf_times.append(time.perf_counter() - start)
        for name, times in (("HTML", html_times), ("PDF", pdf_times)):
            ordered = sorted(times)
            p95 = ordered[int(0.95 * (len(ordered) - 1))]
            self.stdout.write(
                f"memo {name}: n={len(times)} median={statistics.median(times) * 1000:.0f} ms "
                f"p95={p95 * 1000:.0f} ms max={max(times) * 1000:.0f} ms"
            )
