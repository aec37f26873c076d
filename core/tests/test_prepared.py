"""core.db.Prepared: a query compiled once, run with new values, gives what the ORM gives."""

from datetime import date, datetime, timedelta

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


def test_only_ints_strings_dates_datetimes_and_lists_are_slots():
    from decimal import Decimal

    prepared = Prepared(lambda pk: User.objects.filter(pk=pk), pk=Decimal)
    with pytest.raises(TypeError, match="an int, a str, a date, a datetime, a list or Contains"):
        prepared.rows(pk=Decimal(1))


def test_a_date_slot_is_run_with_each_date_and_refuses_a_datetime():
    user = UserFactory()
    joined = timezone.localdate(user.date_joined)
    prepared = Prepared(
        lambda joined: User.objects.filter(date_joined__date__lt=joined).values_list("pk"),
        joined=date,
    )
    assert (user.pk,) in prepared.rows(joined=joined + timedelta(days=1))
    assert (user.pk,) not in prepared.rows(joined=joined - timedelta(days=1))
    with pytest.raises(TypeError, match="expected date"):
        prepared.rows(joined=timezone.now())


def test_a_string_slot_is_run_with_each_value():
    UserFactory(email="a@example.invalid")
    prepared = Prepared(
        lambda email: User.objects.filter(email=email).values_list("email"), email=str
    )
    assert prepared.rows(email="a@example.invalid") == [("a@example.invalid",)]
    assert prepared.rows(email="b@example.invalid") == []
    with pytest.raises(TypeError):
        prepared.rows(email=1)
    # A value made from the string (a LIKE pattern) is not the string: refused, not run wrong.
    with pytest.raises(ValueError, match="shape"):
        Prepared(lambda email: User.objects.filter(email__startswith=email), email=str).rows(
            email="a"
        )


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


def _memberships_since(user: int, since):
    from django.db.models import F

    from accounts.models import Membership

    return (
        Membership.objects.filter(user_id=user, user__date_joined__gte=since)
        .select_related("user", "area")
        .annotate(joined=F("user__date_joined"))
        .order_by("pk")
    )


def test_objects_are_what_the_queryset_gives_with_related_rows_and_annotations(kaakkuri, children):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership
    from audit.roles import Role

    user = UserFactory(is_active=True)
    for role in (Role.COORDINATOR, Role.PROFESSIONAL):
        Membership.objects.create(user=user, role=role, area=kaakkuri, programme=children)
    prepared = Prepared(_memberships_since, user=int, since=datetime)
    since = timezone.now() - timedelta(days=1)
    found = prepared.objects(user=user.pk, since=since)
    expected = list(_memberships_since(user.pk, since))
    assert [m.pk for m in found] == [m.pk for m in expected] and len(found) == 2
    with CaptureQueriesContext(connection) as captured:
        for mine, theirs in zip(found, expected, strict=True):
            assert type(mine) is Membership and mine.joined == theirs.joined
            assert (mine.user.email, mine.user.is_active, mine.area.name) == (
                theirs.user.email,
                True,  # converted: SQLite gives 1
                theirs.area.name,
            )
            assert mine.user.is_active is True
    assert not captured.captured_queries
    assert prepared.objects(user=user.pk, since=timezone.now() + timedelta(days=1)) == []


def test_objects_of_a_values_query_are_refused():
    with pytest.raises(TypeError):
        Prepared(_joined_since, pk=int, since=datetime).objects(pk=1, since=timezone.now())


def test_an_integer_no_column_can_hold_is_refused_before_the_database_sees_it():
    from core.db import OutOfRange

    prepared = Prepared(lambda pk: User.objects.filter(pk=pk).values_list("email"), pk=int)
    assert prepared.rows(pk=2**63 - 1) == []
    for huge in (2**63, -(2**63) - 1, 10**30):
        with pytest.raises(OutOfRange):
            prepared.rows(pk=huge)


