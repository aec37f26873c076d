"""Stage 1: the directory (areas, organisations, services, contact points) and the staff."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from accounts.models import Membership, User
from audit.roles import Role
from demo.oulu import CHILDREN, WORKING_AGE
from demo.services import ascii_fold
from directory.models import Area, ContactPoint, Organisation, Position, Sector, Service
from scale import texts
from scale.generator.region import Region
from scale.generator.shapes import DOMAIN, WELL_KNOWN, AreaPlan, StaffMember


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
# The service a leader of each kind of organisation works in.
LEADER_SERVICES = {
    "wellbeing": "family-social-work",
    "education": "school",
    "employment": "employment",
    "ngo": "family-support",
}

# A membership to grant: (role, area id, programme id).
Grant = tuple[str, int | None, int | None]


def build_directory(region: Region) -> None:
    rng, scale = region.rng, region.scale
    started = time.monotonic()
    municipalities: list[str] = []
    while len(municipalities) < scale.municipalities:
        city = region.fake.city()
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
        areas.append(
            Area(
                code=ascii_fold(f"{municipality}-{district}{suffix}")[:40],
                name=f"{municipality}, {district}{suffix}",
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
    wellbeing_region = Organisation(
        name="Hyvinvointialue (synteettinen)",
        sector=sectors[ORGANISATION_SECTORS["wellbeing"]],
        phone=region.phone("08"),
    )
    ngo = Organisation(
        name="Lasten ja perheiden yhdistys (synteettinen)",
        sector=sectors[ORGANISATION_SECTORS["ngo"]],
    )
    made = [wellbeing_region, ngo]
    for municipality in municipalities:
        for key, label in (("education", "sivistyspalvelut"), ("employment", "työllisyys")):
            organisation = Organisation(
                name=f"{municipality}n {label}",
                sector=sectors[ORGANISATION_SECTORS[key]],
                phone=region.phone("08"),
            )
            organisations[(municipality, key)] = organisation
            made.append(organisation)
    for organisation in made:
        organisation.hsds_id = region.uuid4()
    Organisation.objects.bulk_create(made, batch_size=500)
    for municipality in municipalities:
        organisations[(municipality, "wellbeing")] = wellbeing_region
        organisations[(municipality, "ngo")] = ngo
    programme_ids = {code: programme.id for code, programme in region.programmes.items()}
    services: list[tuple[Service, Area, ServiceSpec]] = []
    for area in areas:
        for spec in SERVICES:
            services.append(
                (
                    Service(
                        hsds_id=region.uuid4(),
                        organisation=organisations[(area.municipality, spec.organisation)],
                        name=spec.name.format(area=area.name),
                        basic_task=f"{spec.title}: oma perustehtävä verkostossa.",
                        phone=region.phone("08"),
                    ),
                    area,
                    spec,
                )
            )
    Service.objects.bulk_create([service for service, _area, _spec in services], batch_size=500)
    Service.areas.through.objects.bulk_create(
        [
            Service.areas.through(service_id=service.pk, area_id=area.pk)
            for service, area, _spec in services
        ],
        batch_size=1000,
    )
    Service.programmes.through.objects.bulk_create(
        [
            Service.programmes.through(service_id=service.pk, programme_id=programme_ids[code])
            for service, _area, spec in services
            for code in spec.programmes
        ],
        batch_size=1000,
    )
    plans: dict[int, AreaPlan] = {}
    for area in areas:
        plan = AreaPlan(id=area.pk, code=area.code, population=area.population or 0)
        plans[area.pk] = plan
        region.areas.append(plan)
    for service, area, spec in services:
        plans[area.pk].services[spec.key] = service.pk
        region.sector_of_service[service.pk] = service.organisation.sector_id
    points = []
    for area in areas:
        for code, key in ((CHILDREN, "family-social-work"), (WORKING_AGE, "employment")):
            points.append(
                ContactPoint(
                    area=area,
                    programme_id=programme_ids[code],
                    service_id=plans[area.pk].services[key],
                    name=f"Koordinoiva numero ({area.name})",
                    phone=region.phone("08"),
                    email=f"{area.code}.{code}@{DOMAIN}",
                    opening_hours="ma–pe 9–15",
                )
            )
    ContactPoint.objects.bulk_create(points, batch_size=500)
    for model, count in (
        (Area, len(areas)),
        (Organisation, len(made)),
        (Service, len(services)),
        (ContactPoint, len(points)),
    ):
        region.writer.counts[model._meta.db_table] += count
    region.log_step("directory (areas, organisations, services, contact points)", started)


def build_staff(region: Region) -> None:
    """Coordinators and professionals of every area, a developer worker and the leaders."""
    started = time.monotonic()
    password = make_password(region.password)  # one hash for all: hashing each would take hours
    users: list[User] = []
    pending: list[tuple[StaffMember, list[Grant], int | None, str]] = []
    children, working = region.programmes[CHILDREN], region.programmes[WORKING_AGE]
    organisation_of = dict(Service.objects.values_list("pk", "organisation_id"))

    def hire(
        login: str | None, grants: list[Grant], service_id: int | None, title: str
    ) -> StaffMember:
        first, last = region.name()
        email = region.email_for(first, last, login)
        users.append(
            User(
                email=email,
                full_name=f"{first} {last}",
                phone=region.phone("040"),
                preferred_language="fi",
                password=password,
                date_joined=region.at(region.start, 8),
            )
        )
        sector = region.sector_of_service.get(service_id) if service_id else None
        member = StaffMember(id=0, email=email, service_id=service_id, sector_id=sector)
        pending.append((member, grants, service_id, title))
        return member

    for index, area in enumerate(region.areas):
        children_coordinators = [
            hire(
                "coordinator" if index == 0 and n == 0 else None,
                [(Role.COORDINATOR, area.id, children.id)],
                area.services["family-social-work"],
                "Sosiaaliohjaaja, perhesosiaalityön ohjaus ja neuvonta",
            )
            for n in range(2)
        ]
        working_coordinator = hire(
            None,
            [(Role.COORDINATOR, area.id, working.id)],
            area.services["employment"],
            "Asiakaskoordinaattori",
        )
        area.coordinators = {children.id: children_coordinators, working.id: [working_coordinator]}
        area.professionals = {children.id: [], working.id: []}
        count = max(8, round(area.population / 500))
        specs = [spec for turn in range(4) for spec in SERVICES if spec.weight > turn]
        for n in range(count):
            spec = specs[n % len(specs)]
            login = "professional" if index == 0 and n == 3 else None  # a school curator
            grants: list[Grant] = [
                (Role.PROFESSIONAL, area.id, region.programmes[code].id) for code in spec.programmes
            ]
            professional = hire(login, grants, area.services[spec.key], spec.title)
            for code in spec.programmes:
                area.professionals[region.programmes[code].id].append(professional)
    developer = hire("developer", [(Role.DEVELOPER_WORKER, None, None)], None, "")
    organisation_keys = list(ORGANISATION_SECTORS)
    for n in range(max(6, 2 * region.scale.leadership_areas + 4)):
        key = organisation_keys[n % len(organisation_keys)]
        area = region.areas[(n // len(organisation_keys)) % len(region.areas)]
        grants = [
            (Role.LEADERSHIP_MEMBER, area.id, children.id),
            (Role.LEADERSHIP_MEMBER, None, working.id),
        ]
        leader = hire(
            "leader" if n == 0 else None, grants, area.services[LEADER_SERVICES[key]], "Esihenkilö"
        )
        region.leaders.append((leader, key))
    User.objects.bulk_create(users, batch_size=1000)
    ids = dict(User.objects.filter(email__in=region.emails).values_list("email", "pk"))
    memberships: list[Membership] = []
    positions: list[Position] = []
    for member, grants, service_id, title in pending:
        member.id = ids[member.email]
        organisation = organisation_of.get(service_id) if service_id else None
        for role, area_id, programme_id in grants:
            memberships.append(
                Membership(
                    user_id=member.id,
                    role=role,
                    area_id=area_id,
                    programme_id=programme_id,
                    organisation_id=organisation,
                )
            )
        if service_id:
            positions.append(Position(user_id=member.id, service_id=service_id, title=title))
    Membership.objects.bulk_create(memberships, batch_size=1000)
    Position.objects.bulk_create(positions, batch_size=1000)
    for member, _grants, _service, _title in pending:
        local = member.email.split("@")[0]
        if local in WELL_KNOWN:
            region.well_known[local] = member
    region.well_known["developer"] = developer
    region.writer.counts[User._meta.db_table] += len(users)
    region.writer.counts[Membership._meta.db_table] += len(memberships)
    region.writer.counts[Position._meta.db_table] += len(positions)
    region.log_step(f"staff ({len(users):,} users)", started)
