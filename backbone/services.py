"""The backbone's verbs: plan, instruct, inform, train. Transactions live here.

A bulletin, like an instruction or an event, is targeted at areas, programmes and sectors. An
empty target set means everyone; a non-empty one must match the person. Areas and programmes
match through the person's memberships, sectors through their active positions in the service
directory (position → service → organisation → sector).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from backbone.models import (
    ActionPlanTask,
    Bulletin,
    BulletinRead,
    EventKind,
    Instruction,
    Method,
    Registration,
    SelfReview,
    StaffEvent,
    TaskStatus,
    TrainingRecord,
)
from core.clock import now_or
from core.errors import ValidationError
from directory.models import Position

if TYPE_CHECKING:
    from accounts.models import User
    from directory.models import Area, Sector
    from programmes.models import Programme

# ---------------------------------------------------------------------------------------------
# Bulletins


@transaction.atomic
def publish_bulletin(
    *,
    title: str,
    body: str,
    author: User,
    areas: Iterable[Area] = (),
    programmes: Iterable[Programme] = (),
    sectors: Iterable[Sector] = (),
    source: str = "",
) -> Bulletin:
    """Publish a bulletin to the staff the targets name; empty targets mean everyone.

    ``source`` names where the bulletin came from, e.g. ``leadership-meeting:12`` for minutes.
    """
    title, body = str(title).strip(), str(body).strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the bulletin a title.")
    if not body:
        errors["body"] = _("Write the bulletin.")
    if errors:
        raise ValidationError(errors)
    bulletin = Bulletin.objects.create(title=title, body=body, author=author, source=source)
    bulletin.areas.set(list(areas))
    bulletin.programmes.set(list(programmes))
    bulletin.sectors.set(list(sectors))
    return bulletin


def _user_area_ids(user: User) -> QuerySet[Any]:
    return Membership.objects.filter(user=user, area__isnull=False).values("area")


def _user_programme_ids(user: User) -> QuerySet[Any]:
    return Membership.objects.filter(user=user, programme__isnull=False).values("programme")


def _user_sector_ids(user: User) -> QuerySet[Any]:
    return Position.objects.filter(user=user, is_active=True).values(
        "service__organisation__sector"
    )


def _matches(through: Any, owner: str, target: str, ids: QuerySet[Any]) -> Q:
    """The target set is empty, or one of its members is in ``ids``."""
    targets = through.objects.filter(**{owner: OuterRef("pk")})
    return ~Exists(targets) | Exists(targets.filter(**{f"{target}__in": ids}))


def bulletins_for(user: User) -> QuerySet[Bulletin]:
    """The bulletins that reach ``user``, newest first, each with ``is_read`` for this user."""
    if not getattr(user, "is_authenticated", False):
        return Bulletin.objects.none()
    return (
        Bulletin.objects.filter(
            _matches(Bulletin.areas.through, "bulletin", "area", _user_area_ids(user)),
            _matches(
                Bulletin.programmes.through, "bulletin", "programme", _user_programme_ids(user)
            ),
            _matches(Bulletin.sectors.through, "bulletin", "sector", _user_sector_ids(user)),
        )
        .annotate(is_read=Exists(BulletinRead.objects.filter(bulletin=OuterRef("pk"), user=user)))
        .order_by("-published_at", "-pk")
    )


def unread_count(user: User) -> int:
    """How many of the bulletins that reach ``user`` they have not opened yet."""
    read = BulletinRead.objects.filter(user=user).values("bulletin")
    return bulletins_for(user).exclude(pk__in=read).count()


def reaches(bulletin: Bulletin, user: User) -> bool:
    """Whether the bulletin's targets include ``user``."""
    return bulletins_for(user).filter(pk=bulletin.pk).exists()


def targeted_users(bulletin: Bulletin) -> QuerySet[User]:
    """The active users the bulletin reaches: the same rule as :func:`bulletins_for`."""
    users = get_user_model().objects.filter(is_active=True)
    area_ids = list(bulletin.areas.values_list("pk", flat=True))
    programme_ids = list(bulletin.programmes.values_list("pk", flat=True))
    sector_ids = list(bulletin.sectors.values_list("pk", flat=True))
    if area_ids:
        users = users.filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), area__in=area_ids))
        )
    if programme_ids:
        users = users.filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), programme__in=programme_ids))
        )
    if sector_ids:
        users = users.filter(
            Exists(
                Position.objects.filter(
                    user=OuterRef("pk"),
                    is_active=True,
                    service__organisation__sector__in=sector_ids,
                )
            )
        )
    return users