def test_known_objects_are_set_on_each_instance_without_a_query(kaakkuri, children):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership
    from audit.roles import Role
    from directory.models import Area

    user = UserFactory(is_active=True)
    for role in (Role.COORDINATOR, Role.PROFESSIONAL):
        Membership.objects.create(user=user, role=role, area=kaakkuri, programme=children)
    prepared = Prepared(lambda user: Membership.objects.filter(user_id=user), user=int)
    found = prepared.objects(user=user.pk, known={"user": user})
    assert len(found) == 2
    with CaptureQueriesContext(connection) as captured:
        assert all(m.user is user for m in found)
    assert not captured.captured_queries
    # Without it the foreign key is read when asked for, as the ORM does.
    unknown = prepared.objects(user=user.pk)
    with CaptureQueriesContext(connection) as captured:
        assert unknown[0].user == user and unknown[0].user is not user
    assert len(captured.captured_queries) == 1
    with pytest.raises(TypeError, match="foreign key"):
        prepared.objects(user=user.pk, known={"user": Area.objects.get(pk=kaakkuri.pk)})
    with pytest.raises(TypeError, match="foreign key"):
        prepared.objects(user=user.pk, known={"role": user})


# --- core.db.Scalars: several one-value queries in one round trip ---


def _newest_and_count():
    return [
        User.objects.order_by("-pk").values("pk")[:1],
        User.objects.filter(email__endswith="@scalars.invalid").values("email")[:1],
    ]


def test_scalars_read_each_query_s_value_in_one_query_as_it_changes(django_assert_num_queries):
    from core.db import Scalars, read_together

    stamp = Scalars(_newest_and_count)
    other = Scalars(lambda: [User.objects.filter(pk=-1).values("pk")])
    with django_assert_num_queries(1):
        first = stamp.read()
    assert first == (User.objects.order_by("-pk").values_list("pk", flat=True).first(), None)
    user = UserFactory(email="new@scalars.invalid")
    with django_assert_num_queries(1):
        together = read_together([stamp, other])
    # A new row changes the value; a query with no row reads as None.
    assert together == [(user.pk, "new@scalars.invalid"), (None,)]
    assert stamp.read() != first
    assert Scalars(lambda: []).read() == ()


def test_a_scalars_query_of_more_than_one_column_is_refused():
    from core.db import Scalars

    with pytest.raises(ValueError, match="one column"):
        Scalars(lambda: [User.objects.values("pk", "email")[:1]]).read()


# --- list slots: field__any_of (core.lookups), one parameter however many values ---


def _emails_of(pks):
    return User.objects.filter(pk__any_of=pks).order_by("pk").values_list("email", flat=True)


def test_any_of_gives_the_rows_in_gives():
    users = [UserFactory(email=f"u{n}@example.invalid") for n in range(4)]
    for chosen in ([], [users[0].pk], [u.pk for u in users[1:]], [users[2].pk, 10**12]):
        expected = list(
            User.objects.filter(pk__in=chosen).order_by("pk").values_list("email", flat=True)
        )
        assert list(_emails_of(chosen)) == expected


def test_a_list_slot_keeps_one_sql_for_any_number_of_values():
    users = [UserFactory(email=f"l{n}@example.invalid") for n in range(3)]
    prepared = Prepared(lambda pks: _emails_of(pks), pks=list)
    pks = [u.pk for u in users]
    assert [e for (e,) in prepared.rows(pks=pks)] == [u.email for u in users]
    assert [e for (e,) in prepared.rows(pks=(pks[1],))] == [users[1].email]
    assert prepared.rows(pks=set()) == []
    assert len(prepared._compiled) == 1  # compiled once, run three times


def test_a_list_slot_takes_integers_only():
    from core.db import OutOfRange

    prepared = Prepared(lambda pks: _emails_of(pks), pks=list)
    for wrong in (5, "1,2", ["1"], [True], [1.0], None):
        with pytest.raises(TypeError):
            prepared.rows(pks=wrong)
    with pytest.raises(OutOfRange):
        prepared.rows(pks=[2**63])
    with pytest.raises(TypeError):
        list(_emails_of(["1"]))  # the lookup itself refuses a string


# --- core.db.PagedQuery: pages compiled once, under one bound for every list ---


