"""Reads for the coordinator's queue."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Model, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from audit.models import AccessLog, Action
from audit.roles import Role
from contacts.access import contacts_coordinated_by
from contacts.models import Contact, Outcome
from core.db import PagedQuery, Paging, known_page, pages_together
from directory.models import Area
from directory.selectors import professionals
from networks.access import coordinator_terms, scope_of
from networks.deadlines import DeadlineStatus, deadline_status, network_deadline_status
from networks.models import Meeting, MeetingStatus, Network, NetworkStatus
from programmes.models import Programme

if TYPE_CHECKING:
    from accounts.models import Membership, User

# Each list of the queue is shown this many rows at a time, so the page stays the same size
# however much a county has waiting; each list has its own page number in the query string.
ROWS_PER_PAGE = 50
NEW_CONTACTS_PER_PAGE = ROWS_PER_PAGE


class QueuePages:
    """The query parameters of the queue's lists' page numbers."""

    NEW = "page"
    WAITING = "waiting_page"
    UPCOMING = "upcoming_page"
    LATE = "late_page"
    UNRECORDED = "unrecorded_page"


@dataclass(frozen=True)
class WaitingNetwork:
    network: Network
    status: DeadlineStatus
    next_meeting: Meeting | None


@dataclass(frozen=True)
class NewContact:
    """A contact waiting for an outcome; the 14-day clock runs from the contact."""

    contact: Contact
    clock: DeadlineStatus

    @property
    def days_since(self) -> int:
        return self.clock.day_number


@dataclass(frozen=True)
class Queue:
    """What waits for the coordinator. Each list holds the rows of the page shown; its ``*_page``
    has the page's number, the others and the list's total."""

    new: list[NewContact]
    new_page: Page[Contact]
    waiting: list[WaitingNetwork]  # networks convening, the nearest deadline first
    waiting_page: Page[Network]
    upcoming: Page[Meeting]  # planned meetings of the next two weeks, the soonest first
    late: Page[Network]  # networks convening past their deadline, the longest late first
    unrecorded: Page[Meeting]  # planned meetings whose time has passed, the oldest first

    @property
    def new_total(self) -> int:
        return self.new_page.paginator.count

    @property
    def new_contacts(self) -> list[Contact]:
        return [row.contact for row in self.new]

    @property
    def overdue_total(self) -> int:
        return self.late.paginator.count + self.unrecorded.paginator.count


def coordinator_queue(
    user: User,
    area: Area | None = None,
    programme: Programme | None = None,
    *,
    pages: Mapping[str, str] | None = None,
) -> Queue:
    """Everything waiting for the coordinator, most urgent first, filtered in the database.

    Every list comes a page at a time; ``pages`` holds the page numbers asked for by their
    ``QueuePages`` parameter (none or not a number: the first page; past the end or below one:
    the last), as Django's ``Paginator.get_page`` answers them. Each page is one query whose
    rows carry the list's total (:func:`_queue_pages`)."""
    pages = pages or {}
    terms = coordinator_terms(user)
    shape = _Shape(
        tuple((a is not None, p is not None) for a, p in terms),
        area is not None,
        programme is not None,
    )
    values: dict[str, Any] = {}
    for i, (area_id, programme_id) in enumerate(terms):
        if area_id is not None:
            values[f"a{i}"] = area_id
        if programme_id is not None:
            values[f"p{i}"] = programme_id
    if area is not None:
        values["area"] = area.pk
    if programme is not None:
        values["programme"] = programme.pk
    today, now = timezone.localdate(), timezone.now()
    dated = {"now": now, "until": now + timedelta(days=14), "today": today}

    # Every list's page read together (one wait for the database on PostgreSQL).
    new_page, waiting_page, upcoming, late, unrecorded = _queue_pages(
        shape,
        [
            (
                name,
                {**values, **{slot: dated[slot] for slot in _LIST_DATES[name]}},
                pages.get(param),
            )
            for name, param in (
                ("new", QueuePages.NEW),
                ("waiting", QueuePages.WAITING),
                ("upcoming", QueuePages.UPCOMING),
                ("late", QueuePages.LATE),
                ("unrecorded", QueuePages.UNRECORDED),
            )
        ],
    )
    prefetch_related_objects(
        list(waiting_page),
        Prefetch(
            "meetings",
            queryset=Meeting.objects.filter(status=MeetingStatus.PLANNED).order_by(
                "starts_at", "pk"
            ),
            to_attr="planned",
        ),
    )
    return Queue(
        new=[
            NewContact(
                contact,
                deadline_status(
                    contact.received_at,
                    contact.programme.convening_deadline_days,
                    contact.programme.convening_warning_day,
                    today,
                ),
            )
            for contact in new_page
        ],
        new_page=new_page,
        waiting=[
            WaitingNetwork(
                network,
                network_deadline_status(
                    network.first_contact_at,
                    network.convening_deadline,
                    network.programme.convening_warning_day,
                    today,
                ),
                network.planned[0] if network.planned else None,
            )
            for network in waiting_page
        ],
        waiting_page=waiting_page,
        upcoming=upcoming,
        # The deadline kept on the network decides, as on its timeline and in the indicator.
        late=late,
        unrecorded=unrecorded,
    )


