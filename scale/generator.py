"""Synthetic region at a given scale: deterministic, realistic, written in bulk.

``load_scale(scale, seed=…, today=…)`` builds areas, organisations, services, staff, contacts,
networks, meetings, records, promises, feedback, the indicator events and the access log, and
writes them table by table with :class:`scale.writer.TableWriter` (COPY on PostgreSQL).

Determinism: every random draw comes from ``random.Random`` instances seeded from ``seed`` and
from ``Faker("fi_FI")`` seeded with it; the only time input is the ``today`` anchor. Nothing
reads the clock except the timing printout.

Model ``save()`` logic is bypassed. Invariants kept by hand (what the services would have done):

* ``Contact``: ``submission_token`` unique (uuid4 bits from the seeded generator, checked
  against a set); ``version`` 2 once resolved (``_resolve`` bumps it), ``closed_at`` set with the
  outcome; only convened and joined contacts point at a network; ``not_yet`` consent never
  convenes.
* ``Network``: ``match_key`` from ``networks.selectors.match_key`` and unique among networks;
  ``convening_deadline`` = local contact date + the programme's deadline days; status
  ``convening`` until the first meeting is held, then ``active``, ``closed`` with reason,
  summary and ``closed_at``; ``version`` counts those steps; no planned meeting and no open
  promise in a closed network.
* ``Participant``: one active participation per user and network; professionals carry their
  directory service.
* ``Meeting``: unique ``uid``; ``held`` only in the past, at most one ``planned`` per network and
  only in the future; a cancelled meeting has its ``MeetingChange`` and ``sequence`` 1.
* ``MeetingRecord``: one per held meeting, ``version`` 1 with its ``MeetingRecordRevision``
  snapshot in the shape of ``meetings.services.snapshot``; goals set at the first meeting and
  rated 0–10 at every held meeting; promises reviewed (kept / partly / not kept) at the next
  held meeting, cancelled at closing, otherwise open.
* ``Event`` rows exactly as the services write them: contact received/resolved, network opened,
  network convened (days from the contact, contacts so far, sectors present), meeting held,
  promise reviewed, network closed, LP discussion held.
* Feedback: one invitation per participant with a survey after every held meeting and at
  closing, counted in ``InvitationCount``; answers are anonymous ``Response`` rows (random ids)
  of the month the invitation went out; a used invitation's ``used_at`` is the month only. ``FeedbackInvitation`` rows (personal, 30-day links) are kept only for
  the last 30 days, when they could still be used.
* ``AccessLog``: ``seq`` and hashes left empty, sealed later by ``audit.chain.seal``; ids follow
  the networks' order, so they are roughly, not strictly, chronological.
"""

from __future__ import annotations

import io
import random
import re
import time
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from faker import Faker

from accounts.models import Membership, Role, User
from audit.models import AccessLog, ChainHead
from contacts.models import Contact, Discussion
from directory.models import Area, ContactPoint, Organisation, Position, Sector, Service
from feedback.models import Answer, FeedbackInvitation, InvitationCount, Response, Survey
from indicators.models import Event, Indicator
from leadership.models import Commitment, Decision, LeadershipTeam, TeamMeeting, TeamMember
from meetings.models import (
    ChildView,
    Goal,
    GoalRating,
    LifeAreaNote,
    MeetingRecord,
    MeetingRecordRevision,
    Promise,
)
from networks.deadlines import deadline_moment
from networks.models import (
    Child,
    ConsentRecord,
    Meeting,
    MeetingChange,
    Network,
    Participant,
)
from networks.selectors import match_key
from programmes.models import Programme
from scale import texts
from scale.plan import SCALES, Scale
from scale.writer import TableWriter

DOMAIN = "scale.arki.invalid"
CHILDREN, WORKING_AGE = "children-families", "working-age"
WELL_KNOWN = ("coordinator", "professional", "leader", "developer")


class ScaleError(RuntimeError):
    """The data set cannot be loaded here."""


# ---------------------------------------------------------------------------------------------
# In-memory shapes


@dataclass(slots=True)
class Person:
    id: int
    email: str
    service_id: int | None = None
    sector_id: int | None = None


@dataclass(slots=True)
class Prog:
    id: int
    code: str
    deadline_days: int
    kinds: dict[str, tuple[int, bool]]
    roles: dict[str, int]
    categories: list[int]
    age_bands: list[tuple[int, str]]
    life_areas: list[int]
    surveys: dict[str, tuple[int, list[dict[str, Any]]]]


@dataclass(slots=True)
class AreaInfo:
    id: int
    code: str
    population: int
    coordinators: dict[int, list[Person]] = field(default_factory=dict)
    professionals: dict[int, list[Person]] = field(default_factory=dict)
    services: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Part:
    id: int
    kind: str
    audience: str
    user: Person | None
    sector_id: int | None


@dataclass(slots=True)
class Meet:
    id: int
    kind: str
    status: str
    starts: datetime
    created_at: datetime
    cancelled_reason: str = ""


@dataclass(slots=True)
class Net:
    id: int
    area: AreaInfo
    programme: Prog
    coordinator: Person
    initiator: Person | None
    first_contact: datetime
    opened_at: datetime
    deadline: date
    meetings: list[Meet]
    closed_at: datetime | None
    reason: str
    contact_times: list[datetime]
    participants: list[Part] = field(default_factory=list)
    subject_last: str = ""
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


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9-]+", "-", plain).strip("-")


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# ---------------------------------------------------------------------------------------------
# Organisations and services of every area


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    organisation: str  # wellbeing | education | employment | ngo
    name: str
    programmes: tuple[str, ...]
    title: str
    weight: int


SERVICES = (
    ServiceSpec("family-social-work", "wellbeing", "Perhesosiaalityön ohjaus ja neuvonta, {area}",
                (CHILDREN,), "Sosiaaliohjaaja", 2),
    ServiceSpec("adult-social-work", "wellbeing", "Aikuissosiaalityö, {area}",
                (CHILDREN, WORKING_AGE), "Sosiaalityöntekijä", 2),
    ServiceSpec("neuvola", "wellbeing", "Lasten ja perheiden neuvola, {area}",
                (CHILDREN,), "Terveydenhoitaja", 2),
    ServiceSpec("student-welfare", "wellbeing", "Opiskeluhuolto, {area}",
                (CHILDREN,), "Koulukuraattori", 2),
    ServiceSpec("health-centre", "wellbeing", "Terveysasema, {area}",
                (WORKING_AGE,), "Terveydenhoitaja", 1),
    ServiceSpec("school", "education", "{area} koulu", (CHILDREN,), "Luokanopettaja", 4),
    ServiceSpec("daycare", "education", "{area} päiväkoti", (CHILDREN,),
                "Varhaiskasvatuksen opettaja", 3),
    ServiceSpec("youth-work", "education", "Nuorisotyö, {area}", (CHILDREN,),
                "Nuorisotyöntekijä", 1),
    ServiceSpec("employment", "employment", "Työllisyyspalvelut, {area}", (WORKING_AGE,),
                "Työllisyyskoordinaattori", 2),
    ServiceSpec("family-support", "ngo", "Perhetoiminta, {area}", (CHILDREN,),
                "Perhetyöntekijä", 1),
)  # fmt: skip
ORGANISATION_SECTORS = {
    "wellbeing": "social-health",
    "education": "education-culture",
    "employment": "employment",
    "ngo": "ngos-parish-kela",
}