def read_count(bulletin: Bulletin) -> tuple[int, int]:
    """(read, targeted): how many of the users the bulletin reaches have opened it."""
    targeted = targeted_users(bulletin)
    read = bulletin.reads.filter(user__in=targeted).count()
    return read, targeted.count()


def mark_read(bulletin: Bulletin, user: User) -> BulletinRead:
    """Record that ``user`` opened the bulletin. Idempotent: the first read time is kept."""
    receipt, _created = BulletinRead.objects.get_or_create(bulletin=bulletin, user=user)
    return receipt


# ---------------------------------------------------------------------------------------------
# Instructions


def _require_text(**fields: str) -> dict[str, str]:
    cleaned = {name: str(value).strip() for name, value in fields.items()}
    missing = {name: _("This field is required.") for name, value in cleaned.items() if not value}
    if missing:
        raise ValidationError(missing)
    return cleaned


@transaction.atomic
def save_instruction(
    *,
    title: str,
    body: str,
    author: User,
    areas: Iterable[Area] = (),
    programmes: Iterable[Programme] = (),
    instruction: Instruction | None = None,
) -> Instruction:
    """Write a new instruction, or revise ``instruction``; the reviser becomes its author."""
    text = _require_text(title=title, body=body)
    if instruction is None:
        instruction = Instruction(**text, author=author)
    else:
        instruction.title, instruction.body, instruction.author = (
            text["title"],
            text["body"],
            author,
        )
    instruction.save()
    instruction.areas.set(list(areas))
    instruction.programmes.set(list(programmes))
    return instruction


# ---------------------------------------------------------------------------------------------
# Action plan


def _task_dates(starts_on: date | None, due_on: date) -> None:
    if starts_on is not None and starts_on > due_on:
        raise ValidationError({"due_on": _("The task cannot be due before it starts.")})


@transaction.atomic
def create_task(
    *,
    title: str,
    owner: User,
    due_on: date,
    description: str = "",
    starts_on: date | None = None,
    status: str = TaskStatus.PLANNED,
    areas: Iterable[Area] = (),
    programmes: Iterable[Programme] = (),
) -> ActionPlanTask:
    """Add a task to the action plan."""
    text = _require_text(title=title)
    _task_dates(starts_on, due_on)
    _task_status(status)
    task = ActionPlanTask.objects.create(
        title=text["title"],
        description=description.strip(),
        owner=owner,
        starts_on=starts_on,
        due_on=due_on,
        status=status,
    )
    task.areas.set(list(areas))
    task.programmes.set(list(programmes))
    return task


@transaction.atomic
def update_task(
    task: ActionPlanTask,
    *,
    title: str,
    owner: User,
    due_on: date,
    description: str = "",
    starts_on: date | None = None,
    status: str = TaskStatus.PLANNED,
    areas: Iterable[Area] = (),
    programmes: Iterable[Programme] = (),
) -> ActionPlanTask:
    """Change a task of the action plan."""
    text = _require_text(title=title)
    _task_dates(starts_on, due_on)
    _task_status(status)
    task.title, task.description, task.owner = text["title"], description.strip(), owner
    task.starts_on, task.due_on, task.status = starts_on, due_on, status
    task.save()
    task.areas.set(list(areas))
    task.programmes.set(list(programmes))
    return task


def _task_status(status: str) -> None:
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})


def set_task_status(task: ActionPlanTask, status: str) -> ActionPlanTask:
    """Move a task to planned, in progress or done."""
    _task_status(status)
    task.status = status
    task.save(update_fields=["status"])
    return task


def delete_task(task: ActionPlanTask) -> None:
    """Remove a task from the action plan."""
    task.delete()


# ---------------------------------------------------------------------------------------------
# Staff events and registration


@transaction.atomic
def create_event(
    *,
    kind: str,
    title: str,
    starts_at: Any,
    ends_at: Any,
    created_by: User,
    description: str = "",
    place: str = "",
    capacity: int | None = None,
    method: str = "",
    areas: Iterable[Area] = (),
    programmes: Iterable[Programme] = (),
) -> StaffEvent:
    """Announce a joint seminar, workshop or training. Only a training may train a method."""
    text = _require_text(title=title)
    errors = {}
    if kind not in EventKind.values:
        errors["kind"] = _("Choose the kind of event from the list.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Give at least one place, or leave the field empty for no limit.")
    if method and method not in Method.values:
        errors["method"] = _("Choose the method from the list.")
    elif method and kind != EventKind.TRAINING:
        errors["method"] = _("Only a training completes a method's training.")
    if errors:
        raise ValidationError(errors)
    event = StaffEvent.objects.create(
        kind=kind,
        title=text["title"],
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        capacity=capacity,
        method=method,
        created_by=created_by,
    )
    event.areas.set(list(areas))
    event.programmes.set(list(programmes))
    return event


