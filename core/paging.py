"""Lists a page at a time, counted only when there is more than one page."""

from __future__ import annotations

from typing import Any

from django.core import paginator


class Paginator(paginator.Paginator[Any]):
    """Django's paginator, without its ``COUNT`` query when everything fits on the first page.

    Most lists a user opens (their queue, their promises, a directory search) fit on one page,
    where the count is the number of rows read: the first page is read with one row more, and
    only when that row is there is the list counted. Any other page is asked for as before,
    and the answers are the same (a number that is not a number: the first page; past the
    end: the last)."""

    def get_page(self, number: Any) -> paginator.Page[Any]:
        if "count" not in self.__dict__ and _first(number):
            rows = list(self.object_list[: self.per_page + 1])
            if len(rows) <= self.per_page:
                self.__dict__["count"] = len(rows)  # Paginator.count is a cached property
                return paginator.Page(rows, 1, self)
        return super().get_page(number)


def _first(number: Any) -> bool:
    """Whether ``get_page`` answers ``number`` with the first page whatever the count."""
    if number in (None, ""):
        return True
    try:
        whole = int(number)
    except (TypeError, ValueError):
        return True
    return whole == 1 and float(number) == 1
