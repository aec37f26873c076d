"""Anonymous events the work produces; indicators are computed from them, never typed twice."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.translation import TranslatedName, pick


class EventKind(models.TextChoices):
    CONTACT_RECEIVED = "contact_received", _("contact received")
    CONTACT_RESOLVED = "contact_resolved", _("contact resolved")
    NETWORK_OPENED = "network_opened", _("network opened")
    NETWORK_CONVENED = "network_convened", _("network convened")
    # Recorded once per network on the day after its convening deadline: outcome "in_time"
    # (days: to the first meeting) or "late" (days empty), in the period of the deadline.
    CONVENING_DEADLINE = "convening_deadline", _("convening deadline passed")
    MEETING_HELD = "meeting_held", _("meeting held")
    LP_DISCUSSION_HELD = "lp_discussion_held", _("LP discussion held")
    NETWORK_CLOSED = "network_closed", _("network closed")
    PROMISE_REVIEWED = "promise_reviewed", _("promise reviewed")
    # At closing, for programmes that ask them: the client's own 0–10 rating at the start of the
    # work and at its end (outcome "start" or "close", count: the rating), and where the path
    # led (outcome: the code of the programme's outcome at closing).
    SELF_RATED = "self_rated", _("own rating given")
    OUTCOME_AT_CLOSING = "outcome_at_closing", _("outcome at closing")


# The event fields an indicator may read and so the counts group by (computations.EVENT_FIELDS).
COUNTED_FIELDS = ("days", "sectors", "outcome", "channel", "count")


def _local_month(moment: datetime) -> date:
    """The first day of the Finnish calendar month ``moment`` falls in (aware ``moment`` only)."""
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date().replace(day=1)


class EventManager(models.Manager["Event"]):
    def bulk_create(self, objs: Iterable[Event], *args: Any, **kwargs: Any) -> list[Event]:
        """Written together, and counted in the same transaction (``EventCount``). Every event
        is new: a write that may skip or update rows would count what it did not add."""
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise TypeError("events are only ever added: no ignore_conflicts, update_conflicts")
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            EventCount.add(created)
        return created


class Event(models.Model):
    """One thing that happened, with no person's name or identifier in it. Only ever added;
    each is counted in ``EventCount`` in the same transaction (``save``, ``bulk_create``)."""

    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    area = models.ForeignKey("directory.Area", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    meeting_kind = models.CharField(_("meeting kind"), max_length=20, blank=True)
    days = models.IntegerField(_("days"), null=True, blank=True)
    count = models.IntegerField(_("count"), null=True, blank=True)
    sectors = models.IntegerField(_("sectors"), null=True, blank=True)

    objects = EventManager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["kind", "area", "programme", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                EventCount.add([self])


class EventCount(models.Model):
    """How many events of a kind a programme and an area had in a Finnish calendar month, per
    the values of the fields indicators read: the events' own tally, written in the same
    transaction as the events, so a dashboard reads thousands of counts instead of grouping
    hundreds of thousands of events on every change (``computations.EventTally``).

    Rows are only ever added as events are written (one per group and write), never updated:
    two services counting the same group at once neither wait for each other nor deadlock. A
    group's count is the sum of its rows; ``compact`` (daily, ``indicators.tasks``) merges
    them into one. ``key`` names the group (its fields may be empty, which a database
    constraint would not tell apart). ``recount`` sets every count from the events (after a
    bulk load that wrote events directly; ``manage.py recount_events``)."""

    key = models.CharField(max_length=255, db_index=True)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    area = models.ForeignKey("directory.Area", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    days = models.IntegerField(null=True)
    sectors = models.IntegerField(null=True)
    outcome = models.CharField(max_length=20, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    count = models.IntegerField(null=True)
    how_many = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "programme"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m}: {self.how_many}"

    @staticmethod
    def group(
        programme_id: int, kind: str, area_id: int, month: date, *values: Any
    ) -> tuple[str, dict[str, Any]]:
        """The key and the fields of one group (``values`` in ``COUNTED_FIELDS`` order)."""
        fields = {
            "programme_id": programme_id,
            "kind": kind,
            "area_id": area_id,
            "month": month,
            **dict(zip(COUNTED_FIELDS, values, strict=True)),
        }
        key = json.dumps([programme_id, kind, area_id, month.isoformat(), *values])
        return key, fields

    @classmethod
    def add(cls, events: Iterable[Event]) -> None:
        """Count ``events`` (just written, in the caller's transaction): a row per group."""
        rows: dict[str, EventCount] = {}
        for event in events:
            key, fields = cls.group(
                event.programme_id,
                event.kind,
                event.area_id,
                _local_month(event.occurred_at),
                *(getattr(event, name) for name in COUNTED_FIELDS),
            )
            if key in rows:
                rows[key].how_many += 1
            else:
                rows[key] = cls(key=key, how_many=1, **fields)
        EventCount.objects.bulk_create(rows.values())

    @classmethod
    def compact(cls, batch: int = 500) -> int:
        """Merge each group's rows into its first one; returns how many rows were merged away.
        Each batch of groups is locked while it is merged, so two runs at once merge each row
        once; rows added meanwhile stay for the next run."""
        keys = list(
            cls.objects.values("key")
            .annotate(rows=models.Count("id"))
            .filter(rows__gt=1)
            .values_list("key", flat=True)
        )
        merged = 0
        for start in range(0, len(keys), batch):
            with transaction.atomic():
                rows = cls.objects.select_for_update().filter(key__in=keys[start : start + batch])
                first: dict[str, EventCount] = {}
                others = []
                for row in rows.order_by("pk"):
                    if row.key in first:
                        first[row.key].how_many += row.how_many
                        others.append(row.pk)
                    else:
                        first[row.key] = row
                cls.objects.filter(pk__in=others).delete()
                EventCount.objects.bulk_update(list(first.values()), ["how_many"])
                merged += len(others)
        return merged

    @classmethod
    def recount(cls) -> int:
        """Set every count from the events; returns how many groups there are."""
        return recount_events(Event, cls)


def recount_events(event_model: Any, count_model: Any) -> int:
    """Every event group counted afresh, in one transaction. On PostgreSQL the events table is
    locked against writes first: a transaction writing events finishes before the events are
    read (its events and their rows are then replaced by the recount), and one starting later
    waits until the recount is over (its rows then add to it)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {event_model._meta.db_table} IN SHARE MODE")
        rows = (
            event_model.objects.annotate(
                month=TruncMonth("occurred_at", tzinfo=zone, output_field=models.DateField())
            )
            .values_list("programme_id", "kind", "area_id", "month", *COUNTED_FIELDS)
            .annotate(how_many=models.Count("id"))
            .order_by()
        )
        counts = []
        for programme_id, kind, area_id, month, *values, how_many in rows:
            first = month.replace(day=1)
            key, fields = EventCount.group(programme_id, kind, area_id, first, *values)
            counts.append(count_model(key=key, how_many=how_many, **fields))
        count_model.objects.all().delete()
        count_model.objects.bulk_create(counts, batch_size=2000)
    return len(counts)


class Direction(models.TextChoices):
    UP = "up", _("Up is better")
    DOWN = "down", _("Down is better")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from Arki's own events")
    ENTERED = "entered", _("Entered or imported from another register")


class Unit(models.TextChoices):
    COUNT = "count", _("count")
    PERCENT = "percent", _("per cent")
    DAYS = "days", _("days")
    AVERAGE = "average", _("average")


class Disclosure(models.TextChoices):
    """Who may see a small count exactly (docs/data-protection.md, "Small numbers")."""

    PERSON = "person", _("counts people: 1–4 hidden everywhere")
    ACTIVITY = (
        "activity",
        _(
            "counts activity that identifies nobody: exact for the region's own staff, small "
            "numbers hidden in everything that leaves"
        ),
    )


class Audience(models.TextChoices):
    """Who a table of figures is for."""

    STAFF = "staff", _("the region's own staff on Arki's pages")
    OUTSIDE = "outside", _("exports, the API, files and the learning network")


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("half-yearly")
    YEARLY = "yearly", _("yearly")


class Indicator(TranslatedName):
    """A key indicator: what is measured, how often, which way is better, and where it comes from."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    definition_fi = models.TextField(_("definition in Finnish"))
    definition_sv = models.TextField(_("definition in Swedish"), blank=True)
    definition_en = models.TextField(_("definition in English"), blank=True)
    cadence = models.CharField(_("cadence"), max_length=20, choices=Cadence.choices)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    direction = models.CharField(_("desired direction"), max_length=10, choices=Direction.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    computation = models.CharField(_("computation"), max_length=60, blank=True)
    person_count = models.BooleanField(
        _("counts people"), default=True, help_text=_("Small numbers (1–4) are not published.")
    )
    disclosure = models.CharField(
        _("disclosure class"),
        max_length=20,
        choices=Disclosure.choices,
        default=Disclosure.PERSON,
    )
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: every programme."),
    )
    areas = models.ManyToManyField(
        "directory.Area",
        verbose_name=_("areas"),
        blank=True,
        related_name="+",
        help_text=_("Empty: every area."),
    )
    enterable = models.BooleanField(
        _("figures may also be entered"),
        default=False,
        help_text=_(
            "A computed indicator whose figures may also be entered or imported (e.g. trained "
            "staff from a training register): an entered figure replaces the computed one for "
            "its area and period."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]

    @property
    def definition(self) -> str:
        return pick(self, "definition")


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(_("period"), max_length=7)
    area = models.ForeignKey(
        "directory.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "area"], name="one_target")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"


class Provenance(models.TextChoices):
    """Where an entered figure came from, shown beside it."""

    FORM = "form", _("entered in Arki")
    FILE = "file", _("imported from a file")
    SOTKANET = "sotkanet", _("Sotkanet (THL)")
    TRAINING_REGISTER = "training_register", _("training register")


class EnteredValue(models.Model):
    """A figure from another register, entered or imported per area and period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="entered")
    area = models.ForeignKey("directory.Area", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=7)
    # The period's first day, always written from ``period`` (save): the dashboard reads a
    # block of indicators' figures by it (indicators.selectors.read_entered).
    period_start = models.DateField()
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    provenance = models.CharField(
        _("source"), max_length=20, choices=Provenance.choices, default=Provenance.FORM
    )
    # e.g. "Sotkanet 1234, sotkanet-2025.json" or the training register file's name
    provenance_detail = models.CharField(_("source details"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entered value")
        verbose_name_plural = _("entered values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "programme", "period"], name="one_entered_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area_id} {self.period}: {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """``period_start`` is always the first day of ``period`` (a period code that cannot be
        read raises ValueError: every form checks the code first)."""
        from indicators.periods import parse_period

        self.period_start = parse_period(self.period).start
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "period" in update_fields:
            kwargs["update_fields"] = {*update_fields, "period_start"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """A period code the pages can read (the administration site's form asks this)."""
        from django.core.exceptions import ValidationError

        from indicators.periods import parse_period

        try:
            self.period = parse_period(self.period.strip().upper()).code
        except ValueError:
            raise ValidationError(
                {"period": _("Give the period as 2026-03, 2026Q1, 2026S1 or 2026.")}
            ) from None


class EnteredValueChange(models.Model):
    """Every correction keeps its history: who, when, the old and the new value."""

    entered_value = models.ForeignKey(
        EnteredValue, on_delete=models.CASCADE, related_name="changes"
    )
    old_value = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    new_value = models.DecimalField(max_digits=12, decimal_places=2)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=20)  # form, import, sotkanet or training_register

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"


class InterpretationNote(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="notes")
    period = models.CharField(_("period"), max_length=7)
    area = models.ForeignKey(
        "directory.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("interpretation"), max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}"
