"""Database helpers shared by the apps."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection, connections, transaction
from django.db.models import Count, Window
from django.db.models.query import (  # type: ignore[attr-defined]  # not in django-stubs
    ModelIterable,
    get_related_populators,
)

from core.lookups import list_parameter

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import QuerySet
    from django.db.models.sql.compiler import SQLCompiler

# Enough for the indicator tallies of a county (tens of thousands of groups) to aggregate in
# memory. PostgreSQL's default of 4 MB makes them sort on disk, three times slower.
REPORT_WORK_MEM = "64MB"


@contextmanager
def report_memory() -> Iterator[None]:
    """A transaction in which PostgreSQL may use more memory per sort or hash (``work_mem``)
    for a large grouped query. ``SET LOCAL`` ends with the transaction. Other databases get
    no transaction: on SQLite one would take the write lock (``transaction_mode="IMMEDIATE"``)
    and make every save wait for the report."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'")
        yield


class Contains:
    """A slot type of :class:`Prepared`: a text searched for with ``field__icontains=text``. The
    value given is the text (a ``str``); the query gets the ``LIKE`` pattern Django makes of it
    (``%`` + the text with ``%``, ``_`` and ``\\`` escaped + ``%``), so the search keeps one SQL
    and a user's ``%`` or ``_`` is matched as itself, as with the ORM."""


