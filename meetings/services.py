"""The verbs of a network meeting: record it, review promises, rate goals, remind. Transactions here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.clock import now_or
from core.db import OutOfRange, PagedQuery, Prepared, Run, objects_together
from core.errors import ValidationError
from feedback.services import invite
from indicators.events import record_event
from indicators.models import EventKind
from meetings.models import (
    ChildView,
    Goal,
    GoalOwner,
    GoalRating,
    LifeAreaNote,
    MeetingRecord,
    MeetingRecordRevision,
    Promise,
    PromiseStatus,
)
from networks import services as network_services
from networks.deadlines import local_date
from networks.models import (
    Child,
    ClosingReason,
    Meeting,
    MeetingStatus,
    Network,
    NetworkStatus,
    Participant,
)
from networks.selectors import meetings_in_order, preloaded

if TYPE_CHECKING:
    from accounts.models import User

TEXT_FIELDS = ("family_view", "common_goal", "protective_factors")


class StaleRecord(Exception):
    """Someone saved the record after this user opened it. Nothing was written."""

    def __init__(self, saved_by: str, changed: list[str]) -> None:
        super().__init__(saved_by, changed)
        self.saved_by = saved_by
        self.changed = changed


@dataclass
class NewGoal:
    owner: str
    text: str
    rating: int | None
    scale_note: str = ""
    child: Any = None  # the networks.Child whose own goal it is (owner "child")


@dataclass
class NewPromise:
    participant: Participant
    act: str
    due: date


@dataclass
class Review:
    promise: Promise
    status: str
    note: str = ""


@dataclass
class RecordInput:
    present: list[Participant] = field(default_factory=list)
    family_view: str = ""
    child_views: dict[int, str] = field(default_factory=dict)  # child id → their own words
    common_goal: str = ""
    protective_factors: str = ""
    life_areas: dict[int, tuple[str, str]] = field(default_factory=dict)  # life area id → notes
    ratings: dict[int, int | None] = field(default_factory=dict)  # goal id → 0..10
    self_rating: int | None = None  # the client's own 0–10 rating (programmes that ask it)
    new_goals: list[NewGoal] = field(default_factory=list)
    new_promises: list[NewPromise] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


def snapshot(record: MeetingRecord) -> dict[str, Any]:
    """The record as a revision keeps it, read from the database."""
    return _snapshot(
        record,
        present=record.present.values_list("pk", flat=True),
        child_views={v.child_id: v.text for v in record.child_views.all()},
        life_areas={
            note.life_area_id: (note.strengths, note.vulnerabilities)
            for note in record.life_areas.all()
        },
    )


def _snapshot(
    record: MeetingRecord,
    *,
    present: Iterable[int],
    child_views: dict[int, str],
    life_areas: dict[int, tuple[str, str]],
) -> dict[str, Any]:
    """The one shape of a revision's snapshot, from the record and its related rows: read back
    (:func:`snapshot`) or as a save has just written them (``save_meeting_record``)."""
    data: dict[str, Any] = {name: getattr(record, name) for name in TEXT_FIELDS}
    data["self_rating"] = record.self_rating
    data["present"] = sorted(set(present))
    data["child_views"] = {str(child_id): text for child_id, text in child_views.items()}
    data["life_areas"] = {
        str(life_area_id): [strengths, vulnerabilities]
        for life_area_id, (strengths, vulnerabilities) in life_areas.items()
    }
    return data


def open_promises_before(meeting: Meeting) -> list[Promise]:
    """Promises made at earlier meetings and not yet reviewed: a follow-up starts from them."""
    read = open_promises_read(meeting)
    return _OPEN_PROMISES_BEFORE.objects(**read.values, known=read.known)


def open_promises_read(meeting: Meeting) -> Run:
    """:func:`open_promises_before` as a read to read with others (core.db.objects_together)."""
    return Run(
        _OPEN_PROMISES_BEFORE,
        {"network": meeting.network_id, "meeting": meeting.pk},
        {"network": meeting.network},
    )


# The meeting record's reads, each compiled once per process (core.db.Prepared): the save
# asked Django to build and compile about twenty queries on every request.
_OPEN_PROMISES_BEFORE = Prepared(
    lambda network, meeting: (
        Promise.objects.filter(network_id=network, status=PromiseStatus.OPEN)
        .exclude(made_in_id=meeting)
        .select_related("participant")
        .order_by("due", "pk")
    ),
    network=int,
    meeting=int,
)
_MEMBERS = Prepared(
    lambda network: Participant.objects.filter(
        network_id=network, removed_at__isnull=True
    ).values_list("pk"),
    network=int,
)
_CHILD_KEYS = Prepared(
    lambda network: Child.objects.filter(network_id=network).values_list("pk"), network=int
)
_LOCKED_MEETING = Prepared(
    lambda meeting: (
        Meeting.objects.select_for_update().select_related("network").filter(pk=meeting)
    ),
    meeting=int,
)
_RECORD_OF = Prepared(
    lambda meeting: MeetingRecord.objects.filter(meeting_id=meeting).order_by("pk")[:1],
    meeting=int,
)
# A meeting has at most one record: its notes and views are read by the meeting, so that they
# are read with the record itself.
_LIFE_AREA_NOTES = Prepared(
    lambda meeting: LifeAreaNote.objects.filter(record__meeting_id=meeting), meeting=int
)
_CHILD_VIEWS = Prepared(
    lambda meeting: ChildView.objects.filter(record__meeting_id=meeting), meeting=int
)
_GOALS = Prepared(lambda network: Goal.objects.filter(network_id=network), network=int)
_RATINGS = Prepared(
    lambda meeting, goals: GoalRating.objects.filter(meeting_id=meeting, goal_id__any_of=goals),
    meeting=int,
    goals=list,
)


@dataclass(frozen=True)
class _Saved:
    """What a save reads under the meeting's lock, in one wait (:func:`_read_saved`): the
    network's current participants, children and open promises (to check the input against),
    the record with its notes and views, and the goals with this meeting's ratings."""

    members: set[int]
    children: set[int]
    open_promises: set[int]
    record: MeetingRecord | None
    notes: list[LifeAreaNote]
    child_views: list[ChildView]
    goals: list[Goal]
    ratings: list[GoalRating]


