"""core.db.Prepared: a query compiled once, run with new values, gives what the ORM gives."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.db import Prepared

pytestmark = pytest.mark.django_db


def _joined_since(pk: int, since):
    return User.objects.filter(pk=pk, date_joined__gte=since).order_by().values_list("email")


def test_rows_are_the_orm_rows_for_each_set_of_values():
    old = UserFactory(email="old@example.invalid")
    new = UserFactory(email="new@example.invalid")
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - timedelta(days=30))
    prepared = Prepared(_joined_since, pk=int, since=datetime)
    week_ago = timezone.now() - timedelta(days=7)
    for user in (old, new):
        expected = list(_joined_since(user.pk, week_ago))
        assert prepared.rows(pk=user.pk, since=week_ago) == expected
    assert prepared.rows(pk=new.pk, since=week_ago) == [("new@example.invalid",)]
    assert prepared.rows(pk=old.pk, since=week_ago) == []
    assert prepared.rows(pk=old.pk, since=week_ago - timedelta(days=60)) == [
        ("old@example.invalid",)
    ]


def test_a_value_written_into_the_sql_text_is_refused():
    # A slice is written into the SQL itself (LIMIT n), not passed as a parameter.
    prepared = Prepared(lambda n: User.objects.order_by("pk")[: abs(n) % 1000 + 1], n=int)
    with pytest.raises(ValueError, match="shape"):
        prepared.rows(n=3)


def test_a_slot_the_query_does_not_use_is_refused():
    prepared = Prepared(lambda pk, unused: User.objects.filter(pk=pk), pk=int, unused=int)
    with pytest.raises(ValueError, match="shape"):
        prepared.rows(pk=1, unused=2)


def test_only_ints_and_datetimes_are_slots():
    prepared = Prepared(lambda email: User.objects.filter(email=email), email=str)
    with pytest.raises(TypeError, match="int or a datetime"):
        prepared.rows(email="a@example.invalid")


def test_a_value_derived_from_a_slot_is_refused():
    prepared = Prepared(
        lambda since: User.objects.filter(date_joined__year__gte=since.year), since=datetime
    )
    with pytest.raises(ValueError, match="shape"):
        prepared.rows(since=timezone.now())


def test_values_of_the_wrong_kind_are_refused():
    prepared = Prepared(_joined_since, pk=int, since=datetime)
    aware = timezone.now()
    for bad in (
        {"pk": None, "since": aware},
        {"pk": True, "since": aware},
        {"pk": "1", "since": aware},
        {"pk": 1, "since": aware.replace(tzinfo=None)},
    ):
        with pytest.raises(TypeError):
            prepared.rows(**bad)