class Prepared:
    """A query of fixed shape, compiled to SQL once per process and database, run with new values.

    Django compiles a queryset every time it is evaluated. For a query with several nested
    subqueries (the access facts a page asks on every request) compiling costs milliseconds,
    several times the database's own time. ``build`` makes the queryset from stand-in values;
    the compiled SQL is kept, and each run passes the real values in the stand-ins' places.
    The queryset is still the one definition of the query: nothing is written twice in SQL.

    ``slots`` names build's arguments and their types (``int``, ``str``, ``date``, an aware
    ``datetime``, or ``list``: integers for a ``field__any_of`` lookup, core.lookups, which keeps
    one parameter however many there are).
    ``build`` must pass each slot's value to the ORM as it is: never branch on it nor derive
    another value from it (``now.year``, ``pk + 1``). The SQL is compiled twice with stand-ins
    that differ in every part (sign and size; year to microsecond) and must come out the same
    with the stand-ins, and only they, in the parameters; otherwise (a value written into the
    SQL text itself, such as a slice, or a derived value) this raises instead of running a
    wrong query. Each run's values are checked against the slot's type (no None, no naive
    datetime). :meth:`rows` gives the rows as the database driver gives them (no field
    converters: SQLite's booleans are 0 and 1); :meth:`objects` gives model instances as the
    queryset itself would (converted fields, ``select_related`` objects, annotations).
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **slots: type) -> None:
        if clash := {"using", "known"} & set(slots):
            raise TypeError(f"{', '.join(sorted(clash))}: a name objects() and rows() take")
        self.build, self.slots = build, slots
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _stand_ins(self, round_: int) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for n, (name, kind) in enumerate(self.slots.items()):
            if kind is int:
                values[name] = -(7_000_000_000 + n) if round_ == 0 else 8_123_456_789 + 7 * n
            elif kind is datetime:
                values[name] = (
                    datetime(1901, 1, 1 + n, tzinfo=UTC)
                    if round_ == 0
                    else datetime(2087, 7, 11 + n, 13, 47, 29, 123457, tzinfo=UTC)
                )
            elif kind is date:
                values[name] = date(1901, 1, 1 + n) if round_ == 0 else date(2087, 7, 11 + n)
            elif kind is str or kind is Contains:
                values[name] = f"arki-stand-in-{n}-a" if round_ == 0 else f"ARKI STAND-IN {n} B ä"
            elif kind is list:
                values[name] = (
                    [-(7_000_000_000 + n)]
                    if round_ == 0
                    else [8_123_456_789 + 7 * n, 9_000_000_001 + n, 5]
                )
            else:
                raise TypeError(
                    f"{name}: a slot is an int, a str, a date, a datetime, a list or Contains, "
                    f"not {kind.__name__}"
                )
        return values

    def _adapt(self, conn: BaseDatabaseWrapper, name: str, value: Any) -> Any:
        if self.slots[name] is datetime:
            return conn.ops.adapt_datetimefield_value(value)
        if self.slots[name] is date:
            return conn.ops.adapt_datefield_value(value)
        if self.slots[name] is list:
            return list_parameter(conn, value)
        if self.slots[name] is Contains:
            return f"%{conn.ops.prep_for_like_query(value)}%"
        return value

    def _compile(self, conn: BaseDatabaseWrapper) -> _Compiled:
        compiled: list[tuple[str, list[Any], dict[int, str]]] = []
        for round_ in (0, 1):
            stand_ins = self._stand_ins(round_)
            queryset = self.build(**stand_ins)
            compiler = queryset.query.get_compiler(conn.alias)
            text, given = compiler.as_sql()
            adapted = {name: self._adapt(conn, name, value) for name, value in stand_ins.items()}
            at = {i: name for i, p in enumerate(given) for name, a in adapted.items() if p == a}
            compiled.append((text, list(given), at))
        (sql, params, places), (sql2, params2, places2) = compiled
        same_elsewhere = all(
            a == b for i, (a, b) in enumerate(zip(params, params2, strict=True)) if i not in places
        )
        if (
            sql != sql2
            or places != places2
            or not same_elsewhere
            or set(places.values()) != set(self.slots)
        ):
            raise ValueError("the query does not keep its shape when its values change")
        if conn.vendor == "postgresql":
            sql, params, places = _constants_written_in(conn, sql, params, places)
        # The last compiler knows how the selected columns become objects (the stand-ins are
        # only in the parameters, which were just checked).
        instances = queryset._iterable_class is ModelIterable  # not values() or values_list()
        return _Compiled(sql, params, places, compiler if instances else None)

    def _statement(
        self, conn: BaseDatabaseWrapper, values: dict[str, Any]
    ) -> tuple[_Compiled, str, list[Any]]:
        """The kept SQL with this run's values in the stand-ins' places (checked first)."""
        key = (conn.alias, conn.vendor)
        if key not in self._compiled:
            self._compiled[key] = self._compile(conn)
        compiled = self._compiled[key]
        sql, params, places = compiled.sql, compiled.params, compiled.places
        if set(values) != set(self.slots):  # a value for no slot would be silently ignored
            raise TypeError(
                f"values {sorted(values)} are not the query's slots {sorted(self.slots)}"
            )
        for name, kind in self.slots.items():
            value = values[name]
            if kind is list:
                if not isinstance(value, list | tuple | set | frozenset):
                    raise TypeError(f"{name}: expected a list of integers, got {value!r}")
                try:
                    list_parameter(conn, value)
                except OverflowError as error:
                    raise OutOfRange(f"{name}: {error}") from error
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, str if kind is Contains else kind)
                or (kind is date and isinstance(value, datetime))
            ):
                raise TypeError(f"{name}: expected {kind.__name__}, got {value!r}")
            if isinstance(value, datetime) and value.utcoffset() is None:
                raise TypeError(f"{name}: a naive datetime ({value!r}); give an aware one")
            if kind is int and not -(2**63) <= value < 2**63:
                # SQLite refuses it (OverflowError); the ORM would have matched nothing.
                raise OutOfRange(f"{name}: {value} is outside the database's integers")
        run = list(params)
        for i, name in places.items():
            run[i] = self._adapt(conn, name, values[name])
        return compiled, sql, run

    def _run(self, using: str, values: dict[str, Any]) -> tuple[_Compiled, list[Any]]:
        conn = connections[using]
        compiled, sql, run = self._statement(conn, values)
        with conn.cursor() as cursor:
            cursor.execute(sql, run)
            return compiled, list(cursor.fetchall())

    def rows(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        return self._run(using, values)[1]

    def objects(
        self, using: str = "default", known: dict[str, Any] | None = None, **values: Any
    ) -> list[Any]:
        """The query's model instances, made as Django's ``ModelIterable`` makes them (the
        fields' converters, ``select_related`` objects, annotations), from the kept SQL.

        ``known`` names foreign keys whose object the caller already has (``{"network":
        network}`` for one network's rows): each instance's foreign key is set to it, so
        ``row.network`` needs no query, as Django's ``known_related_objects`` does for
        ``network.meetings.all()``. The object must be the one the query filtered on."""
        compiled, fetched = self._run(using, values)
        return self._instances(compiled, fetched, using, known)

    @staticmethod
    def _instances(
        compiled: _Compiled, fetched: list[Any], using: str, known: dict[str, Any] | None
    ) -> list[Any]:
        compiler = compiled.compiler
        if compiler is None or compiler.klass_info is None:
            raise TypeError("objects(): the query selects values, not model instances")
        klass_info, select = compiler.klass_info, compiler.select
        if compiler.has_extra_select:
            fetched = [row[: compiler.col_count] for row in fetched]
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, using)
        annotations = compiler.annotation_col_map or {}
        known_items = list((known or {}).items())
        for name, owner in known_items:
            field = model._meta.get_field(name)
            if not field.many_to_one or not isinstance(owner, field.related_model):
                raise TypeError(f"known: {name} is not a foreign key to {type(owner).__name__}")
        found = []
        for row in compiler.results_iter([fetched]):
            instance = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, at in annotations.items():
                setattr(instance, name, row[at])
            for name, owner in known_items:
                setattr(instance, name, owner)
            found.append(instance)
        return found


def remember_related(owner: Any, name: str, rows: list[Any]) -> None:
    """Keep ``rows`` as ``owner``'s ``name`` (a reverse foreign key or a many-to-many field) the
    way Django's prefetch keeps them: ``owner.<name>.all()`` then answers from them, as after
    ``prefetch_related_objects([owner], name)``. The rows must be exactly what that would read,
    in its order."""
    relation = owner._meta.get_field(name)
    kept = getattr(owner, name).all()  # the related manager's queryset, not yet evaluated
    kept._result_cache, kept._prefetch_done = rows, True
    if not hasattr(owner, "_prefetched_objects_cache"):
        owner._prefetched_objects_cache = {}
    owner._prefetched_objects_cache[relation.cache_name] = kept


class Run(NamedTuple):
    """One :class:`Prepared` query of :func:`objects_together`: its values and, as for
    :meth:`Prepared.objects`, the foreign keys whose object the caller already has; ``as_rows``:
    its rows as :meth:`Prepared.rows` gives them instead of model instances."""

    prepared: Prepared
    values: dict[str, Any]
    known: dict[str, Any] | None = None
    as_rows: bool = False


def objects_together(runs: Sequence[Run], using: str = "default") -> list[list[Any]]:
    """Each run's model instances, as :meth:`Prepared.objects` gives them (or its rows, for a run
    ``as_rows``), for queries that do not depend on each other's answers (a page's rows of one
    network).

    On PostgreSQL they travel in one pipeline: every query is sent before the first answer is
    awaited, so a page with six such reads waits for the database once instead of six times
    (psycopg's pipeline mode; the queries are still six, each its own statement, and each is
    counted and logged as Django logs a query). Elsewhere, and while something watches each
    query (``connection.execute_wrapper``), they run one after another."""
    conn = connections[using]
    statements = [run.prepared._statement(conn, run.values) for run in runs]
    fetched = _fetch_together(conn, [(sql, params) for _compiled, sql, params in statements])
    return [
        rows if run.as_rows else Prepared._instances(compiled, rows, using, run.known)
        for run, (compiled, _sql, _params), rows in zip(runs, statements, fetched, strict=True)
    ]


def rows_together(runs: Sequence[Run], using: str = "default") -> list[list[tuple[Any, ...]]]:
    """Each run's rows, as :meth:`Prepared.rows` gives them, read as :func:`objects_together`
    reads."""
    return objects_together([run._replace(as_rows=True) for run in runs], using)


def pipelines(conn: BaseDatabaseWrapper) -> bool:
    """Whether :func:`objects_together` sends its queries in one pipeline on this connection:
    PostgreSQL with server-side binding (psycopg's client-side binding cursor has no pipeline
    mode; ``DB_PREPARED_STATEMENTS=false`` turns both off) and nothing wrapping each query."""
    return (
        conn.vendor == "postgresql"
        and bool(conn.settings_dict.get("OPTIONS", {}).get("server_side_binding"))
        and not conn.execute_wrappers
    )


def _fetch_together(
    conn: BaseDatabaseWrapper, statements: list[tuple[str, list[Any]]]
) -> list[list[Any]]:
    if len(statements) < 2 or not pipelines(conn):
        fetched = []
        with conn.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                fetched.append(list(cursor.fetchall()))
        return fetched
    # What Django's cursor does around each query, once for the pipeline: connect, refuse to
    # run in a transaction already marked for rollback, raise Django's errors, make each cursor
    # as Django makes one (its time zone), and log every query sent, failed ones too.
    with conn.cursor() as outer:
        conn.validate_no_broken_transaction()
        driver = outer.cursor.connection  # psycopg's own connection under Django's wrapper
        started = time.monotonic()
        cursors: list[Any] = []
        try:
            with conn.wrap_database_errors:
                try:
                    cursors.extend(conn.create_cursor() for _statement in statements)
                    with driver.pipeline():
                        for cursor, (sql, params) in zip(cursors, statements, strict=True):
                            cursor.execute(sql, params)
                    fetched = [list(cursor.fetchall()) for cursor in cursors]
                finally:
                    for cursor in cursors:
                        cursor.close()
        finally:
            _log_together(conn, statements, time.monotonic() - started)
    return fetched


def _log_together(
    conn: BaseDatabaseWrapper, statements: list[tuple[str, list[Any]]], seconds: float
) -> None:
    """Log the pipeline's queries as Django's debug cursor logs each (the tests' query counts
    and ``django.db.backends`` read it), each with an equal share of the pipeline's time."""
    if not conn.queries_logged:
        return
    share = seconds / len(statements)
    compose = conn.ops.compose_sql  # type: ignore[attr-defined]  # PostgreSQL's own
    for sql, params in statements:
        conn.queries_log.append({"sql": compose(sql, params), "time": f"{share:.3f}"})
        _db_log.debug(
            "(%.3f) %s; args=%s; alias=%s",
            share,
            sql,
            params,
            conn.alias,
            extra={"duration": share, "sql": sql, "params": params, "alias": conn.alias},
        )