class Generator:
    """Builds one region. Call :meth:`run` once."""

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
        self.areas: list[AreaInfo] = []
        self.programmes: dict[str, Prog] = {}
        self.sector_of_service: dict[int, int] = {}
        self.nets: list[Net] = []
        self.well_known: dict[str, Person] = {}
        self.leaders: list[tuple[Person, str]] = []
        self.categories: list[tuple[int, int]] = []
        self.age_bands: list[tuple[int, int]] = []  # (contact, age band)
        self.contact_events: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.tokens: set[uuid.UUID] = set()
        self.keys: set[str] = set()

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

    # -- run ----------------------------------------------------------------------------------

    def run(self) -> Counter[str]:
        self.read_configuration()
        self.log("Directory and staff")
        self.build_directory()
        self.build_staff()
        self.log("Network work")
        contacts = self.build_contacts()
        self.write_contacts(contacts)
        del contacts
        self.write_network_work()
        self.write_discussions()
        self.write_access_log()
        self.log("Leadership")
        self.build_leadership()
        self.writer.reset_sequences()
        self.writer.analyze()
        return self.writer.counts

    def read_configuration(self) -> None:
        for programme in Programme.objects.filter(code__in=[CHILDREN, WORKING_AGE]):
            surveys: dict[str, tuple[int, list[dict[str, Any]]]] = {}
            for survey in Survey.objects.filter(programme=programme, is_active=True):
                version = survey.versions.order_by("-number").first()
                if version is not None:
                    surveys[survey.audience] = (version.pk, list(version.questions))
            self.programmes[programme.code] = Prog(
                id=programme.pk,
                code=programme.code,
                deadline_days=programme.convening_deadline_days,
                kinds={
                    k.code: (k.pk, k.is_family)
                    for k in programme.participant_kinds.filter(is_active=True)
                },
                roles={r.code: r.pk for r in programme.roles.filter(is_active=True)},
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

    # -- directory ------------------------------------------------------------------------------

    def build_directory(self) -> None:
        rng, scale = self.rng, self.scale
        started = time.monotonic()
        municipalities: list[str] = []
        while len(municipalities) < scale.municipalities:
            city = self.fake.city()
            if city not in municipalities:
                municipalities.append(city)
        weights = [rng.uniform(0.5, 1.5) for _ in range(scale.areas)]
        total = sum(weights)
        populations = [int(scale.inhabitants * w / total) for w in weights]
        populations[0] += scale.inhabitants - sum(populations)
        children = [int(scale.children * p / scale.inhabitants) for p in populations]
        children[0] += scale.children - sum(children)
        districts = list(texts.DISTRICTS)
        rng.shuffle(districts)
        areas = []
        for index in range(scale.areas):
            municipality = municipalities[index % len(municipalities)]
            district = districts[index % len(districts)]
            suffix = f" {index // len(districts) + 1}" if index >= len(districts) else ""
            name = f"{municipality}, {district}{suffix}"
            areas.append(
                Area(
                    code=ascii_fold(f"{municipality}-{district}{suffix}")[:40],
                    name=name,
                    municipality=municipality,
                    population=populations[index],
                    child_population=children[index],
                    description=f"Synteettinen alue ({scale.name}).",
                )
            )
        Area.objects.bulk_create(areas, batch_size=500)
        areas = list(Area.objects.filter(code__in=[a.code for a in areas]).order_by("pk"))
        sectors = {s.code: s for s in Sector.objects.all()}
        organisations: dict[tuple[str, str], Organisation] = {}
        region = Organisation(
            name="Hyvinvointialue (synteettinen)",
            sector=sectors[ORGANISATION_SECTORS["wellbeing"]],
            phone=f"08 {rng.randrange(1000000, 9999999)}",
        )
        ngo = Organisation(
            name="Lasten ja perheiden yhdistys (synteettinen)",
            sector=sectors[ORGANISATION_SECTORS["ngo"]],
        )
        made = [region, ngo]
        for municipality in municipalities:
            for key, label in (("education", "sivistyspalvelut"), ("employment", "työllisyys")):
                organisation = Organisation(
                    name=f"{municipality}n {label}",
                    sector=sectors[ORGANISATION_SECTORS[key]],
                    phone=f"08 {rng.randrange(1000000, 9999999)}",
                )
                organisations[(municipality, key)] = organisation
                made.append(organisation)
        for organisation in made:
            organisation.hsds_id = self.uuid4()
        Organisation.objects.bulk_create(made, batch_size=500)
        for municipality in municipalities:
            organisations[(municipality, "wellbeing")] = region
            organisations[(municipality, "ngo")] = ngo
        programme_ids = {code: prog.id for code, prog in self.programmes.items()}
        service_rows: list[tuple[Service, Area, ServiceSpec]] = []
        for area in areas:
            for spec in SERVICES:
                organisation = organisations[(area.municipality, spec.organisation)]
                service_rows.append(
                    (
                        Service(
                            hsds_id=self.uuid4(),
                            organisation=organisation,
                            name=spec.name.format(area=area.name),
                            basic_task=f"{spec.title}: oma perustehtävä verkostossa.",
                            phone=f"08 {rng.randrange(1000000, 9999999)}",
                        ),
                        area,
                        spec,
                    )
                )
        Service.objects.bulk_create([row[0] for row in service_rows], batch_size=500)
        area_links = [
            Service.areas.through(service_id=service.pk, area_id=area.pk)
            for service, area, _spec in service_rows
        ]
        Service.areas.through.objects.bulk_create(area_links, batch_size=1000)
        programme_links = [
            Service.programmes.through(service_id=service.pk, programme_id=programme_ids[code])
            for service, _area, spec in service_rows
            for code in spec.programmes
        ]
        Service.programmes.through.objects.bulk_create(programme_links, batch_size=1000)
        by_area: dict[int, AreaInfo] = {}
        for area in areas:
            info = AreaInfo(id=area.pk, code=area.code, population=area.population or 0)
            by_area[area.pk] = info
            self.areas.append(info)
        for service, area, spec in service_rows:
            by_area[area.pk].services[spec.key] = service.pk
            self.sector_of_service[service.pk] = service.organisation.sector_id
        points = []
        for area in areas:
            info = by_area[area.pk]
            for code, key in ((CHILDREN, "family-social-work"), (WORKING_AGE, "employment")):
                points.append(
                    ContactPoint(
                        area=area,
                        programme_id=programme_ids[code],
                        service_id=info.services[key],
                        name=f"Koordinoiva numero ({area.name})",
                        phone=f"08 {rng.randrange(1000000, 9999999)}",
                        email=f"{area.code}.{code}@{DOMAIN}",
                        opening_hours="ma–pe 9–15",
                    )
                )
        ContactPoint.objects.bulk_create(points, batch_size=500)
        for model, count in (
            (Area, len(areas)),
            (Organisation, len(made)),
            (Service, len(service_rows)),
            (ContactPoint, len(points)),
        ):
            self.writer.counts[model._meta.db_table] += count
        self._log_small("directory (areas, organisations, services, contact points)", started)

    def _log_small(self, what: str, started: float) -> None:
        self.log(f"  {what}: {time.monotonic() - started:.1f} s")

    # -- staff ----------------------------------------------------------------------------------

    def build_staff(self) -> None:
        started = time.monotonic()
        rng = self.rng
        password = make_password(self.password)  # one hash for all: hashing each would take hours
        users: list[User] = []
        memberships: list[tuple[int, str, int | None, int | None, int | None]] = []
        positions: list[tuple[int, int, str]] = []
        pending: list[tuple[Person, list[tuple[str, int | None, int | None]], int | None, str]] = []
        children, working = self.programmes[CHILDREN], self.programmes[WORKING_AGE]
        organisation_of = dict(Service.objects.values_list("pk", "organisation_id"))

        def person(
            login: str | None,
            grants: list[tuple[str, int | None, int | None]],
            service_id: int | None,
            title: str,
        ) -> Person:
            first, last = self.name()
            email = self.email_for(first, last, login)
            users.append(
                User(
                    email=email,
                    full_name=f"{first} {last}",
                    phone=f"040 {rng.randrange(1000000, 9999999)}",
                    preferred_language="fi",
                    password=password,
                    date_joined=self.at(self.start, 8),
                )
            )
            sector = self.sector_of_service.get(service_id) if service_id else None
            each = Person(id=0, email=email, service_id=service_id, sector_id=sector)
            pending.append((each, grants, service_id, title))
            return each

        for index, area in enumerate(self.areas):
            children_coordinators = [
                person(
                    "coordinator" if index == 0 and n == 0 else None,
                    [(Role.COORDINATOR, area.id, children.id)],
                    area.services["family-social-work"],
                    "Sosiaaliohjaaja, perhesosiaalityön ohjaus ja neuvonta",
                )
                for n in range(2)
            ]
            working_coordinator = person(
                None,
                [(Role.COORDINATOR, area.id, working.id)],
                area.services["employment"],
                "Asiakaskoordinaattori",
            )
            area.coordinators = {
                children.id: children_coordinators,
                working.id: [working_coordinator],
            }
            area.professionals = {children.id: [], working.id: []}
            count = max(8, round(area.population / 500))
            specs = [spec for turn in range(4) for spec in SERVICES if spec.weight > turn]
            for n in range(count):
                spec = specs[n % len(specs)]
                login = "professional" if index == 0 and n == 3 else None  # a school curator
                codes = spec.programmes
                grants: list[tuple[str, int | None, int | None]] = [
                    (Role.PROFESSIONAL, area.id, self.programmes[code].id) for code in codes
                ]
                each = person(login, grants, area.services[spec.key], spec.title)
                for code in codes:
                    area.professionals[self.programmes[code].id].append(each)
        developer = person("developer", [(Role.DEVELOPER_WORKER, None, None)], None, "")
        sector_codes = list(ORGANISATION_SECTORS)
        for n in range(max(6, 2 * self.scale.leadership_areas + 4)):
            key = sector_codes[n % len(sector_codes)]
            area = self.areas[(n // len(sector_codes)) % len(self.areas)]
            service_key = {
                "wellbeing": "family-social-work",
                "education": "school",
                "employment": "employment",
                "ngo": "family-support",
            }[key]
            grants = [
                (Role.LEADERSHIP_MEMBER, area.id, children.id),
                (Role.LEADERSHIP_MEMBER, None, working.id),
            ]
            leader = person(
                "leader" if n == 0 else None,
                grants,
                area.services[service_key],
                "Esihenkilö",
            )
            self.leaders.append((leader, key))
        User.objects.bulk_create(users, batch_size=1000)
        ids = dict(User.objects.filter(email__in=self.emails).values_list("email", "pk"))
        for each, grants, service_id, title in pending:
            each.id = ids[each.email]
            organisation = organisation_of.get(service_id) if service_id else None
            for role, area_id, programme_id in grants:
                memberships.append((each.id, role, area_id, programme_id, organisation))
            if service_id:
                positions.append((each.id, service_id, title))
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=user_id,
                    role=role,
                    area_id=area_id,
                    programme_id=programme_id,
                    organisation_id=organisation_id,
                )
                for user_id, role, area_id, programme_id, organisation_id in memberships
            ],
            batch_size=1000,
        )
        Position.objects.bulk_create(
            [Position(user_id=u, service_id=s, title=t) for u, s, t in positions],
            batch_size=1000,
        )
        for each, _grants, _service, _title in pending:
            local = each.email.split("@")[0]
            if local in WELL_KNOWN:
                self.well_known[local] = each
        self.well_known["developer"] = developer
        self.writer.counts[User._meta.db_table] += len(users)
        self.writer.counts[Membership._meta.db_table] += len(memberships)
        self.writer.counts[Position._meta.db_table] += len(positions)
        self._log_small(f"staff ({len(users):,} users)", started)

    # -- contacts and the life of each network ------------------------------------------------

    def build_contacts(self) -> list[tuple[Any, ...]]:
        rng = self.rng
        span = (self.today - self.start).days
        weights = [area.population for area in self.areas]
        children, working = self.programmes[CHILDREN], self.programmes[WORKING_AGE]
        moments: list[datetime] = []
        for _ in range(self.scale.contacts):
            day = weekday_on_or_after(self.start + timedelta(days=rng.randrange(span)))
            if day >= self.today:
                day = self.today - timedelta(days=1 + rng.randrange(3))
            moments.append(self.at(day, rng.randrange(8, 16), rng.randrange(60)))
        moments.sort()
        contact_ids = self.writer.ids(Contact)
        network_ids = self.writer.ids(Network)
        meeting_ids = self.writer.ids(Meeting)
        rows: list[tuple[Any, ...]] = []
        recent: dict[tuple[int, int], list[Net]] = defaultdict(list)
        professional_login = self.well_known.get("professional")
        for received in moments:
            area = rng.choices(self.areas, weights=weights)[0]
            programme = children if rng.random() < 0.7 else working
            contact_id = next(contact_ids)
            token = self.uuid4()
            while token in self.tokens:
                token = self.uuid4()
            self.tokens.add(token)
            coordinator = rng.choice(area.coordinators[programme.id])
            professionals = area.professionals[programme.id]
            request = rng.random() < 0.2
            contacted_by = "professional"
            contact_person: Person | None = None
            person_name = person_service = person_phone = ""
            if request:
                contact_person = rng.choice(professionals)
                recorded_by = contact_person
                channel = "web"
            else:
                recorded_by = coordinator
                channel = rng.choices(["phone", "web", "in_person"], [7, 2, 1])[0]
                roll = rng.random()
                if roll < 0.6:
                    contact_person = rng.choice(professionals)
                    if (
                        professional_login is not None
                        and area is self.areas[0]
                        and programme is children
                        and rng.random() < 0.05
                    ):
                        contact_person = professional_login
                elif roll < 0.85:
                    contacted_by = "other"
                    first, last = self.name()
                    person_name = f"{first} {last}"
                    person_service = "Seurakunnan diakoniatyö"
                    person_phone = f"050 {rng.randrange(1000000, 9999999)}"
                else:
                    contacted_by = "client"
            age_days = (self.today - self.local_date(received)).days
            consent = rng.choices(["agrees", "not_yet", "no_consent"], [85, 10, 5])[0]
            if age_days <= 3 and rng.random() < 0.6:
                outcome = "pending"
            else:
                roll = rng.random()
                outcome = "advice" if roll < 0.57 else "convene" if roll < 0.97 else "joined"
            network: Net | None = None
            if outcome == "joined":
                candidates = [
                    net
                    for net in recent[(area.id, programme.id)][-30:]
                    if net.closed_at is None or net.closed_at > received
                ]
                if candidates:
                    network = rng.choice(candidates)
                else:
                    outcome = "advice"
            if outcome == "convene" and consent == "not_yet":
                consent = "agrees"
            closed_at = None
            if outcome != "pending":
                closed_at = received + timedelta(hours=rng.randrange(1, 48))
            if outcome == "convene":
                assert closed_at is not None
                network = self.plan_network(
                    next(network_ids),
                    meeting_ids,
                    area,
                    programme,
                    coordinator,
                    contact_person,
                    received,
                    closed_at,
                )
                recent[(area.id, programme.id)].append(network)
            elif outcome == "joined":
                assert network is not None
                network.contact_times.append(received)
            legal_ground = reasons = ""
            if consent == "no_consent":
                legal_ground = rng.choice(["shl_35_need", "lsl_25"])
                reasons = "Lapsen etu vaatii toimimaan; perheelle kerrottu."
            if programme.age_bands:
                # The same draw as when a contact had one band, so the data set stays the same;
                # every fourth family of the children's programme has a second, older child.
                index = programme.age_bands.index(rng.choice(programme.age_bands))
                self.age_bands.append((contact_id, programme.age_bands[index][0]))
                if (
                    programme.code == CHILDREN
                    and contact_id % 4 == 0
                    and index + 1 < len(programme.age_bands)
                ):
                    self.age_bands.append((contact_id, programme.age_bands[index + 1][0]))
            rows.append(
                (
                    contact_id,
                    token,
                    received,
                    "request" if request else "coordinator",
                    channel,
                    area.id,
                    programme.id,
                    contacted_by,
                    contact_person.id if contact_person else None,
                    person_name,
                    person_service,
                    person_phone,
                    rng.choice(texts.CONCERNS[programme.code]),
                    rng.choices(["held", "not_held", "unknown"], [6, 2, 2])[0],
                    consent,
                    legal_ground,
                    reasons,
                    outcome,
                    rng.choice(texts.ADVICE) if outcome == "advice" else "",
                    network.id if network else None,
                    recorded_by.id,
                    closed_at,
                    1 if outcome == "pending" else 2,
                    closed_at or received,
                )
            )
            for category in rng.sample(programme.categories, k=rng.choice([1, 1, 2])):
                self.categories.append((contact_id, category))
            self.contact_events.append(
                ("contact_received", received, area.id, programme.id, channel, "", "")
            )
            if closed_at is not None:
                self.contact_events.append(
                    ("contact_resolved", closed_at, area.id, programme.id, channel, outcome, "")
                )
        return rows

    def plan_network(
        self,
        network_id: int,
        meeting_ids: Iterator[int],
        area: AreaInfo,
        programme: Prog,
        coordinator: Person,
        initiator: Person | None,
        received: datetime,
        opened_at: datetime,
    ) -> Net:
        """The network's whole life: first meeting, follow-ups, closing (relative to today)."""
        rng = self.rng
        contact_day = self.local_date(received)
        deadline = contact_day + timedelta(days=programme.deadline_days)
        roll = rng.random()
        delay = (
            rng.randrange(3, 15)
            if roll < 0.85
            else rng.randrange(15, 22)
            if roll < 0.95
            else rng.randrange(22, 36)
        )
        day = weekday_on_or_after(contact_day + timedelta(days=delay))
        meetings: list[Meet] = []
        created = opened_at
        closed_at: datetime | None = None
        kind = "first"
        follow_ups = rng.choices(range(7), [10, 15, 20, 20, 15, 10, 10])[0]
        while True:
            starts = self.at(day, rng.choice([9, 10, 12, 13, 14]), rng.choice([0, 30]))
            if day >= self.today:
                meetings.append(Meet(next(meeting_ids), kind, "planned", starts, created))
                break
            if rng.random() < 0.03:
                meetings.append(
                    Meet(
                        next(meeting_ids),
                        kind,
                        "cancelled",
                        starts,
                        created,
                        "Osallistujat sairastuivat.",
                    )
                )
                day = weekday_on_or_after(day + timedelta(days=7))
                continue
            meetings.append(Meet(next(meeting_ids), kind, "held", starts, created))
            created = starts + timedelta(hours=2)
            held = sum(1 for m in meetings if m.status == "held")
            if held > follow_ups:
                closing = weekday_on_or_after(day + timedelta(days=rng.randrange(0, 22)))
                if closing < self.today:
                    closed_at = self.at(closing, 15)
                break
            kind = "follow_up"
            day = weekday_on_or_after(day + timedelta(days=rng.randrange(21, 57)))
        reason = ""
        if closed_at is not None:
            reason = rng.choices(
                ["goal_reached", "other_service", "family_declined", "moved_away"], [6, 2, 1, 1]
            )[0]
        net = Net(
            id=network_id,
            area=area,
            programme=programme,
            coordinator=coordinator,
            initiator=initiator,
            first_contact=received,
            opened_at=opened_at,
            deadline=deadline,
            meetings=meetings,
            closed_at=closed_at,
            reason=reason,
            contact_times=[received],
        )
        self.nets.append(net)
        return net

    def write_contacts(self, rows: list[tuple[Any, ...]]) -> None:
        # Networks first: contacts point at them.
        self.write_networks()
        self.writer.write(
            Contact,
            (
                "id",
                "submission_token",
                "received_at",
                "source",
                "channel",
                "area",
                "programme",
                "contacted_by",
                "contact_person",
                "contact_person_name",
                "contact_person_service",
                "contact_person_phone",
                "concern",
                "lp_discussion",
                "consent",
                "legal_ground",
                "no_consent_reasons",
                "outcome",
                "advice_given",
                "network",
                "recorded_by",
                "closed_at",
                "version",
                "updated_at",
            ),
            rows,
        )
        through = Contact.concern_categories.through
        ids = self.writer.ids(through)
        self.writer.write(
            through,
            ("id", "contact", "concerncategory"),
            ((next(ids), c, k) for c, k in self.categories),
        )
        bands = Contact.age_bands.through
        band_ids = self.writer.ids(bands)
        self.writer.write(
            bands,
            ("id", "contact", "age_band"),
            ((next(band_ids), c, b) for c, b in self.age_bands),
        )

    def write_networks(self) -> None:
        rng = self.rng
        rows = []
        children: list[tuple[Any, ...]] = []
        child_ids = self.writer.ids(Child)
        for net in self.nets:
            programme = net.programme
            if programme.code == CHILDREN:
                band = rng.choice(programme.age_bands)[1] if programme.age_bands else "7-12"
                low, _dash, high = band.partition("-")
                age = rng.randint(int(low), int(high or low))
            else:
                age = rng.randint(18, 64)
            first, last = self.name()
            born = self.local_date(net.first_contact) - timedelta(
                days=365 * age + rng.randrange(365)
            )
            key = match_key(f"{first} {last}", born)
            while key in self.keys:
                born -= timedelta(days=1)
                key = match_key(f"{first} {last}", born)
            self.keys.add(key)
            net.subject_last = last
            # A family's network concerns its children: the first, and in one family in eight a
            # sibling as well (one network, each child with their own view and goals).
            net.child_ids = []
            if programme.code == CHILDREN:
                net.child_ids.append(next(child_ids))
                children.append(
                    (net.child_ids[0], net.id, f"{first} {last}", born, key, net.opened_at)
                )
                if rng.random() < 0.125:
                    sibling_first, _last = self.name()
                    sibling_born = born + timedelta(days=400 + rng.randrange(1500))
                    if sibling_born < self.local_date(net.first_contact):
                        net.child_ids.append(next(child_ids))
                        children.append(
                            (
                                net.child_ids[1],
                                net.id,
                                f"{sibling_first} {last}",
                                sibling_born,
                                match_key(f"{sibling_first} {last}", sibling_born),
                                net.opened_at,
                            )
                        )
            status = net.status
            version = 1 + (status != "convening") + (status == "closed")
            rows.append(
                (
                    net.id,
                    net.area.id,
                    programme.id,
                    status,
                    f"{first} {last}",
                    born,
                    key,
                    net.first_contact,
                    net.deadline,
                    net.coordinator.id,
                    net.initiator.id if net.initiator else None,
                    rng.choices(["fi", "sv", "en"], [90, 5, 5])[0],
                    net.opened_at,
                    net.closed_at,
                    net.reason,
                    rng.choice(texts.CLOSING_SUMMARIES) if net.closed_at else "",
                    version,
                    net.deadline < self.today,
                )
            )
        self.writer.write(
            Network,
            (
                "id",
                "area",
                "programme",
                "status",
                "subject_name",
                "subject_birth_date",
                "match_key",
                "first_contact_at",
                "convening_deadline",
                "coordinator",
                "initiator",
                "family_language",
                "opened_at",
                "closed_at",
                "closing_reason",
                "closing_summary",
                "version",
                "deadline_recorded",
            ),
            rows,
        )
        self.writer.write(
            Child,
            ("id", "network", "name", "birth_date", "match_key", "added_at"),
            children,
        )

    # -- participants, meetings, records, promises, feedback, events ---------------------------

    def write_network_work(self) -> None:
        rng = self.rng
        w = self.writer
        participant_ids = w.ids(Participant)
        record_ids = w.ids(MeetingRecord)
        revision_ids = w.ids(MeetingRecordRevision)
        present_through = MeetingRecord.present.through
        present_ids = w.ids(present_through)
        note_ids = w.ids(LifeAreaNote)
        goal_ids = w.ids(Goal)
        child_view_ids = w.ids(ChildView)
        child_views: list[tuple[Any, ...]] = []
        rating_ids = w.ids(GoalRating)
        promise_ids = w.ids(Promise)
        invitation_ids = w.ids(FeedbackInvitation)
        participants: list[tuple[Any, ...]] = []
        consents: list[tuple[Any, ...]] = []
        meetings: list[tuple[Any, ...]] = []
        changes: list[tuple[Any, ...]] = []
        records: list[tuple[Any, ...]] = []
        revisions: list[tuple[Any, ...]] = []
        present: list[tuple[int, int, int]] = []
        notes: list[tuple[Any, ...]] = []
        goals: list[tuple[Any, ...]] = []
        ratings: list[tuple[int, int, int, int]] = []
        promises: list[tuple[Any, ...]] = []
        responses: list[tuple[Any, ...]] = []
        answers: list[tuple[Any, ...]] = []
        invitations: list[tuple[Any, ...]] = []
        counts: Counter[tuple[int, int, str, str, str, date]] = Counter()
        events = self.contact_events
        recent_from = self.today - timedelta(days=30)
        response_rate = {"family": 0.4, "child": 0.3, "professional": 0.45}

        def invite(
            net: Net, sent_at: datetime, kind: str, occasion: str, meeting: int | None
        ) -> None:
            month = self.local_date(sent_at).replace(day=1)
            for part in net.participants:
                survey = net.programme.surveys.get(part.audience)
                if survey is None:
                    continue
                counts[(net.area.id, net.programme.id, part.audience, kind, occasion, month)] += 1
                answered = rng.random() < response_rate[part.audience]
                if self.local_date(sent_at) >= recent_from:
                    invitations.append(
                        (
                            next(invitation_ids),
                            survey[0],
                            part.id,
                            meeting,
                            occasion,
                            f"{rng.getrandbits(128):032x}",
                            sent_at,
                            sent_at + timedelta(days=30),
                            self.month_start(sent_at + timedelta(hours=rng.randrange(1, 72)))
                            if answered
                            else None,
                        )
                    )
                if not answered:
                    continue
                response_id = self.feedback_id()
                responses.append(
                    (
                        response_id,
                        survey[0],
                        net.area.id,
                        net.programme.id,
                        part.audience,
                        kind,
                        occasion,
                        month,
                    )
                )
                for question in survey[1]:
                    if question["kind"] == "text":
                        if rng.random() < 0.15:
                            answers.append(
                                (
                                    self.feedback_id(),
                                    response_id,
                                    question["code"],
                                    None,
                                    rng.choice(texts.FEEDBACK_COMMENTS),
                                )
                            )
                        continue
                    value = (
                        rng.choices([1, 2, 3, 4, 5], [1, 2, 5, 10, 9])[0]
                        if question["kind"] == "scale5"
                        else rng.choices(range(11), [1, 1, 1, 2, 2, 4, 6, 9, 10, 8, 6])[0]
                    )
                    answers.append((self.feedback_id(), response_id, question["code"], value, ""))

        for net in self.nets:
            programme = net.programme
            kinds, roles = programme.kinds, programme.roles
            opened = net.opened_at
            last = net.subject_last

            def add(
                kind: str,
                role: str | None,
                user: Person | None,
                name: str,
                relation: str,
                own: bool = False,
                net: Net = net,
                kinds: dict[str, tuple[int, bool]] = kinds,
                roles: dict[str, int] = roles,
                opened: datetime = opened,
            ) -> None:
                kind_id, is_family = kinds[kind]
                audience = "child" if kind == "child" else "family" if is_family else "professional"
                part = Part(
                    next(participant_ids), kind, audience, user, user.sector_id if user else None
                )
                net.participants.append(part)
                email = (
                    user.email
                    if user
                    else f"{ascii_fold(name).replace('-', '.')}@perhe.{DOMAIN}"
                    if rng.random() < 0.7
                    else ""
                )
                participants.append(
                    (
                        part.id,
                        net.id,
                        kind_id,
                        roles.get(role) if role else None,
                        user.id if user else None,
                        user.service_id if user else None,
                        name,
                        relation,
                        email,
                        f"040 {rng.randrange(1000000, 9999999)}" if not user else "",
                        own,
                        opened,
                    )
                )

            if programme.code == CHILDREN:
                for relation in rng.choice([["äiti"], ["äiti", "isä"], ["isä"], ["äiti", "isä"]]):
                    first, _l = self.name(last)
                    add("parent", "family", None, f"{first} {last}", relation)
                if rng.random() < 0.8:
                    first, _l = self.name(last)
                    add("child", "family", None, f"{first} {last}", "lapsi")
                if rng.random() < 0.3:
                    first, other = self.name()
                    add("everyday-adult", "family", None, f"{first} {other}", "valmentaja")
            else:
                first, _l = self.name(last)
                add("client", None, None, f"{first} {last}", "asiakas")
                if rng.random() < 0.3:
                    first, other = self.name()
                    add("close-one", None, None, f"{first} {other}", "läheinen")
            chosen: set[int] = set()
            if net.initiator is not None:
                add("professional", "initiator", net.initiator, "", "")
                chosen.add(net.initiator.id)
            pool = net.area.professionals[programme.id]
            extra = rng.choice([1, 2, 2, 3, 3, 4])
            login = self.well_known.get("professional")
            if (
                login is not None
                and net.area is self.areas[0]
                and programme.code == CHILDREN
                and login.id not in chosen
                and rng.random() < 0.3
            ):
                add("professional", "participant-professional", login, "", "")
                chosen.add(login.id)
            own_worker = False
            for _ in range(extra):
                user = rng.choice(pool)
                if user.id in chosen:
                    continue
                chosen.add(user.id)
                if programme.code == WORKING_AGE and not own_worker:
                    own_worker = True
                    add("professional", "own-worker", user, "", "", own=True)
                else:
                    role = (
                        "participant-professional"
                        if programme.code == CHILDREN
                        else "work-ability-team-member"
                    )
                    add("professional", role, user, "", "", own=False)
            consents.append(
                (
                    net.id,
                    "share",
                    "Huoltaja" if programme.code == CHILDREN else "Asiakas",
                    rng.choice(["in_person", "phone", "written", "electronic"]),
                    opened,
                    net.coordinator.id,
                    "",
                )
            )
            events.append(("network_opened", opened, net.area.id, programme.id, "", "", ""))
            if net.deadline < self.today:
                # As the daily task records it: met by the deadline, or late.
                firsts = [
                    self.local_date(m.starts)
                    for m in net.meetings
                    if m.kind == "first" and m.status == "held"
                ]
                in_time = bool(firsts) and min(firsts) <= net.deadline
                events.append(
                    (
                        "convening_deadline",
                        deadline_moment(net.deadline),
                        net.area.id,
                        programme.id,
                        "",
                        "in_time" if in_time else "late",
                        "",
                        (min(firsts) - self.local_date(net.first_contact)).days
                        if in_time
                        else None,
                    )
                )
            # Meetings and records.
            goal_list: list[tuple[int, int]] = []  # (goal id, last rating)
            open_promises: list[tuple[Any, ...]] = []
            held_count = 0
            sectors = len({p.sector_id for p in net.participants if p.sector_id is not None})
            for meet in net.meetings:
                ends = meet.starts + timedelta(minutes=90)
                local_day = self.local_date(meet.starts)
                late = ""
                if meet.kind == "first" and local_day > net.deadline:
                    late = rng.choice(texts.LATE_REASONS)
                online = rng.random() < 0.2
                meetings.append(
                    (
                        meet.id,
                        net.id,
                        meet.kind,
                        meet.status,
                        meet.starts,
                        ends,
                        "" if online else "Hyvinvointikeskus, neuvotteluhuone 2",
                        f"https://meet.{DOMAIN}/{meet.id}" if online else "",
                        late,
                        net.coordinator.id,
                        self.uuid4(),
                        1 if meet.status == "cancelled" else 0,
                        1 if meet.status == "planned" else 2,
                        meet.created_at,
                    )
                )
                if meet.status == "cancelled":
                    changes.append(
                        (
                            meet.id,
                            meet.starts - timedelta(days=1),
                            net.coordinator.id,
                            meet.starts,
                            None,
                            True,
                            meet.cancelled_reason,
                        )
                    )
                    continue
                if meet.status != "held":
                    continue
                held_count += 1
                area_id, programme_id = net.area.id, programme.id
                events.append(
                    ("meeting_held", meet.starts, area_id, programme_id, "", "", meet.kind)
                )
                if meet.kind == "first":
                    count = sum(1 for t in net.contact_times if t <= meet.starts)
                    events.append(
                        (
                            "network_convened",
                            meet.starts,
                            area_id,
                            programme_id,
                            "",
                            "",
                            "",
                            (local_day - self.local_date(net.first_contact)).days,
                            count,
                            sectors,
                        )
                    )
                saved_at = ends + timedelta(hours=1)
                record_id = next(record_ids)
                texts_now = {
                    "family_view": rng.choice(texts.FAMILY_VIEWS),
                    "common_goal": "Yhteinen tavoite: arki sujuu"
                    if programme.code == CHILDREN
                    else "Yhteinen tavoite: työkyky paranee",
                    "protective_factors": rng.choice(texts.PROTECTIVE),
                }
                records.append(
                    (
                        record_id,
                        meet.id,
                        texts_now["family_view"],
                        texts_now["common_goal"],
                        texts_now["protective_factors"],
                        net.coordinator.id,
                        saved_at,
                        1,
                    )
                )
                views_now = {
                    str(child_id): rng.choice(texts.CHILD_VIEWS) for child_id in net.child_ids
                }
                for child_id, view in views_now.items():
                    child_views.append((next(child_view_ids), record_id, int(child_id), view))
                here = [p for p in net.participants if rng.random() < 0.85] or net.participants
                for part in here:
                    present.append((next(present_ids), record_id, part.id))
                life: dict[str, list[str]] = {}
                if meet.kind == "first":
                    for life_area in programme.life_areas:
                        strengths = rng.choice(texts.STRENGTHS)
                        weak = rng.choice(texts.VULNERABILITIES)
                        notes.append((next(note_ids), record_id, life_area, strengths, weak))
                        life[str(life_area)] = [strengths, weak]
                    goal_specs = texts.GOALS[programme.code]
                    for order, spec in enumerate(
                        rng.sample(goal_specs, k=min(len(goal_specs), rng.choice([1, 2, 2, 3]))),
                        start=1,
                    ):
                        goal_id = next(goal_ids)
                        # A child's goal is the child's own: in a family of two, either child's.
                        child = rng.choice(net.child_ids) if spec[0] == "child" else None
                        goals.append(
                            (goal_id, net.id, spec[0], child, spec[1], spec[2], meet.id, order)
                        )
                        goal_list.append((goal_id, rng.randint(1, 5)))
                for index, (goal_id, rating) in enumerate(goal_list):
                    if meet.kind != "first":
                        rating = max(0, min(10, rating + rng.choice([-1, 0, 1, 1, 2])))
                        goal_list[index] = (goal_id, rating)
                    ratings.append((next(rating_ids), goal_id, meet.id, rating))
                revisions.append(
                    (
                        next(revision_ids),
                        record_id,
                        1,
                        net.coordinator.id,
                        saved_at,
                        {
                            **texts_now,
                            "child_views": views_now,
                            "present": sorted(p.id for p in here),
                            "life_areas": life,
                        },
                    )
                )
                # Review the promises made at the previous held meeting.
                for promise in open_promises:
                    status = rng.choices(["kept", "partly", "not_kept"], [60, 25, 15])[0]
                    promises.append(
                        (*promise, status, texts.REVIEW_NOTES[status], meet.id, saved_at)
                    )
                    events.append(
                        ("promise_reviewed", meet.starts, area_id, programme_id, "", status, "")
                    )
                open_promises = []
                for _ in range(rng.randint(3, 6)):
                    part = rng.choice(net.participants)
                    acts = texts.PROMISES[
                        "professional" if part.audience == "professional" else part.audience
                    ]
                    open_promises.append(
                        (
                            next(promise_ids),
                            net.id,
                            meet.id,
                            part.id,
                            rng.choice(acts),
                            local_day + timedelta(days=rng.randrange(7, 29)),
                        )
                    )
                invite(net, saved_at, meet.kind, "meeting", meet.id)
            for promise in open_promises:
                if net.closed_at is not None:
                    promises.append(
                        (*promise, "cancelled", "Käsitelty päätettäessä.", None, net.closed_at)
                    )
                else:
                    promises.append((*promise, "open", "", None, None))
            if net.closed_at is not None:
                events.append(
                    (
                        "network_closed",
                        net.closed_at,
                        net.area.id,
                        programme.id,
                        "",
                        net.reason,
                        "",
                        (self.local_date(net.closed_at) - self.local_date(net.first_contact)).days,
                    )
                )
                invite(net, net.closed_at, "", "closing", None)
        self.log(f"  generated in memory: {len(participants):,} participants, "
                 f"{len(meetings):,} meetings, {len(promises):,} promises")  # fmt: skip
        self._write_participants(participants)
        participants.clear()
        ids = w.ids(ConsentRecord)
        w.write(
            ConsentRecord,
            (
                "id",
                "network",
                "scope",
                "given_by",
                "given_how",
                "given_at",
                "recorded_by",
                "withdrawn_how",
            ),
            ((next(ids), *row) for row in consents),
        )
        w.write(
            Meeting,
            (
                "id",
                "network",
                "kind",
                "status",
                "starts_at",
                "ends_at",
                "place",
                "online_link",
                "late_reason",
                "organiser",
                "uid",
                "sequence",
                "version",
                "created_at",
            ),
            meetings,
        )
        meetings.clear()
        ids = w.ids(MeetingChange)
        w.write(
            MeetingChange,
            (
                "id",
                "meeting",
                "changed_at",
                "changed_by",
                "old_starts_at",
                "new_starts_at",
                "cancelled",
                "reason",
            ),
            ((next(ids), *row) for row in changes),
        )
        w.write(
            MeetingRecord,
            (
                "id",
                "meeting",
                "family_view",
                "common_goal",
                "protective_factors",
                "saved_by",
                "saved_at",
                "version",
            ),
            records,
        )
        records.clear()
        w.write(
            MeetingRecordRevision,
            ("id", "record", "version", "saved_by", "saved_at", "snapshot"),
            revisions,
        )
        revisions.clear()
        w.write(present_through, ("id", "meetingrecord", "participant"), present)
        present.clear()
        w.write(LifeAreaNote, ("id", "record", "life_area", "strengths", "vulnerabilities"), notes)
        w.write(ChildView, ("id", "record", "child", "text"), child_views)
        child_views.clear()
        w.write(
            Goal,
            ("id", "network", "owner", "child", "text", "scale_note", "set_in", "order"),
            goals,
        )
        w.write(GoalRating, ("id", "goal", "meeting", "rating"), ratings)
        notes.clear()
        goals.clear()
        ratings.clear()
        w.write(
            Promise,
            (
                "id",
                "network",
                "made_in",
                "participant",
                "act",
                "due",
                "status",
                "review_note",
                "reviewed_in",
                "reviewed_at",
            ),
            promises,
        )
        promises.clear()
        w.write(
            Response,
            (
                "id",
                "survey_version",
                "area",
                "programme",
                "audience",
                "meeting_kind",
                "occasion",
                "month",
            ),
            responses,
        )
        w.write(Answer, ("id", "response", "question_code", "value", "text"), answers)
        responses.clear()
        answers.clear()
        w.write(
            FeedbackInvitation,
            (
                "id",
                "survey_version",
                "participant",
                "meeting",
                "occasion",
                "nonce",
                "sent_at",
                "expires_at",
                "used_at",
            ),
            invitations,
        )
        ids = w.ids(InvitationCount)
        w.write(
            InvitationCount,
            ("id", "area", "programme", "audience", "meeting_kind", "occasion", "month", "sent"),
            ((next(ids), *key, sent) for key, sent in sorted(counts.items())),
        )
        self.events = events

    def _write_participants(self, rows: list[tuple[Any, ...]]) -> None:
        # Professionals' names come from their user accounts, as add_participant copies them.
        names = dict(User.objects.filter(email__in=self.emails).values_list("pk", "full_name"))
        self.writer.write(
            Participant,
            (
                "id",
                "network",
                "kind",
                "role",
                "user",
                "service",
                "name",
                "relation",
                "email",
                "phone",
                "is_own_worker",
                "added_at",
            ),
            ((*row[:6], names.get(row[4], row[6]) if row[4] else row[6], *row[7:]) for row in rows),
        )

    # -- LP discussions and events ----------------------------------------------------------------

    def write_discussions(self) -> None:
        rng = self.rng
        children = self.programmes[CHILDREN]
        span = (self.today - self.start).days
        weights = [area.population for area in self.areas]
        ids = self.writer.ids(Discussion)
        rows = []
        for _ in range(self.scale.discussions):
            area = rng.choices(self.areas, weights=weights)[0]
            professional = rng.choice(area.professionals[children.id])
            held_on = weekday_on_or_after(self.start + timedelta(days=rng.randrange(span)))
            if held_on >= self.today:
                held_on = self.today - timedelta(days=3)
            wider = rng.random() < 0.25
            rows.append(
                (
                    next(ids),
                    held_on,
                    area.id,
                    children.id,
                    professional.service_id,
                    wider,
                    professional.id,
                    self.at(held_on, 15),
                )
            )
            self.events.append(
                (
                    "lp_discussion_held",
                    self.at(held_on, 12),
                    area.id,
                    children.id,
                    "",
                    "wider_support" if wider else "everyday_support",
                    "",
                )
            )
        self.writer.write(
            Discussion,
            (
                "id",
                "held_on",
                "area",
                "programme",
                "service",
                "wider_support_needed",
                "recorded_by",
                "recorded_at",
            ),
            rows,
        )
        ids = self.writer.ids(Event)
        names = (
            "kind",
            "occurred_at",
            "area",
            "programme",
            "channel",
            "outcome",
            "meeting_kind",
            "days",
            "count",
            "sectors",
        )
        self.writer.write(
            Event,
            ("id", *names),
            ((next(ids), *event, *([None] * (len(names) - len(event)))) for event in self.events),
        )
        self.events = []
        self.contact_events = []

    # -- the access log -------------------------------------------------------------------------

    def write_access_log(self) -> None:
        rng = random.Random(self.seed * 7919 + 1)  # noqa: S311 - its own stream: written lazily
        ids = self.writer.ids(AccessLog)
        contact_rows = list(
            Contact.objects.order_by("pk").values_list(
                "pk", "received_at", "recorded_by_id", "recorded_by__email"
            )
        )

        def moment(around: datetime, days: int) -> datetime:
            day = self.local_date(around) + timedelta(days=rng.randint(-days, days))
            day = min(weekday_on_or_after(day), self.today - timedelta(days=1))
            return self.at(day, rng.randrange(8, 16), rng.randrange(60))

        def rows() -> Iterator[tuple[Any, ...]]:
            def row(
                at: datetime, who: Person | tuple[int, str], kind: str, pk: int, **kw: Any
            ) -> tuple[Any, ...]:
                user_id, email = (who.id, who.email) if isinstance(who, Person) else who
                return (
                    next(ids),
                    at,
                    user_id,
                    email,
                    kind,
                    str(pk),
                    kw.get("action", "view"),
                    kw.get("basis", "coordinator"),
                    kw.get("view", "networks:detail"),
                    kw.get("success", True),
                    f"{rng.getrandbits(128):032x}",
                    "",
                    "",
                )

            for pk, received, user_id, email in contact_rows:
                yield row(
                    received, (user_id, email), "contacts.contact", pk,
                    action="create", view="contacts:new",
                )  # fmt: skip
                for _ in range(rng.randint(1, 3)):
                    yield row(
                        received + timedelta(minutes=rng.randrange(5, 600)),
                        (user_id, email),
                        "contacts.contact",
                        pk,
                        view="contacts:detail",
                    )
            for net in self.nets:
                professionals = [p.user for p in net.participants if p.user is not None]
                for meet in net.meetings:
                    if meet.starts.date() >= self.today:
                        continue
                    for _ in range(rng.randint(3, 8)):
                        yield row(moment(meet.starts, 7), net.coordinator, "networks.network",
                                  net.id)  # fmt: skip
                    if meet.status == "held":
                        yield row(
                            meet.starts + timedelta(hours=3), net.coordinator,
                            "networks.network", net.id, action="update", view="meetings:record",
                        )  # fmt: skip
                        yield row(
                            meet.starts + timedelta(hours=4), net.coordinator,
                            "networks.network", net.id, action="print", view="meetings:memo_pdf",
                        )  # fmt: skip
                    for user in professionals:
                        basis = "initiator" if user is net.initiator else "participant"
                        for _ in range(rng.randint(1, 5)):
                            yield row(moment(meet.starts, 7), user, "networks.network", net.id,
                                      basis=basis)  # fmt: skip
                    if rng.random() < 0.01:
                        stranger = rng.choice(net.area.professionals[net.programme.id])
                        if stranger not in professionals:
                            yield row(moment(meet.starts, 3), stranger, "networks.network",
                                      net.id, basis="", success=False)  # fmt: skip

        self.writer.write(
            AccessLog,
            (
                "id",
                "at",
                "actor",
                "actor_label",
                "subject_type",
                "subject_id",
                "action",
                "basis",
                "view_name",
                "success",
                "request_id",
                "previous_hash",
                "row_hash",
            ),
            rows(),
        )

    # -- leadership -----------------------------------------------------------------------------

    def build_leadership(self) -> None:
        rng = self.rng
        sectors = {s.code: s.pk for s in Sector.objects.all()}
        teams: list[tuple[LeadershipTeam, list[tuple[Person, str]]]] = []
        children, working = self.programmes[CHILDREN], self.programmes[WORKING_AGE]
        for index in range(self.scale.leadership_areas):
            area = self.areas[index]
            members = [self.leaders[0]] if index == 0 else []
            members += self.leaders[1:][index * 4 : index * 4 + 5]
            team = LeadershipTeam(
                name=f"Johtotiimi: {Area.objects.get(pk=area.id).name}",
                area_id=area.id,
                programme_id=children.id,
                common_goal=texts.TEAM_GOALS[CHILDREN],
                place="Hyvinvointikeskus",
            )
            teams.append((team, members))
        teams.append(
            (
                LeadershipTeam(
                    name="Työikäisten johtotiimi",
                    area_id=None,
                    programme_id=working.id,
                    common_goal=texts.TEAM_GOALS[WORKING_AGE],
                    place="Hyvinvointikeskus",
                ),
                self.leaders[:6],
            )
        )
        LeadershipTeam.objects.bulk_create([team for team, _m in teams])
        member_rows: list[TeamMember] = []
        meeting_rows: list[tuple[Any, ...]] = []
        decision_rows: list[tuple[Any, ...]] = []
        commitment_rows: list[list[Any]] = []
        meeting_ids = self.writer.ids(TeamMeeting)
        decision_ids = self.writer.ids(Decision)
        commitment_ids = self.writer.ids(Commitment)
        from leadership.services import nth_weekday

        end = self.today + timedelta(days=100)
        for team, members in teams:
            seen: set[int] = set()
            unique = []
            for person, key in members:
                if person.id not in seen:
                    seen.add(person.id)
                    unique.append((person, key))
            for order, (person, key) in enumerate(unique):
                member_rows.append(
                    TeamMember(
                        team=team,
                        user_id=person.id,
                        sector_id=sectors[ORGANISATION_SECTORS[key]],
                        is_chair=order == 0,
                    )
                )
            year, month = self.start.year, self.start.month
            previous: tuple[int, list[int]] | None = None
            while date(year, month, 1) <= end:
                day = nth_weekday(year, month, team.weekday, team.week_of_month)
                month += 1
                if month == 13:
                    year, month = year + 1, 1
                if day < self.start or day > end:
                    continue
                starts = self.at(day, 14)
                held = day < self.today
                meeting_id = next(meeting_ids)
                meeting_rows.append(
                    (
                        meeting_id,
                        team.pk,
                        starts,
                        starts + timedelta(minutes=team.duration_minutes),
                        team.place,
                        "held" if held else "planned",
                        self.uuid4(),
                        0,
                    )
                )
                if not held:
                    continue
                if previous is not None:
                    for commitment_id in previous[1]:
                        status = rng.choices(["done", "not_done", "carried_over"], [7, 1, 2])[0]
                        commitment_rows[commitment_id][5] = status
                        commitment_rows[commitment_id][6] = meeting_id
                decision_rows.append(
                    (
                        next(decision_ids),
                        meeting_id,
                        rng.choice(texts.DECISIONS),
                        "Palaute ja indikaattorit",
                        unique[0][0].id,
                        rng.random() < 0.2,
                        starts + timedelta(hours=1),
                    )
                )
                made = []
                for person, _key in unique:
                    made.append(len(commitment_rows))
                    commitment_rows.append(
                        [
                            next(commitment_ids),
                            meeting_id,
                            person.id,
                            rng.choice(texts.COMMITMENTS),
                            None,
                            "open",
                            None,
                        ]
                    )
                previous = (meeting_id, made)
        TeamMember.objects.bulk_create(member_rows)
        self.writer.counts[LeadershipTeam._meta.db_table] += len(teams)
        self.writer.counts[TeamMember._meta.db_table] += len(member_rows)
        self.writer.write(
            TeamMeeting,
            ("id", "team", "starts_at", "ends_at", "place", "status", "uid", "sequence"),
            meeting_rows,
        )
        self.writer.write(
            Decision,
            ("id", "meeting", "what", "why", "who_informs", "shareable", "created_at"),
            decision_rows,
        )
        self.writer.write(
            Commitment,
            ("id", "meeting", "member", "text", "carried_from", "status", "reviewed_in"),
            (tuple(row) for row in commitment_rows),
        )