@transaction.atomic
def register(event: StaffEvent, user: User, *, now: datetime | None = None) -> Registration:
    """Register ``user`` for the event. Idempotent; refused once it has started or is full."""
    # Lock the event so that two people cannot take its last place at the same time.
    event = StaffEvent.objects.select_for_update().get(pk=event.pk)
    existing = Registration.objects.filter(event=event, user=user).first()
    if existing is not None:
        return existing
    now = now_or(now)
    if event.starts_at <= now:
        raise ValidationError(_("The event has already started; registration is closed."))
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise ValidationError(_("The event is full."))
    return Registration.objects.create(event=event, user=user, registered_at=now)


def cancel_registration(event: StaffEvent, user: User, *, now: datetime | None = None) -> None:
    """Withdraw ``user``'s registration. Idempotent; refused once the event has started."""
    if event.starts_at <= now_or(now):
        raise ValidationError(_("The event has already started; the registration stays."))
    Registration.objects.filter(event=event, user=user).delete()


def event_date(event: StaffEvent) -> date:
    """The day of the event in Finnish time."""
    return timezone.localtime(event.starts_at).date()


@transaction.atomic
def record_attendance(
    event: StaffEvent, user: User, attended: bool, by: User, *, now: datetime | None = None
) -> Registration:
    """Mark whether ``user`` attended; a walk-in participant gets a registration.

    Attending a training that trains a method completes that method's training on the event
    day (an earlier completion is kept). Unmarking removes a training record only if this
    event created it, so a correction leaves the "staff trained" figure right.
    """
    now = now_or(now)
    if event.starts_at > now:
        raise ValidationError(_("Attendance can be marked once the event has started."))
    registration, _created = Registration.objects.get_or_create(
        event=event, user=user, defaults={"registered_at": now}
    )
    registration.attended = attended
    registration.save(update_fields=["attended"])
    if event.kind == EventKind.TRAINING and event.method:
        if attended:
            _complete_training(user, event.method, event_date(event), by, event)
        else:
            TrainingRecord.objects.filter(user=user, method=event.method, event=event).delete()
    return registration


@transaction.atomic
def record_attendance_list(
    event: StaffEvent, attended: Iterable[User], by: User, *, now: datetime | None = None
) -> int:
    """Mark everyone registered: those in ``attended`` attended, the others did not.

    Returns how many attended. All or nothing: one refusal leaves every mark as it was.
    """
    present = {person.pk for person in attended}
    registrations = Registration.objects.filter(event=event).select_related("user")
    for registration in registrations:
        record_attendance(event, registration.user, registration.user_id in present, by, now=now)
    return len(present)


# ---------------------------------------------------------------------------------------------
# Training records


def _complete_training(
    user: User, method: str, completed_on: date, by: User, event: StaffEvent | None
) -> TrainingRecord:
    record = TrainingRecord.objects.select_for_update().filter(user=user, method=method).first()
    if record is None:
        return TrainingRecord.objects.create(
            user=user, method=method, completed_on=completed_on, recorded_by=by, event=event
        )
    if completed_on < record.completed_on:
        record.completed_on, record.event, record.recorded_by = completed_on, event, by
        record.save(update_fields=["completed_on", "event", "recorded_by"])
    return record


@transaction.atomic
def record_training(
    user: User, method: str, completed_on: date, by: User, *, now: datetime | None = None
) -> TrainingRecord:
    """Record that ``user`` completed the method's training, e.g. one held elsewhere.

    Idempotent per person and method: the earliest completion date is kept. Future dates are
    refused.
    """
    errors = {}
    if method not in Method.values:
        errors["method"] = _("Choose the method from the list.")
    if not isinstance(completed_on, date) or isinstance(completed_on, datetime):
        errors["completed_on"] = _("Give the date the training was completed.")
    elif completed_on > timezone.localdate(now_or(now)):
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return _complete_training(user, method, completed_on, by, None)


# ---------------------------------------------------------------------------------------------
# Self-reviews


def record_self_review(
    *, user: User, reviewed_on: date, what_i_do: str, how_well: int, what_next: str = ""
) -> SelfReview:
    """Save a person's answers to "what do I do, and how well do I succeed in it"."""
    errors = {}
    if not str(what_i_do).strip():
        errors["what_i_do"] = _("This field is required.")
    if not isinstance(how_well, int) or not 1 <= how_well <= 5:
        errors["how_well"] = _("Choose a value from 1 to 5.")
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return SelfReview.objects.create(
        user=user,
        reviewed_on=reviewed_on,
        what_i_do=str(what_i_do).strip(),
        how_well=how_well,
        what_next=str(what_next).strip(),
    )
