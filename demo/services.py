"""Loading the synthetic demo region: a deterministic, repeatable Oulu with Kaakkuri and Tuira.

Everything is found or created by a natural key (area code, organisation name, service
name within its organisation, user email …), so a second run creates nothing and
changes nothing. Names, addresses and phone numbers come from Faker("fi_FI") and
random.Random seeded with a fixed number: the same every time. Refuses to run in
production. The demo users share one password, generated once per installation and
kept in LOCAL_DIR/demo_password (readable by the owner only).
"""

from __future__ import annotations

import os
import random
import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import translation
from faker import Faker

from accounts.models import Membership, User
from demo import oulu
from demo.backbone import build_backbone
from demo.figures import build_figures
from demo.leadership import build_leadership
from demo.learning import build_learning_network
from demo.network_work import build_network_work
from demo.training import build_training
from directory.models import Area, ContactPoint, Location, Organisation, Position, Sector, Service
from feedback.models import Survey
from feedback.services import load_surveys
from indicators.catalogue import load_catalogue
from indicators.models import Indicator
from networks.deadlines import record_passed_deadlines
from operations.configuration import load_configuration
from programmes.models import Programme

SEED = 2019  # the year the Kaakkuri pilot was awarded; any fixed number will do
DOMAIN = "demo.arki.invalid"
PASSWORD_FILE = "demo_password"  # noqa: S105 - the name of the file, not a password
SERVICE_PHONE_PREFIX = "08 5584"

M = TypeVar("M", bound=models.Model)


class DemoError(RuntimeError):
    """The demo data cannot be loaded here."""


class DemoRefused(DemoError):
    """Demo data never goes into a production installation."""


@dataclass(frozen=True)
class Login:
    email: str
    full_name: str
    description: str
    well_known: bool


@dataclass
class DemoReport:
    """The outcome of :func:`load_demo`."""

    password: str
    password_file: Path
    configuration_loaded: bool = False
    created: Counter[str] = field(default_factory=Counter)
    logins: list[Login] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = []
        if self.configuration_loaded:
            lines.append("Configuration was missing: loaded it first (load_configuration).")
        if self.created:
            made = ", ".join(f"{count} {name}" for name, count in self.created.items())
            lines.append(f"Demo region Oulu (Kaakkuri, Tuira) loaded: created {made}.")
        else:
            lines.append("Demo region Oulu (Kaakkuri, Tuira) already loaded: nothing new.")
        lines.append(f"The demo password is kept in {self.password_file}.")
        ordered = sorted(self.logins, key=lambda login: not login.well_known)
        lines += [
            f"Demo sign-in: {login.email} / {self.password}   "
            f"({login.description}: {login.full_name})"
            for login in ordered
        ]
        return lines


def ascii_fold(text: str) -> str:
    """Lower-case ASCII for email addresses: ä→a, ö→o, å→a, spaces to hyphens."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9-]+", "-", plain).strip("-")


def demo_password(path: Path) -> str:
    """The installation's demo password: read from ``path``, or generated once and kept there."""
    if path.exists():
        password = path.read_text().strip()
        if password:
            return password
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return password


def _configuration_ready() -> bool:
    programmes = {oulu.CHILDREN, oulu.WORKING_AGE}
    sectors = {spec.sector for spec in oulu.ORGANISATIONS}
    return Programme.objects.filter(code__in=programmes).count() == len(
        programmes
    ) and Sector.objects.filter(code__in=sectors).count() == len(sectors)