@dataclass(frozen=True)
class _Shape:
    """What changes a queue list's SQL: per coordinator role, whether it is limited to an area
    and to a programme; whether the list is filtered by area and by programme."""

    terms: tuple[tuple[bool, bool], ...]
    area: bool
    programme: bool

    def scoped(self, model: type[Model], v: Mapping[str, Any], through: str = "") -> QuerySet[Any]:
        """``model``'s rows in the coordinator's areas and programmes and the filters
        (``through``: the path to the network whose area and programme count, as in
        :func:`networks.access.scope_of`)."""
        rows = model._default_manager.filter(
            scope_of(
                (
                    (v[f"a{i}"] if has_area else None, v[f"p{i}"] if has_programme else None)
                    for i, (has_area, has_programme) in enumerate(self.terms)
                ),
                through=through,
            )
        )
        if self.area:
            rows = rows.filter(**{f"{through}area_id": v["area"]})
        if self.programme:
            rows = rows.filter(**{f"{through}programme_id": v["programme"]})
        return rows


def _open_meetings(shape: _Shape, v: Mapping[str, Any]) -> QuerySet[Meeting]:
    # The network joined, not asked as "network IN (SELECT …)": PostgreSQL planned that form
    # in 1.5 ms on every request (it keeps custom plans for these lists), the join in 0.4 ms.
    # The open statuses named (not "not closed"): the index on area, programme and status
    # then skips the closed networks, which grow with the region's history.
    return (
        shape.scoped(Meeting, v, through="network__")
        .filter(
            network__status__in=[NetworkStatus.CONVENING, NetworkStatus.ACTIVE],
            status=MeetingStatus.PLANNED,
        )
        .select_related("network", "network__area", "network__programme", "organiser")
    )


# Each list of the queue: its rows (in the order shown) and the moments it is read against.
_LISTS: dict[str, Callable[[_Shape, Mapping[str, Any]], QuerySet[Any]]] = {
    "new": lambda shape, v: (
        shape.scoped(Contact, v)
        .filter(outcome=Outcome.PENDING)
        .select_related("area", "programme")
        .order_by("received_at", "pk")
    ),
    # Networks convening, the nearest deadline first.
    "waiting": lambda shape, v: (
        shape.scoped(Network, v)
        .filter(status=NetworkStatus.CONVENING)
        .select_related("area", "programme")
        .order_by("convening_deadline", "pk")
    ),
    "upcoming": lambda shape, v: (
        _open_meetings(shape, v)
        .filter(starts_at__gte=v["now"], starts_at__lt=v["until"])
        .order_by("starts_at", "pk")
    ),
    "late": lambda shape, v: (
        shape.scoped(Network, v)
        .filter(status=NetworkStatus.CONVENING, convening_deadline__lt=v["today"])
        .order_by("convening_deadline", "pk")
    ),
    "unrecorded": lambda shape, v: (
        _open_meetings(shape, v).filter(starts_at__lt=v["now"]).order_by("starts_at", "pk")
    ),
}
_LIST_DATES: dict[str, tuple[str, ...]] = {
    "new": (),
    "waiting": (),
    "upcoming": ("now", "until"),
    "late": ("today",),
    "unrecorded": ("now",),
}
_SLOT_TYPES = {"now": datetime, "until": datetime, "today": date}
# Queue lists kept per process: a handful of role shapes (their compiled pages are kept under
# PagedQuery's one bound for every list).
_LISTS_KEPT = 128
_compiled_lists: dict[tuple[str, _Shape], PagedQuery] = {}


def _queue_pages(
    shape: _Shape, lists: list[tuple[str, dict[str, Any], str | None]]
) -> list[Page[Any]]:
    """Each list's page ``asked`` (name, slot values, page asked), as
    ``Paginator(rows, ROWS_PER_PAGE).get_page(asked)`` gives it, each from one query compiled
    once per process (core.db.PagedQuery): compiling the queue's ten queries on every request
    was a fifth of its time. The pages are read together (core.db.pages_together)."""
    if not shape.terms:  # no coordinator role: nothing to read
        return [known_page([], 1, ROWS_PER_PAGE, 0) for _list in lists]
    return pages_together(
        [
            Paging(_paged_list(name, shape, values), asked, ROWS_PER_PAGE, values)
            for name, values, asked in lists
        ]
    )