def test_pages_past_the_end_are_not_kept_and_every_list_shares_one_bound(monkeypatch):
    from core.db import PagedQuery

    for n in range(5):
        UserFactory(email=f"p{n}@paged.invalid", full_name="Sivutettu")
    monkeypatch.setattr(PagedQuery, "_kept", type(PagedQuery._kept)())
    paged = PagedQuery(lambda name: User.objects.filter(full_name=name).order_by("email"), name=str)
    page = paged.page("2", 2, name="Sivutettu")
    assert [u.email for u in page] == ["p2@paged.invalid", "p3@paged.invalid"]
    assert page.paginator.count == 5 and page.paginator.num_pages == 3
    kept = len(PagedQuery._kept)
    for number in range(4, 60):  # past the end: the last page each time, nothing more kept
        assert paged.page(str(number), 2, name="Sivutettu").number == 3
    assert len(PagedQuery._kept) == kept + 2  # pages 1 and 3, each kept once, when shown
    monkeypatch.setattr(PagedQuery, "KEPT", 3)
    other = PagedQuery(lambda: User.objects.order_by("pk"))
    for asked in ("1", "2", "3", "4"):
        other.page(asked, 1)
    assert len(PagedQuery._kept) == 3  # the least recently used dropped
    assert (other, 3, 1) in PagedQuery._kept and (paged, 0, 2) not in PagedQuery._kept


# --- core.db.objects_together / pages_together: independent reads, one wait on PostgreSQL ---


def test_objects_together_are_what_each_query_gives_alone(kaakkuri, children):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership
    from audit.roles import Role
    from core.db import Run, objects_together

    users = [UserFactory(is_active=True) for _n in range(3)]
    for user in users[:2]:
        for role in (Role.COORDINATOR, Role.PROFESSIONAL):
            Membership.objects.create(user=user, role=role, area=kaakkuri, programme=children)
    memberships = Prepared(_memberships_since, user=int, since=datetime)
    emails = Prepared(lambda pk: User.objects.filter(pk=pk), pk=int)
    since = timezone.now() - timedelta(days=1)
    runs = [
        Run(memberships, {"user": users[0].pk, "since": since}, {"user": users[0]}),
        Run(emails, {"pk": users[1].pk}),
        Run(memberships, {"user": users[2].pk, "since": since}),  # none
        Run(memberships, {"user": users[1].pk, "since": since}),
    ]
    with CaptureQueriesContext(connection) as captured:
        together = objects_together(runs)
    assert len(captured.captured_queries) == 4  # each query counted, pipelined or not
    alone = [run.prepared.objects(known=run.known, **run.values) for run in runs]
    assert [[(type(o), o.pk) for o in rows] for rows in together] == [
        [(type(o), o.pk) for o in rows] for rows in alone
    ]
    assert [len(rows) for rows in together] == [2, 1, 0, 2]
    assert all(m.user is users[0] for m in together[0])  # known, as objects() sets it
    assert [m.joined for m in together[3]] == [m.joined for m in alone[3]]


def test_objects_together_pipeline_on_postgresql_and_step_by_step_while_watched():
    from django.db import connection

    from core.db import Run, objects_together, pipelines

    user = UserFactory()
    prepared = Prepared(lambda pk: User.objects.filter(pk=pk), pk=int)
    server_side = connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
    assert pipelines(connection) == (connection.vendor == "postgresql" and bool(server_side))
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert not pipelines(connection)
        found = objects_together([Run(prepared, {"pk": user.pk}), Run(prepared, {"pk": -1})])
    assert [[u.pk for u in rows] for rows in found] == [[user.pk], []]
    assert len(seen) == 2  # a watcher sees every query


def test_a_failing_query_together_raises_django_s_error_and_the_connection_goes_on():
    from django.db import DatabaseError, connection, transaction

    from core.db import Run, objects_together

    user = UserFactory()
    fine = Prepared(lambda pk: User.objects.filter(pk=pk), pk=int)
    # Division by zero in the database: the query compiles, the database refuses it.
    failing = Prepared(
        lambda pk: User.objects.filter(pk=pk).extra(where=["1 / 0 = 1"]),
        pk=int,
    )
    if connection.vendor != "postgresql":
        pytest.skip("SQLite answers 1 / 0 with NULL, not an error")
    with transaction.atomic():
        with pytest.raises(DatabaseError), transaction.atomic():
            objects_together([Run(fine, {"pk": user.pk}), Run(failing, {"pk": user.pk})])
        assert [u.pk for u in fine.objects(pk=user.pk)] == [user.pk]