# ---------------------------------------------------------------------------------------------


def _prepare() -> None:
    from feedback.models import SurveyVersion

    ready = (
        Programme.objects.filter(code__in=[CHILDREN, WORKING_AGE]).count() == 2
        and SurveyVersion.objects.exists()
        and Indicator.objects.exists()
        and all(Sector.objects.filter(code=code).exists() for code in ORGANISATION_SECTORS.values())
    )
    if not ready:
        call_command("load_configuration", verbosity=0, stdout=io.StringIO())


def _has_data() -> bool:
    return Area.objects.exists() or User.objects.exists() or Contact.objects.exists()


def reset() -> None:
    """Empty everything the loader writes (and what points at it); the configuration stays."""
    models: list[Any] = [
        AccessLog, ChainHead, Event, Commitment, Decision, TeamMeeting, TeamMember,
        LeadershipTeam, InvitationCount, FeedbackInvitation, Answer, Response, Promise,
        GoalRating, Goal, LifeAreaNote, MeetingRecord.present.through, MeetingRecordRevision,
        MeetingRecord, MeetingChange, Meeting, ConsentRecord, Participant,
        Contact.concern_categories.through, Contact.age_bands.through, Contact, Discussion,
        Network, Position, Membership,
        ContactPoint, Service.areas.through, Service.programmes.through, Service, Organisation,
        User, Area,
    ]  # fmt: skip
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(quote(model._meta.db_table) for model in models)
            # Deferred foreign-key checks of rows written earlier in this transaction (a test's)
            # would make TRUNCATE refuse: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # The logs refuse TRUNCATE (audit migration 0006) except in replica mode (superuser).
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            from accounts.models import SecurityEvent, UserSession
            from directory.models import Location

            extra: list[Any] = [SecurityEvent, UserSession, Location.services.through, Location]
            for model in extra[:2] + models[:-2] + extra[2:] + models[-2:]:
                cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def load_scale(
    name: str,
    *,
    seed: int = 1,
    today: date,
    password: str,
    password_shown: bool = False,
    reset_first: bool = False,
    log: Callable[[str], None] = lambda line: None,
) -> ScaleReport:
    if settings.PRODUCTION:
        raise ScaleError(
            "Refusing to load synthetic data into a production installation (ARKI_ENV=production)."
        )
    if name not in SCALES:
        raise ScaleError(f"Unknown scale {name!r}: choose one of {', '.join(SCALES)}.")
    started = time.monotonic()
    _prepare()
    if _has_data():
        if not reset_first:
            raise ScaleError(
                "The database already holds areas, users or contacts. Use --reset to empty "
                "them first (everything but the configuration is removed)."
            )
        log("Reset: emptying the loaded tables")
        reset()
    generator = Generator(SCALES[name], seed=seed, today=today, password=password, log=log)
    counts = generator.run()
    return ScaleReport(
        scale=name,
        seed=seed,
        today=today,
        password=password,
        password_shown=password_shown,
        counts=counts,
        seconds=generator.writer.seconds,
        total_seconds=time.monotonic() - started,
        logins=[(f"{login}@{DOMAIN}", login) for login in WELL_KNOWN],
    )