def _read_saved(meeting: Meeting, data: RecordInput) -> _Saved:
    try:
        read = objects_together(_saved_reads(meeting, data))
    except OutOfRange:  # a rated goal's number no database integer holds: no goal of ours
        raise ValidationError({"goals": [_("That goal is not in this network.")]}) from None
    members, children, open_promises, records, notes, views, goals, ratings = read
    return _Saved(
        members={pk for (pk,) in members},
        children={pk for (pk,) in children},
        open_promises={promise.pk for promise in open_promises},
        record=records[0] if records else None,
        notes=notes,
        child_views=views,
        goals=goals,
        ratings=ratings,
    )


def _saved_reads(meeting: Meeting, data: RecordInput) -> list[Run]:
    network = meeting.network
    return [
        Run(_MEMBERS, {"network": network.pk}, as_rows=True),
        Run(_CHILD_KEYS, {"network": network.pk}, as_rows=True),
        open_promises_read(meeting),
        Run(_RECORD_OF, {"meeting": meeting.pk}),
        Run(_LIFE_AREA_NOTES, {"meeting": meeting.pk}),
        Run(_CHILD_VIEWS, {"meeting": meeting.pk}),
        Run(_GOALS, {"network": network.pk}, {"network": network}),
        Run(
            _RATINGS,
            {"meeting": meeting.pk, "goals": list(data.ratings)},
            {"meeting": meeting},
        ),
    ]