def _paged_list(name: str, shape: _Shape, values: dict[str, Any]) -> PagedQuery:
    key = (name, shape)
    paged = _compiled_lists.get(key)
    if paged is None:
        if len(_compiled_lists) >= _LISTS_KEPT:
            _compiled_lists.clear()
        build = _LISTS[name]
        paged = PagedQuery(
            lambda **v: build(shape, v), **{slot: _SLOT_TYPES.get(slot, int) for slot in values}
        )
        _compiled_lists[key] = paged
    return paged


CONVENE_VIEW = "contacts:convene"


def too_many_identity_checks(user: User) -> bool:
    """Whether the user has checked more identities for an open network within the last hour
    than ``ARKI_IDENTITY_CHECKS_PER_HOUR``, counting the check being made.

    Each check (a POST of the convene form) writes an access-log row against the contact before
    anything is looked up, so the log itself is the counter: shared by every process and node, and kept as long as the
    log. The limit (``ARKI_IDENTITY_CHECKS_PER_HOUR``) stops probing for other areas' families
    name by name.
    """
    since = timezone.now() - timedelta(hours=1)
    made = AccessLog.objects.filter(
        actor=user, view_name=CONVENE_VIEW, action=Action.UPDATE, success=True, at__gte=since
    ).count()
    return made > settings.ARKI_IDENTITY_CHECKS_PER_HOUR


def pending_contact_count(user: User) -> int:
    """How many contacts the coordinator may see are waiting for an outcome."""
    return contacts_coordinated_by(user).filter(outcome=Outcome.PENDING).count()


# --- the contact form: the coordinator's programmes and areas, and the professional picker ----


def _coordinator_memberships(user: User) -> list[Membership]:
    return [m for m in user.memberships.all() if m.role == Role.COORDINATOR]


def coordinator_programmes(user: User) -> QuerySet[Programme]:
    """The programmes in use that the user coordinates (every one for a role not limited)."""
    memberships = _coordinator_memberships(user)
    programmes = Programme.objects.filter(is_active=True).order_by("order", "code")
    if any(m.programme_id is None for m in memberships):
        return programmes
    return programmes.filter(pk__in={m.programme_id for m in memberships})


def coordinator_areas(user: User) -> QuerySet[Area]:
    """The areas the user coordinates (every area for a role not limited to one)."""
    memberships = _coordinator_memberships(user)
    areas = Area.objects.order_by("name")
    if any(m.area_id is None for m in memberships):
        return areas
    return areas.filter(pk__in={m.area_id for m in memberships})


RECENT_CALLERS = 5  # offered before any search
RECENT_FIRST = 50  # ranked first among the matches of a search
PICKER_MATCHES = 10


def recent_callers(user: User, limit: int = RECENT_CALLERS) -> list[User]:
    """The professionals of the coordinator's own latest contacts, the latest first.

    Only contacts the coordinator recorded and may still see (their areas and programmes), and
    only professionals still listed in the directory.
    """
    latest = (
        contacts_coordinated_by(user)
        .filter(recorded_by=user, contact_person__isnull=False)
        .order_by("-received_at", "-pk")
        .values_list("contact_person_id", flat=True)[:200]
    )
    ids: list[int] = []
    for person_id in latest:
        if person_id not in ids:
            ids.append(person_id)
    listed = {person.pk: person for person in professionals().filter(pk__in=ids)}
    return [listed[pk] for pk in ids if pk in listed][:limit]


def search_professionals(
    user: User, text: str, limit: int = PICKER_MATCHES, recent: list[User] | None = None
) -> list[User]:
    """Directory professionals whose name, title or service contains every word of ``text``;
    the coordinator's recent callers first (``recent``, when already looked up), then by name."""
    found = professionals()
    for word in text.split()[:5]:
        found = found.filter(
            Q(full_name__icontains=word)
            | Q(positions__is_active=True, positions__title__icontains=word)
            | Q(positions__is_active=True, positions__service__name__icontains=word)
        )
    if recent is None:
        recent = recent_callers(user, limit=RECENT_FIRST)
    matching = set(found.filter(pk__in=[p.pk for p in recent]).values_list("pk", flat=True))
    first = [person for person in recent if person.pk in matching][:limit]
    if len(first) == limit:
        return first
    return first + list(found.exclude(pk__in=matching)[: limit - len(first)])