_db_log = logging.getLogger("django.db.backends")


class PagedQuery:
    """A list shown a page at a time, each page one compiled query (:class:`Prepared`) whose rows
    carry the list's total (``COUNT(*) OVER ()``, annotated as ``list_total``), in place of
    Django's count and page: two compilations and two round trips on every request.

    ``build`` makes the whole list's queryset (ordered) from the slots' values, as for
    :class:`Prepared`. Each page offset is compiled once per process; every list shares one
    bound (``KEPT`` compiled pages in all, the least recently used dropped first), and a page
    found empty is not kept, so asking for page numbers past the end cannot fill a process's
    memory. :meth:`page` answers any page number asked as
    ``Paginator(rows, per_page).get_page(asked)`` does: none or not a number, the first page;
    below one or past the end, the last (one or two more queries); a number beyond
    ``LAST_PAGE_ASKED`` is past the end of any list and never written into SQL."""

    KEPT = 512
    LAST_PAGE_ASKED = 1_000_000
    # Every PagedQuery's compiled pages: (list, offset, rows) -> Prepared, the most recently used
    # last.
    _kept: OrderedDict[tuple[PagedQuery, int, int], Prepared] = OrderedDict()
    _lock = threading.Lock()  # the development server answers in threads

    def __init__(self, build: Callable[..., QuerySet[Any]], **slots: type) -> None:
        self.build, self.slots = build, slots

    def _prepared(self, offset: int, limit: int) -> Prepared:
        with self._lock:
            prepared = self._kept.get((self, offset, limit))
            if prepared is not None:
                self._kept.move_to_end((self, offset, limit))
                return prepared
        build = self.build
        return Prepared(
            lambda **v: build(**v).annotate(list_total=Window(Count("pk")))[
                offset : offset + limit
            ],
            **self.slots,
        )

    def _keep(self, offset: int, limit: int, prepared: Prepared, rows: list[Any]) -> None:
        if rows or offset == 0:  # a page found empty (past the end) is not kept
            with self._lock:
                self._kept[(self, offset, limit)] = prepared
                self._kept.move_to_end((self, offset, limit))
                while len(self._kept) > self.KEPT:
                    self._kept.popitem(last=False)

    def _read(self, offset: int, limit: int, using: str, values: dict[str, Any]) -> list[Any]:
        prepared = self._prepared(offset, limit)
        rows = prepared.objects(using, **values)
        self._keep(offset, limit, prepared, rows)
        return rows

    def page(
        self, asked: str | None, per_page: int, using: str = "default", **values: Any
    ) -> Page[Any]:
        """The page ``asked`` of ``per_page`` rows; ``values`` are the slots' values."""
        return pages_together([Paging(self, asked, per_page, values)], using)[0]

    def _settle(
        self, number: int, rows: list[Any], per_page: int, using: str, values: dict[str, Any]
    ) -> Page[Any]:
        """The page from the rows read for page ``number``; below one or past the end (no
        rows), the last page, read now."""
        if rows or number == 1:
            total = rows[0].list_total if rows else 0
        else:
            first = self._read(0, per_page, using, values)
            total = first[0].list_total if first else 0
            number = max(1, -(-total // per_page))
            rows = (
                first
                if number == 1
                else self._read((number - 1) * per_page, per_page, using, values)
            )
        return known_page(rows, number, per_page, total)


class Paging(NamedTuple):
    """One list's page for :func:`pages_together`: the page number as asked, the page size and
    the slots' values."""

    paged: PagedQuery
    asked: str | None
    per_page: int
    values: dict[str, Any]


def _page_number(asked: str | None) -> int:
    try:
        return int(asked) if asked is not None else 1
    except (TypeError, ValueError):
        return 1


def pages_together(pagings: Sequence[Paging], using: str = "default") -> list[Page[Any]]:
    """Each list's page (:meth:`PagedQuery.page`), the pages read together
    (:func:`objects_together`: on PostgreSQL, one wait for the database for every list of a
    page such as the coordinator's queue). A page asked past a list's end costs that list one
    or two more queries afterwards, as :meth:`PagedQuery.page` does."""
    numbers = [_page_number(paging.asked) for paging in pagings]
    reads: list[tuple[int, int, Prepared]] = []  # (paging's index, offset, query)
    for i, (paging, number) in enumerate(zip(pagings, numbers, strict=True)):
        if 1 <= number <= PagedQuery.LAST_PAGE_ASKED:
            offset = (number - 1) * paging.per_page
            reads.append((i, offset, paging.paged._prepared(offset, paging.per_page)))
    found = objects_together(
        [Run(prepared, pagings[i].values) for i, _offset, prepared in reads], using
    )
    rows: dict[int, list[Any]] = {}
    for (i, offset, prepared), read in zip(reads, found, strict=True):
        pagings[i].paged._keep(offset, pagings[i].per_page, prepared, read)
        rows[i] = read
    return [
        paging.paged._settle(number, rows.get(i, []), paging.per_page, using, paging.values)
        for i, (paging, number) in enumerate(zip(pagings, numbers, strict=True))
    ]


def known_page(rows: list[Any], number: int, per_page: int, total: int) -> Page[Any]:
    """Django's ``Page`` of ``rows``, page ``number`` of a list of ``total`` rows, for the
    templates' paginator API (``has_next``, ``num_pages`` …) without Django counting again."""
    paginator: Paginator[Any] = Paginator(rows, per_page)
    paginator.__dict__["count"] = total  # the list's total (a cached property), not the page's
    return Page(rows, number, paginator)


class Scalars:
    """Several one-value queries read in one round trip, ``SELECT (q1), (q2), …``, compiled to
    SQL once per process and database (see :class:`Prepared` for why compiling matters).

    ``build`` gives the querysets, each selecting one column of at most one row
    (``Model.objects.order_by("-pk").values("pk")[:1]``); an empty one reads as None. It takes no
    values: what it gives must be the same on every call, since its SQL and parameters are kept.
    Used for the data stamps of the indicator figures (what changes when figures can change),
    which a dashboard reads from several tables on every request."""

    def __init__(self, build: Callable[[], Sequence[QuerySet[Any]]]) -> None:
        self.build = build

    def read(self, using: str = "default") -> tuple[Any, ...]:
        return read_together([self], using)[0]


_scalars_compiled: dict[tuple[tuple[Scalars, ...], str, str], tuple[str, list[Any], list[int]]] = {}


def read_together(scalars: Sequence[Scalars], using: str = "default") -> list[tuple[Any, ...]]:
    """Each :class:`Scalars`' values, all in one query."""
    conn = connections[using]
    key = (tuple(scalars), conn.alias, conn.vendor)
    if key not in _scalars_compiled:
        parts: list[str] = []
        params: list[Any] = []
        sizes: list[int] = []
        for each in scalars:
            querysets = each.build()
            for queryset in querysets:
                query = queryset.query
                if len(query.values_select) + len(query.annotation_select) != 1:
                    raise ValueError("a Scalars query selects exactly one column")
                text, given = query.get_compiler(conn.alias).as_sql()
                parts.append(f"({text})")
                params.extend(given)
            sizes.append(len(querysets))
        sql = "SELECT " + ", ".join(parts) if parts else ""
        _scalars_compiled[key] = (sql, params, sizes)
    sql, params, sizes = _scalars_compiled[key]
    row: tuple[Any, ...] = ()
    if sql:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            row = tuple(cursor.fetchone())
    found, at = [], 0
    for size in sizes:
        found.append(row[at : at + size])
        at += size
    return found


_PLACEHOLDER = re.compile(r"%%|%s")


def _constants_written_in(
    conn: BaseDatabaseWrapper, sql: str, params: list[Any], places: dict[int, str]
) -> tuple[str, list[Any], dict[int, str]]:
    """The SQL with its constants (every parameter that is no slot: a status, a scope, the 1 of
    ``EXISTS(SELECT 1 …)``) written into the text as literals; only the slots stay parameters.

    PostgreSQL keeps a prepared query's plan only when its generic plan is estimated no worse
    than planning for each run's values. A status passed as a parameter is estimated as an
    average status (a third of all networks), so the queue's lists were planned again on every
    request; written in, it is estimated as itself (the convening networks, a few per cent).
    The constants come from the query's definition, never from a request (Prepared checks that
    they stay the same whatever the slots' values), and psycopg quotes them. Only text, whole
    numbers and booleans are written in; other constants stay parameters."""
    from psycopg import sql as psycopg_sql

    conn.ensure_connection()
    driver = conn.connection
    kept: list[Any] = []
    kept_places: dict[int, str] = {}
    index = -1

    def replace(match: re.Match[str]) -> str:
        nonlocal index
        if match.group() == "%%":
            return "%%"
        index += 1
        value = params[index]
        if index not in places and isinstance(value, str | int):
            literal = psycopg_sql.Literal(_plain(value)).as_string(driver)
            return literal.replace("%", "%%")
        if index in places:
            kept_places[len(kept)] = places[index]
        kept.append(value)
        return "%s"

    written = _PLACEHOLDER.sub(replace, sql)
    if index != len(params) - 1:
        raise ValueError("the query's placeholders and parameters differ in number")
    return written, kept, kept_places


def _plain(value: str | int) -> str | int:
    """A text choice (a str enum) as the plain text it stands for; True and False as booleans."""
    if isinstance(value, str):
        return str.__str__(value)
    return value if isinstance(value, bool) else int(value)


class OutOfRange(ValueError):
    """An ``int`` slot's value no database integer column can hold (e.g. a number typed into an
    address): no row can match it, so the caller answers as for an unknown one."""


class _Compiled(NamedTuple):
    sql: str
    params: list[Any]
    places: dict[int, str]  # parameter index → slot name
    compiler: SQLCompiler | None  # None: the queryset gives values, not model instances