class _Builder:
    """Builds the demo region in a fixed order, so every random draw is the same each run."""

    def __init__(self, password: str, report: DemoReport) -> None:
        self.password = password
        self.report = report
        self.rng = random.Random(SEED)  # noqa: S311 - synthetic demo data, not security
        self.fake = Faker("fi_FI")
        self.fake.seed_instance(SEED)
        self.areas: dict[str, Area] = {}
        self.programmes: dict[str, Programme] = {}
        self.organisations: dict[str, Organisation] = {}
        self.services: dict[str, Service] = {}
        self.locations: dict[tuple[str, str], Location] = {}
        self.phones: set[str] = set()
        self.emails: set[str] = set()

    def get(self, model: type[M], defaults: dict[str, Any], **lookup: Any) -> M:
        instance, created = model._default_manager.get_or_create(defaults=defaults, **lookup)
        if created:
            with translation.override("en"):
                self.report.created[str(model._meta.verbose_name_plural)] += 1
        return instance

    def build(self) -> None:
        self.programmes = {
            programme.code: programme
            for programme in Programme.objects.filter(code__in=[oulu.CHILDREN, oulu.WORKING_AGE])
        }
        self.build_areas()
        self.build_organisations()
        self.build_services()
        self.build_contact_points()
        self.build_people()
        contacts = build_network_work(self.areas, self.programmes)
        if contacts:
            self.report.created["contacts"] += contacts
        teams = build_leadership(self.areas, self.programmes)
        if teams:
            self.report.created["leadership teams"] += teams
        developer = User.objects.get(email=f"developer@{DOMAIN}")
        backbone = build_backbone(self.areas, self.programmes, developer)
        if backbone:
            self.report.created["backbone items"] += backbone
        trained = build_training(developer)
        if trained:
            self.report.created["training records"] += trained
        figures = build_figures(self.areas, self.programmes[oulu.CHILDREN], developer)
        if figures:
            self.report.created["entered indicator values"] += figures
        packages = build_learning_network(developer, User.objects.get(email=f"network@{DOMAIN}"))
        if packages:
            self.report.created["learning-network packages"] += packages

    def build_areas(self) -> None:
        for spec in oulu.AREAS:
            self.areas[spec.code] = self.get(
                Area,
                {
                    "name": spec.name,
                    "municipality": oulu.CITY,
                    "population": spec.population,
                    "child_population": spec.child_population,
                    "description": spec.description,
                },
                code=spec.code,
            )

    def build_organisations(self) -> None:
        sectors = {sector.code: sector for sector in Sector.objects.all()}
        for spec in oulu.ORGANISATIONS:
            self.organisations[spec.key] = self.get(
                Organisation,
                {
                    "sector": sectors[spec.sector],
                    "description": spec.description,
                    "phone": self.service_phone(),
                },
                name=spec.name,
            )

    def service_phone(self) -> str:
        while True:
            phone = f"{SERVICE_PHONE_PREFIX} {self.rng.randrange(2000, 10000)}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def location(self, organisation: str, name: str, area_code: str | None) -> Location:
        key = (organisation, name)
        if key not in self.locations:
            area = next((spec for spec in oulu.AREAS if spec.code == area_code), None)
            streets = area.streets if area else oulu.CENTRE_STREETS
            address = f"{self.rng.choice(streets)} {self.rng.randrange(1, 60)}"
            self.locations[key] = self.get(
                Location,
                {
                    "address": address,
                    "postal_code": area.postal_code if area else oulu.CENTRE_POSTAL_CODE,
                    "city": oulu.CITY,
                    "area": self.areas[area_code] if area_code else None,
                },
                organisation=self.organisations[organisation],
                name=name,
            )
        return self.locations[key]

    def service(
        self,
        key: str,
        spec: oulu.ServiceSpec,
        name: str,
        location: str,
        area_codes: tuple[str, ...],
        located_in: str | None,
    ) -> None:
        organisation = self.organisations[spec.organisation]
        service = self.get(
            Service,
            {"basic_task": spec.basic_task, "phone": self.service_phone()},
            organisation=organisation,
            name=name,
        )
        service.areas.add(*(self.areas[code] for code in area_codes))
        service.programmes.add(*(self.programmes[code] for code in spec.programmes))
        self.location(spec.organisation, location, located_in).services.add(service)
        self.services[key] = service

    def build_services(self) -> None:
        for area in oulu.AREAS:
            for number, name in enumerate(oulu.DAYCARES[area.code], start=1):
                spec = oulu.ServiceSpec(
                    "daycare", "oulu-sivistys", name, oulu.DAYCARE_TASK, (oulu.CHILDREN,), name
                )
                self.service(
                    f"daycare:{area.code}:{number}", spec, name, name, (area.code,), area.code
                )
        for spec in oulu.SERVICES:
            if spec.per_area:
                for area in oulu.AREAS:
                    self.service(
                        f"{spec.key}:{area.code}",
                        spec,
                        spec.name.format(area=area.genitive),
                        spec.location.format(area=area.genitive),
                        (area.code,),
                        area.code,
                    )
            else:
                self.service(spec.key, spec, spec.name, spec.location, spec.areas, spec.located_in)

    def build_contact_points(self) -> None:
        for spec in oulu.CONTACT_POINTS:
            for area in oulu.AREAS:
                self.get(
                    ContactPoint,
                    {
                        "service": self.services[spec.service.format(area=area.code)],
                        "name": spec.name.format(area=area.name),
                        "phone": spec.phones[area.code],
                        "email": spec.email.format(area=area.code),
                        "opening_hours": spec.opening_hours,
                    },
                    area=self.areas[area.code],
                    programme=self.programmes[spec.programme],
                )

    def email_for(self, first_name: str, last_name: str, login: str | None) -> str:
        local = login or f"{ascii_fold(first_name)}.{ascii_fold(last_name)}"
        email, number = f"{local}@{DOMAIN}", 1
        while email in self.emails:
            number += 1
            email = f"{local}{number}@{DOMAIN}"
        self.emails.add(email)
        return email

    def build_people(self) -> None:
        for spec in oulu.PEOPLE:
            first_name, last_name = self.fake.first_name(), self.fake.last_name()
            phone = f"040 {self.rng.randrange(100, 1000)} {self.rng.randrange(1000, 10000)}"
            email = self.email_for(first_name, last_name, spec.login)
            user = self.get(
                User,
                {
                    "full_name": f"{first_name} {last_name}",
                    "phone": phone,
                    "preferred_language": "fi",
                },
                email=email,
            )
            if not user.check_password(self.password):
                user.set_password(self.password)
                user.save(update_fields=["password"])
            for membership in spec.memberships:
                self.get(
                    Membership,
                    {},
                    user=user,
                    role=membership.role,
                    area=self.areas[membership.area] if membership.area else None,
                    programme=self.programmes[membership.programme]
                    if membership.programme
                    else None,
                    organisation=(
                        self.organisations[membership.organisation]
                        if membership.organisation
                        else None
                    ),
                )
            if spec.service:
                self.get(
                    Position, {}, user=user, service=self.services[spec.service], title=spec.title
                )
            self.report.logins.append(
                Login(user.email, user.full_name, spec.description, well_known=bool(spec.login))
            )


def load_demo() -> DemoReport:
    """Load the demo region (idempotent); loads the configuration first if it is missing."""
    if settings.PRODUCTION:
        raise DemoRefused(
            "Refusing to load demo data into a production installation (ARKI_ENV=production)."
        )
    configuration_loaded = False
    if not _configuration_ready():
        load_configuration()
        configuration_loaded = True
        if not _configuration_ready():
            raise DemoError(
                "The configuration lacks the programmes or sectors the demo needs: "
                f"programmes {oulu.CHILDREN} and {oulu.WORKING_AGE}, sectors "
                + ", ".join(sorted({spec.sector for spec in oulu.ORGANISATIONS}))
            )
    if not Survey.objects.exists():
        load_surveys()
    if not Indicator.objects.exists():
        load_catalogue()
    password_file = Path(settings.LOCAL_DIR) / PASSWORD_FILE
    report = DemoReport(
        password=demo_password(password_file),
        password_file=password_file,
        configuration_loaded=configuration_loaded,
    )
    with transaction.atomic():
        _Builder(report.password, report).build()
        # As the daily task would have: every passed convening deadline's outcome.
        record_passed_deadlines()
    return report