def _validate(meeting: Meeting, data: RecordInput, now: datetime, saved: _Saved) -> None:
    errors: dict[str, list[str]] = {}
    network = meeting.network
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    if network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The network is closed."))
    if meeting.starts_at > now:
        raise ValidationError(_("The meeting has not started yet."))
    members = saved.members
    meeting_day = local_date(meeting.starts_at)
    for promise in data.new_promises:
        if promise.participant is None or promise.participant.pk not in members:
            errors.setdefault("promises", []).append(_("Choose who makes the promise."))
        if not promise.act.strip():
            errors.setdefault("promises", []).append(_("Write what is promised."))
        if promise.due is None:
            errors.setdefault("promises", []).append(
                _("Give the date by which the promise is kept.")
            )
        elif promise.due < meeting_day:
            errors.setdefault("promises", []).append(
                _("A promise cannot be due before the meeting.")
            )
    children = saved.children
    for goal in data.new_goals:
        if not goal.text.strip():
            errors.setdefault("goals", []).append(_("Write the goal."))
        if goal.child is not None and goal.child.pk not in children:
            errors.setdefault("goals", []).append(_("That child is not in this network."))
        if goal.owner == GoalOwner.CHILD and goal.child is None and len(children) > 1:
            errors.setdefault("goals", []).append(_("Choose whose goal it is."))
        if goal.rating is not None and not 0 <= goal.rating <= 10:
            errors.setdefault("goals", []).append(_("Ratings are from 0 to 10."))
    for rating in data.ratings.values():
        if rating is not None and not 0 <= rating <= 10:
            errors.setdefault("goals", []).append(_("Ratings are from 0 to 10."))
    if data.self_rating is not None:
        if not network.programme.self_rating_question:
            errors.setdefault("self_rating", []).append(_("This programme asks no own rating."))
        elif not 0 <= data.self_rating <= 10:
            errors.setdefault("self_rating", []).append(_("Ratings are from 0 to 10."))
    open_ids = saved.open_promises
    for review in data.reviews:
        if review.promise.pk not in open_ids:
            errors.setdefault("reviews", []).append(_("That promise is not open in this network."))
        if review.status not in PromiseStatus.values or review.status == PromiseStatus.OPEN:
            errors.setdefault("reviews", []).append(
                _("Mark each promise kept, partly kept or not kept.")
            )
    if any(child_id not in children for child_id in data.child_views):
        errors.setdefault("child_views", []).append(_("That child is not in this network."))
    if any(p.pk not in members for p in data.present):
        errors.setdefault("present", []).append(
            _("Only the network's participants can be present.")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_meeting_record(
    *,
    meeting: Meeting,
    by: User,
    expected_version: int,
    data: RecordInput,
    now: datetime | None = None,
) -> MeetingRecord:
    """Save the meeting's record. Saving the first time marks a planned meeting held.

    ``expected_version`` is the record version the user opened (0 for a new record). If someone
    saved in between, :class:`StaleRecord` says who and which parts changed; nothing is written.
    """
    locked = _LOCKED_MEETING.objects(meeting=meeting.pk)
    if not locked:
        raise Meeting.DoesNotExist(f"meeting {meeting.pk} no longer exists")
    meeting = locked[0]
    now = now_or(now)
    read = _read_saved(meeting, data)
    _validate(meeting, data, now, read)
    record = read.record
    current = record.version if record else 0
    if current != expected_version:
        assert record is not None
        base = record.revisions.filter(version=expected_version).first()
        saved = snapshot(record)
        changed = [key for key in saved if base is None or base.snapshot.get(key) != saved[key]]
        latest = record.revisions.select_related("saved_by").last()
        raise StaleRecord(latest.saved_by.full_name if latest else "", changed)
    if record is None:
        record = MeetingRecord(meeting=meeting, saved_by=by, version=1)
    else:
        record.version += 1
        record.saved_by = by
    for name in TEXT_FIELDS:
        setattr(record, name, getattr(data, name).strip())
    record.self_rating = data.self_rating
    record.saved_at = now
    record.save()
    record.present.set(data.present)
    life_areas = _save_life_areas(record, data, read.notes)
    child_views = _save_child_views(record, data, read.child_views)
    _save_goals(meeting, data, read.goals, read.ratings)
    _save_promises(meeting, data)
    _save_reviews(meeting, data, by=by, now=now)
    # The revision is what was just written (not read back: three queries fewer while the
    # write lock is held); the tests hold it equal to snapshot() of the saved record.
    MeetingRecordRevision.objects.create(
        record=record,
        version=record.version,
        saved_by=by,
        saved_at=now,
        snapshot=_snapshot(
            record,
            present=(participant.pk for participant in data.present),
            child_views=child_views,
            life_areas=life_areas,
        ),
    )
    if meeting.status == MeetingStatus.PLANNED:
        network_services.mark_meeting_held(meeting=meeting, by=by, now=now)
    if record.version == 1:
        invite(network=meeting.network, occasion="meeting", meeting=meeting, now=now)
    return record


def _save_life_areas(
    record: MeetingRecord, data: RecordInput, notes: list[LifeAreaNote]
) -> dict[int, tuple[str, str]]:
    """The strengths and vulnerabilities per life area (``notes``: the record's as read): a
    fixed number of queries however many life areas the programme has (only changed notes are
    written). Returns every note of the record as saved (life area id → strengths,
    vulnerabilities)."""
    existing = {note.life_area_id: note for note in notes}
    changed, created = [], []
    for life_area_id, (strengths, vulnerabilities) in data.life_areas.items():
        texts = {"strengths": strengths.strip(), "vulnerabilities": vulnerabilities.strip()}
        note = existing.get(life_area_id)
        if note is None:
            created.append(LifeAreaNote(record=record, life_area_id=life_area_id, **texts))
        elif (note.strengths, note.vulnerabilities) != (
            texts["strengths"],
            texts["vulnerabilities"],
        ):
            note.strengths, note.vulnerabilities = texts["strengths"], texts["vulnerabilities"]
            changed.append(note)
    if created:
        LifeAreaNote.objects.bulk_create(created)
    if changed:
        LifeAreaNote.objects.bulk_update(changed, ["strengths", "vulnerabilities"])
    saved = {**existing, **{note.life_area_id: note for note in created}}
    return {
        life_area_id: (note.strengths, note.vulnerabilities) for life_area_id, note in saved.items()
    }


def _save_child_views(
    record: MeetingRecord, data: RecordInput, views: list[ChildView]
) -> dict[int, str]:
    """Each child's view in their own words (``views``: the record's as read); an emptied view
    is removed. Returns every view of the record as saved (child id → text)."""
    existing = {view.child_id: view for view in views}
    saved = {child_id: view.text for child_id, view in existing.items()}
    for child_id, text in data.child_views.items():
        text = text.strip()
        view = existing.get(child_id)
        if not text:
            if view is not None:
                view.delete()
                del saved[child_id]
        elif view is None:
            ChildView.objects.create(record=record, child_id=child_id, text=text)
            saved[child_id] = text
        elif view.text != text:
            view.text = text
            view.save(update_fields=["text"])
            saved[child_id] = text
    return saved


def _save_goals(
    meeting: Meeting, data: RecordInput, read_goals: list[Goal], read_ratings: list[GoalRating]
) -> None:
    """This meeting's ratings and the new goals (``read_goals``: the network's goals as read,
    ``read_ratings``: this meeting's ratings of the goals in ``data``)."""
    network = meeting.network
    goals = {goal.pk: goal for goal in read_goals}
    if any(goal_id not in goals for goal_id in data.ratings):
        raise ValidationError({"goals": [_("That goal is not in this network.")]})
    # This meeting's ratings: cleared, changed and new ones in one query each.
    ratings = {rating.goal_id: rating for rating in read_ratings}
    cleared = [goal_id for goal_id, value in data.ratings.items() if value is None]
    changed, created = [], []
    for goal_id, value in data.ratings.items():
        if value is None:
            continue
        rating = ratings.get(goal_id)
        if rating is None:
            created.append(GoalRating(goal_id=goal_id, meeting=meeting, rating=value))
        elif rating.rating != value:
            rating.rating = value
            changed.append(rating)
    if cleared:
        GoalRating.objects.filter(meeting=meeting, goal_id__in=cleared).delete()
    if created:
        GoalRating.objects.bulk_create(created)
    if changed:
        GoalRating.objects.bulk_update(changed, ["rating"])
    order = len(goals)
    for new in data.new_goals:
        order += 1
        if new.owner == GoalOwner.CHILD and new.child is None:
            # A one-child network: the goal is that child's (read only when a goal needs it).
            children = list(network.children.all()[:2])
            new.child = children[0] if len(children) == 1 else None
        goal = Goal.objects.create(
            network=network,
            owner=GoalOwner.CHILD if new.child is not None else new.owner,
            child=new.child,
            text=new.text.strip(),
            scale_note=new.scale_note.strip(),
            set_in=meeting,
            order=order,
        )
        if new.rating is not None:
            GoalRating.objects.create(goal=goal, meeting=meeting, rating=new.rating)


def _save_promises(meeting: Meeting, data: RecordInput) -> None:
    for new in data.new_promises:
        Promise.objects.create(
            network=meeting.network,
            made_in=meeting,
            participant=new.participant,
            act=new.act.strip(),
            due=new.due,
        )


def _save_reviews(meeting: Meeting, data: RecordInput, *, by: Any, now: datetime) -> None:
    network = meeting.network
    for review in data.reviews:
        updated = Promise.objects.filter(pk=review.promise.pk, status=PromiseStatus.OPEN).update(
            status=review.status,
            review_note=review.note.strip(),
            reviewed_in=meeting,
            reviewed_at=now,
            modified_by=by,
        )
        if updated:
            record_event(
                EventKind.PROMISE_REVIEWED,
                area=network.area,
                programme=network.programme,
                at=meeting.starts_at,
                outcome=review.status,
            )


def goal_progress(network: Network) -> tuple[list[Meeting], list[tuple[Goal, list[int | None]]]]:
    """Meetings with ratings (columns) and each goal's rating at each (rows), for chart and table.
    Each child's goals come together, in the order the children were added; the parents' (or
    the client's) goals after them."""
    read = preloaded(network, "goals")  # the network's page and the family's plan read them
    goals = sorted(
        read
        if read is not None
        else Goal.objects.filter(network=network)
        .select_related("child")
        .prefetch_related("ratings"),
        key=lambda g: (g.child is None, g.child.added_at if g.child else None, g.child_id or 0),
    )
    meeting_ids = {r.meeting_id for goal in goals for r in goal.ratings.all()}
    # The network's meetings from memory when the page preloaded them (networks.selectors).
    meetings = [m for m in meetings_in_order(network) if m.pk in meeting_ids]
    rows = []
    for goal in goals:
        by_meeting = {r.meeting_id: r.rating for r in goal.ratings.all()}
        rows.append((goal, [by_meeting.get(m.pk) for m in meetings]))
    return meetings, rows


def goal_page_context(network: Network) -> dict[str, Any]:
    """The network page's goals: the meetings that rated them, the goals and their chart."""
    rating_meetings, goals = goal_progress(network)
    return {
        "rating_meetings": rating_meetings,
        "goals": goals,
        "chart": goal_chart(rating_meetings, goals),
    }


def goal_chart(
    meetings: list[Meeting], rows: list[tuple[Goal, list[int | None]]]
) -> dict[str, Any]:
    """The chart data for goal_progress: labels are meeting dates, one series per goal."""

    return {
        "labels": [meeting_label(m, meetings) for m in meetings],
        "series": [
            {"label": f"{goal.whose}: {goal.text}", "values": values} for goal, values in rows
        ],
    }


def goal_groups(
    rows: list[tuple[Goal, list[int | None]]],
) -> list[tuple[str, list[tuple[Goal, list[int | None]]]]]:
    """The rows of :func:`goal_progress` by whose goals they are: each child's own, then the
    parents' (or the client's), so that every child's goals are shown separately."""
    groups: dict[str, list[tuple[Goal, list[int | None]]]] = {}
    for goal, values in rows:
        groups.setdefault(goal.whose, []).append((goal, values))
    return list(groups.items())


def meeting_label(meeting: Meeting, meetings: list[Meeting]) -> str:
    """The meeting's date; with its time too when another of ``meetings`` is on the same day,
    so that two meetings of one day are told apart in tables and charts."""
    from django.utils.formats import date_format

    local = timezone.localtime(meeting.starts_at)
    same_day = sum(1 for m in meetings if timezone.localtime(m.starts_at).date() == local.date())
    label = date_format(local, "SHORT_DATE_FORMAT")
    return f"{label} {date_format(local, 'TIME_FORMAT')}" if same_day > 1 else label


@transaction.atomic
def mark_promise_done(*, promise: Promise, by: User, now: datetime | None = None) -> Promise:
    """The one who promised marks it done when it is done, between meetings: kept, counted for
    the promises-kept indicator now, and shown as kept at the next meeting."""
    from networks.consent import participant_excluded

    locked = (
        Promise.objects.select_for_update()
        .select_related("participant", "network")
        .get(pk=promise.pk)
    )
    if locked.participant.user_id is None or locked.participant.user_id != by.pk:
        raise ValidationError(_("Only the one who promised can mark the promise done."))
    if participant_excluded(locked.participant):
        raise ValidationError(_("Your participation in this network has ended."))
    if locked.status != PromiseStatus.OPEN:
        raise ValidationError(_("The promise is no longer open."))
    now = now_or(now)
    locked.status = PromiseStatus.KEPT
    locked.reviewed_at, locked.modified_by = now, by
    locked.save(update_fields=["status", "reviewed_at", "modified_by"])
    record_event(
        EventKind.PROMISE_REVIEWED,
        area=locked.network.area,
        programme=locked.network.programme,
        at=now,
        outcome=PromiseStatus.KEPT,
    )
    return locked


@transaction.atomic
def report_promise_done(
    *, promise: Promise, participant: Participant, now: datetime | None = None
) -> Promise:
    """A family member (or an outside professional with a personal link) tells through their
    plan page that their own promise is done. The promise stays open: the network confirms it
    ("kept") at its next meeting. Telling it again changes nothing (idempotent)."""
    from networks.consent import participant_excluded

    locked = (
        Promise.objects.select_for_update()
        .select_related("participant", "network")
        .get(pk=promise.pk)
    )
    if locked.participant_id != participant.pk:
        raise ValidationError(_("Only the one who promised can tell that the promise is done."))
    if locked.participant.removed_at is not None or participant_excluded(locked.participant):
        raise ValidationError(_("Your participation in this network has ended."))
    if locked.status != PromiseStatus.OPEN:
        raise ValidationError(_("The promise is no longer open."))
    if locked.reported_done_at is not None:
        return locked
    locked.reported_done_at = now_or(now)
    locked.save(update_fields=["reported_done_at"])
    return locked


def _my_participations(user: int) -> QuerySet[Any]:
    from networks.consent import receiving

    return receiving(
        Participant.objects.filter(
            user_id=user, network__status__in=[NetworkStatus.CONVENING, NetworkStatus.ACTIVE]
        )
    ).values_list("pk")


def _open_promises_of(participations: list[int]) -> QuerySet[Promise]:
    return (
        Promise.objects.filter(participant_id__any_of=participations, status=PromiseStatus.OPEN)
        .select_related("network", "network__area")
        .order_by("due", "pk")
    )


# Compiled once per process (core.db.Prepared): the exclusion rule's nested subqueries cost more
# to compile than to run; the page's promises come with their total in one query.
_MY_PARTICIPATIONS = Prepared(_my_participations, user=int)
PROMISES_PER_PAGE = 50
_MY_PROMISE_PAGES = PagedQuery(_open_promises_of, participations=list)


def my_participations(user: User) -> list[int]:
    """The user's participations in open networks that still stand: a removal, a ban on them or
    their service, or a withdrawal of the family's consent ends them at once (the same rule as
    reminders and invitations). Open promises are only in open networks (closing resolves
    them): a handful of rows, so the exclusion rule is checked per row. As one subquery over
    all their participations, the planner scanned every open promise and every consent of the
    region (~40 ms for a county, twice with the page count)."""
    return [pk for (pk,) in _MY_PARTICIPATIONS.rows(user=user.pk)]


def my_open_promises(user: User) -> QuerySet[Promise]:
    """The user's open promises, soonest first, only in participations that still stand
    (:func:`my_participations`)."""
    return _open_promises_of(my_participations(user))


def my_open_promises_page(
    user: User, asked: str | None, per_page: int = PROMISES_PER_PAGE
) -> Page[Promise]:
    """The page ``asked`` of :func:`my_open_promises`, as ``Paginator.get_page`` gives it, in
    one query with the list's total (core.db.PagedQuery)."""
    return _MY_PROMISE_PAGES.page(asked, per_page, participations=my_participations(user))


def promises_due_for_reminder(today: date | None = None) -> tuple[list[Promise], list[Promise]]:
    """Open promises due in two days, and overdue ones, that have not had that reminder yet."""
    today = today or timezone.localdate()
    base = Promise.objects.filter(
        status=PromiseStatus.OPEN,
        participant__removed_at__isnull=True,
        network__status__in=[NetworkStatus.CONVENING, NetworkStatus.ACTIVE],
    ).select_related("participant", "participant__user", "participant__network__coordinator")
    soon = list(base.filter(due=today + timedelta(days=2)).exclude(reminders__kind="before_due"))
    overdue = list(base.filter(due__lt=today).exclude(reminders__kind="overdue"))
    return soon, overdue


@transaction.atomic
def close_network(
    *,
    network: Network,
    by: User,
    reason: str,
    summary: str,
    outcome: Any | None = None,
    self_rating: int | None = None,
    now: datetime | None = None,
) -> Network:
    """Close the work together with the family or the client. Open promises and planned
    meetings go first. A programme with outcomes at closing asks where the client's path led;
    one with an own rating question records the client's own rating at the end (optional)."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.status == NetworkStatus.CLOSED:
        raise ValidationError(_("The network is already closed."))
    programme = network.programme
    errors: dict[str, str] = {}
    if reason not in ClosingReason.values:
        errors["reason"] = _("Choose the reason for closing.")
    if not summary.strip():
        errors["summary"] = _("Write a closing summary.")
    outcomes = programme.closing_outcomes.filter(is_active=True)
    if outcomes.exists():
        if outcome is None or not outcomes.filter(pk=outcome.pk).exists():
            errors["outcome"] = _("Choose where the client's path led.")
    elif outcome is not None:
        errors["outcome"] = _("This programme records no outcome at closing.")
    if self_rating is not None:
        if not programme.self_rating_question:
            errors["self_rating"] = _("This programme asks no own rating.")
        elif not 0 <= self_rating <= 10:
            errors["self_rating"] = _("The rating is a whole number from 0 to 10.")
    if Promise.objects.filter(network=network, status=PromiseStatus.OPEN).exists():
        errors["__all__"] = _("Resolve the open promises first.")
    elif network.meetings.filter(status=MeetingStatus.PLANNED).exists():
        errors["__all__"] = _("Cancel or record the planned meeting first.")
    if errors:
        raise ValidationError(errors)
    network.status = NetworkStatus.CLOSED
    network.closed_at = now_or(now)
    network.modified_by = by
    network.closing_reason = reason
    network.closing_summary = summary.strip()
    network.closing_outcome = outcome
    network.self_rating_at_close = self_rating
    network.version += 1
    network.save()
    where: dict[str, Any] = {"area": network.area, "programme": programme, "at": network.closed_at}
    record_event(
        EventKind.NETWORK_CLOSED,
        **where,
        outcome=reason,
        days=(local_date(network.closed_at) - local_date(network.first_contact_at)).days,
    )
    if outcome is not None:
        record_event(EventKind.OUTCOME_AT_CLOSING, **where, outcome=outcome.code)
    if self_rating is not None:
        # The rating at the start is the first one given in a network meeting: both are
        # counted only now, once per network, with no link back to it.
        first = (
            MeetingRecord.objects.filter(meeting__network=network, self_rating__isnull=False)
            .order_by("meeting__starts_at", "pk")
            .values_list("self_rating", flat=True)
            .first()
        )
        if first is not None:
            record_event(EventKind.SELF_RATED, **where, outcome="start", count=first)
        record_event(EventKind.SELF_RATED, **where, outcome="close", count=self_rating)
    invite(network=network, occasion="closing", now=network.closed_at)
    return network


@transaction.atomic
def resolve_open_promises(
    *, network: Network, by: User, note: str, now: datetime | None = None
) -> int:
    """Before closing: open promises are resolved together, with a note."""
    if not note.strip():
        raise ValidationError({"note": _("Write how the open promises were resolved.")})
    return Promise.objects.filter(network=network, status=PromiseStatus.OPEN).update(
        status=PromiseStatus.CANCELLED,
        review_note=note.strip(),
        reviewed_at=now_or(now),
        modified_by=by,
    )
