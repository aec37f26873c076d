"""What the stages plan in memory before anything is written: staff, areas, networks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from demo.oulu import CHILDREN, WORKING_AGE

# The two programmes the generator fills (the demo's programme codes).
PROGRAMMES = (CHILDREN, WORKING_AGE)
DOMAIN = "scale.arki.invalid"
WELL_KNOWN = ("coordinator", "professional", "leader", "developer")


class ScaleError(RuntimeError):
    """The data set cannot be loaded here."""


@dataclass(slots=True)
class StaffMember:
    """A user with a job: their id once written, and the service (and its sector) they work in."""

    id: int
    email: str
    service_id: int | None = None
    sector_id: int | None = None


@dataclass(slots=True)
class ProgrammeConfig:
    """One programme's configuration as the generator uses it (primary keys and codes)."""

    id: int
    code: str
    deadline_days: int
    participant_kinds: dict[str, tuple[int, bool]]  # code: (pk, is_family)
    roles: dict[str, int]
    categories: list[int]
    age_bands: list[tuple[int, str]]  # (pk, code)
    life_areas: list[int]
    surveys: dict[str, tuple[int, list[dict[str, Any]]]]  # audience: (version pk, questions)


@dataclass(slots=True)
class AreaPlan:
    """An area and the staff who work in it, per programme id; its services by spec key."""

    id: int
    code: str
    population: int
    coordinators: dict[int, list[StaffMember]] = field(default_factory=dict)
    professionals: dict[int, list[StaffMember]] = field(default_factory=dict)
    services: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class PlannedParticipant:
    id: int
    kind: str
    audience: str  # family | child | professional: whom the feedback surveys ask
    user: StaffMember | None
    sector_id: int | None


@dataclass(slots=True)
class PlannedMeeting:
    id: int
    kind: str
    status: str
    starts: datetime
    created_at: datetime
    cancelled_reason: str = ""


@dataclass(slots=True)
class PlannedNetwork:
    """A network's whole life, planned when its contact convenes it."""

    id: int
    area: AreaPlan
    programme: ProgrammeConfig
    coordinator: StaffMember
    initiator: StaffMember | None
    first_contact: datetime
    opened_at: datetime
    deadline: date
    meetings: list[PlannedMeeting]
    closed_at: datetime | None
    reason: str
    contact_times: list[datetime]
    participants: list[PlannedParticipant] = field(default_factory=list)
    subject_last_name: str = ""
    child_ids: list[int] = field(default_factory=list)  # the children of a family's network

    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return "closed"
        return "active" if any(m.status == "held" for m in self.meetings) else "convening"


@dataclass
class ScaleReport:
    scale: str
    seed: int
    today: date
    password: str
    password_shown: bool
    counts: Counter[str]
    seconds: dict[str, float]
    total_seconds: float
    logins: list[tuple[str, str]]