def test_pages_together_are_the_pages_each_list_gives_alone():
    from django.core.paginator import Paginator

    from core.db import PagedQuery, Paging, pages_together

    for n in range(5):
        UserFactory(email=f"t{n}@together.invalid", full_name="Yhdessä")
    for n in range(3):
        UserFactory(email=f"u{n}@together.invalid", full_name="Toinen")
    paged = PagedQuery(lambda name: User.objects.filter(full_name=name).order_by("email"), name=str)
    asks = ["1", "2", "3", "9", "0", "-1", "x", None, "10" * 30]
    pagings = [Paging(paged, asked, 2, {"name": "Yhdessä"}) for asked in asks] + [
        Paging(paged, asked, 2, {"name": name}) for asked in ("2", "5") for name in ("Toinen", "-")
    ]
    together = pages_together(pagings)
    for paging, page in zip(pagings, together, strict=True):
        rows = User.objects.filter(full_name=paging.values["name"]).order_by("email")
        expected = Paginator(rows, 2).get_page(paging.asked)
        assert (page.number, page.paginator.count, [u.email for u in page]) == (
            expected.number,
            expected.paginator.count,
            [u.email for u in expected],
        ), paging


def test_a_contains_slot_searches_for_the_text_itself_as_icontains_does():
    from django.db.models import Q

    from core.db import Contains

    texts = ["50%", "a_b", "a\\b", "ÄITI", "x'y", "%", "_", "\\"]
    for n, text in enumerate(texts):
        UserFactory(full_name=f"Nimi {text} {n}", email=f"c{n}@contains.invalid")
    UserFactory(full_name="Nimi 5000 a-b", email="decoy@contains.invalid")

    def build(text):
        return (
            User.objects.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
            .order_by("email")
            .values_list("email")
        )

    prepared = Prepared(build, text=Contains)
    for text in [*texts, "äiti", "nimi", "ei ketään"]:
        assert prepared.rows(text=text) == list(build(text)), text
    assert prepared.rows(text="%") == [("c0@contains.invalid",), ("c5@contains.invalid",)]
    with pytest.raises(TypeError):
        prepared.rows(text=5)


def test_values_must_be_exactly_the_slots():
    prepared = Prepared(lambda pk: User.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError, match="slots"):
        prepared.rows(pk=1, area=2)  # a value for no slot: refused, not ignored
    with pytest.raises(TypeError, match="slots"):
        prepared.rows()


def test_a_transaction_marked_for_rollback_refuses_reads_together():
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    from core.db import Run, objects_together

    user = UserFactory()
    prepared = Prepared(lambda pk: User.objects.filter(pk=pk), pk=int)
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            objects_together([Run(prepared, {"pk": user.pk}), Run(prepared, {"pk": user.pk})])
        transaction.set_rollback(False)


def _constants(email, name):
    # Constants of every kind next to the slots: text with a quote, a percent sign and a
    # backslash, a text choice, whole numbers.
    from accounts.models import Membership
    from audit.roles import Role

    return (
        User.objects.filter(email=email, is_active=True)
        .exclude(full_name="O'Brien 100% \\ %s")
        .exclude(memberships__role=Role.DEVELOPER_WORKER)
        .filter(full_name__icontains=name)
        .exclude(pk=-12345)
        .filter(pk__in=User.objects.exclude(memberships__in=Membership.objects.none()))
        .order_by("pk")
        .values_list("email", flat=True)
    )


@pytest.mark.parametrize("name", ["Maija", "O'Brien 100% \\ %s", "%s'; --"])
def test_constants_are_written_into_the_sql_and_the_rows_stay_the_orm_rows(name):
    from django.db import connection

    from core.db import Contains

    UserFactory(email="maija@example.invalid", full_name="Maija Virtanen")
    UserFactory(email="obrien@example.invalid", full_name="O'Brien 100% \\ %s")
    UserFactory(email="odd@example.invalid", full_name="x %s'; -- y")
    prepared = Prepared(_constants, email=str, name=Contains)
    for email in ("maija@example.invalid", "obrien@example.invalid", "odd@example.invalid"):
        assert prepared.rows(email=email, name=name) == [(e,) for e in _constants(email, name)]
    compiled = prepared._compiled[("default", connection.vendor)]
    if connection.vendor == "postgresql":
        # Only the two slots are parameters; the constants are in the text.
        assert len(compiled.params) == 2
        assert sorted(compiled.places.values()) == ["email", "name"]
        assert "E'O''Brien 100%% \\\\ %%s'" in compiled.sql  # psycopg's quoting, % doubled
        assert "'developer_worker'" in compiled.sql
        assert "-12345" in compiled.sql and "SELECT 1 AS" in compiled.sql
    else:
        assert len(compiled.params) > 2  # SQLite keeps a query's constants as parameters
