"""core.paging.Paginator: Django's answers, without the COUNT when everything fits on page 1."""

import pytest
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paging import Paginator
from directory.models import Area

pytestmark = pytest.mark.django_db

ASKED = [None, "", "x", "1", "1.0", "2.5", "0", "-1", "2", "3", "99999999999999999999", 1, 2]


@pytest.fixture
def areas():
    Area.objects.bulk_create(Area(code=f"a{n:02}", name=f"Alue {n:02}") for n in range(7))
    return Area.objects.order_by("code")


@pytest.mark.parametrize("per_page", [3, 7, 8, 20])
@pytest.mark.parametrize("asked", ASKED)
def test_the_same_page_as_djangos_paginator(areas, per_page, asked):
    ours = Paginator(areas, per_page).get_page(asked)
    theirs = DjangoPaginator(areas, per_page).get_page(asked)
    assert ours.number == theirs.number
    assert list(ours) == list(theirs)
    assert ours.paginator.count == theirs.paginator.count
    assert ours.paginator.num_pages == theirs.paginator.num_pages
    assert (ours.has_next(), ours.has_previous()) == (theirs.has_next(), theirs.has_previous())


def test_one_page_is_read_in_one_query_and_more_are_counted(areas):
    with CaptureQueriesContext(connection) as one:
        page = Paginator(areas, 7).get_page(None)
        assert (len(page), page.paginator.count, page.has_other_pages()) == (7, 7, False)
    assert len(one.captured_queries) == 1
    assert "COUNT" not in one.captured_queries[0]["sql"].upper()

    with CaptureQueriesContext(connection) as more:
        page = Paginator(areas, 6).get_page("1")
        assert (len(page), page.paginator.count, page.has_next()) == (6, 7, True)
    assert any("COUNT" in query["sql"].upper() for query in more.captured_queries)


def test_an_empty_list_is_one_empty_page(db):
    page = Paginator(Area.objects.none().order_by("code"), 5).get_page(None)
    assert (list(page), page.paginator.count, page.number) == ([], 0, 1)
