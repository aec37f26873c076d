"""The region being built: its random streams, its writer, and what the earlier stages made.

Determinism: every random draw comes from ``random.Random`` instances seeded from ``seed`` and
from ``Faker("fi_FI")`` seeded with it; the only time input is the ``today`` anchor. The stages
draw from ``rng`` in a fixed order, so the same seed gives the same rows.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from faker import Faker

from demo.services import ascii_fold
from feedback.models import Survey
from programmes.models import Programme
from scale.generator.rows import Rows
from scale.generator.shapes import (
    DOMAIN,
    PROGRAMMES,
    AreaPlan,
    PlannedNetwork,
    ProgrammeConfig,
    StaffMember,
)
from scale.plan import Scale
from scale.writer import TableWriter


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class Region:
    def __init__(
        self,
        scale: Scale,
        *,
        seed: int,
        today: date,
        password: str,
        log: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.today = today
        self.password = password
        self.log = log
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        # Feedback ids are random (UUID) as the app makes them; their own stream leaves the rest.
        self.feedback_ids = random.Random(f"{seed}-feedback")  # noqa: S311 - synthetic data
        self.fake = Faker("fi_FI")
        self.fake.seed_instance(seed)
        self.writer = TableWriter(log)
        self.start = today - timedelta(days=365 * scale.years)
        self.first_names = sorted({self.fake.first_name() for _ in range(600)})
        self.last_names = sorted({self.fake.last_name() for _ in range(600)})
        self.emails: set[str] = set()
        # Made by the stages, in order: directory, staff, contacts (networks), network work.
        self.areas: list[AreaPlan] = []
        self.programmes: dict[str, ProgrammeConfig] = {}
        self.sector_of_service: dict[int, int] = {}
        self.networks: list[PlannedNetwork] = []
        self.well_known: dict[str, StaffMember] = {}
        self.leaders: list[tuple[StaffMember, str]] = []  # (leader, organisation key)
        self.contact_events: list[Any] = []
        self.events: list[Any] = []

    # -- helpers ------------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, clock(hour, minute), tzinfo=self.zone)

    def uuid4(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def name(self, last: str | None = None) -> tuple[str, str]:
        return self.rng.choice(self.first_names), last or self.rng.choice(self.last_names)

    def email_for(self, first: str, last: str, login: str | None = None) -> str:
        local = login or f"{ascii_fold(first)}.{ascii_fold(last)}"
        email, number = f"{local}@{DOMAIN}", 1
        while email in self.emails:
            number += 1
            email = f"{local}{number}@{DOMAIN}"
        self.emails.add(email)
        return email

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def month_start(self, moment: datetime) -> datetime:
        """An invitation's ``used_at`` as the app stores it: the month only."""
        return datetime.combine(self.local_date(moment).replace(day=1), clock(), tzinfo=self.zone)

    def feedback_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.feedback_ids.getrandbits(128), version=4)

    def phone(self, prefix: str) -> str:
        return f"{prefix} {self.rng.randrange(1000000, 9999999)}"

    def event(
        self, kind: str, occurred_at: datetime, area: int, programme: int, **more: Any
    ) -> Any:
        """An indicator event as ``record_event`` writes it (its id is given when written)."""
        return Rows.event(
            id=None, kind=kind, occurred_at=occurred_at, area=area, programme=programme, **more
        )

    def log_step(self, what: str, started: float) -> None:
        self.log(f"  {what}: {time.monotonic() - started:.1f} s")

    # -- the configuration ----------------------------------------------------------------------

    def read_configuration(self) -> None:
        for programme in Programme.objects.filter(code__in=PROGRAMMES):
            surveys: dict[str, tuple[int, list[dict[str, Any]]]] = {}
            for survey in Survey.objects.filter(programme=programme, is_active=True):
                version = survey.versions.order_by("-number").first()
                if version is not None:
                    surveys[survey.audience] = (version.pk, list(version.questions))
            self.programmes[programme.code] = ProgrammeConfig(
                id=programme.pk,
                code=programme.code,
                deadline_days=programme.convening_deadline_days,
                participant_kinds={
                    kind.code: (kind.pk, kind.is_family)
                    for kind in programme.participant_kinds.filter(is_active=True)
                },
                roles={role.code: role.pk for role in programme.roles.filter(is_active=True)},
                categories=list(
                    programme.concern_categories.filter(is_active=True)
                    .order_by("order", "pk")
                    .values_list("pk", flat=True)
                ),
                age_bands=list(
                    programme.age_bands.filter(is_active=True)
                    .order_by("order", "pk")
                    .values_list("pk", "code")
                ),
                life_areas=list(
                    programme.life_areas.filter(is_active=True)
                    .order_by("order", "pk")
                    .values_list("pk", flat=True)
                ),
                surveys=surveys,
            )
