"""The fixture world of the security suite.

The setting comes from the factories (people and their roles, the directory, networks with their
contacts and participants, leadership teams); what happens in it goes through the real services
(meetings and their records, personal links, feedback invitations, backbone and learning-network
items), so every route finds the rows those leave behind.

Two sides of one Oulu installation, programme children-families:

* ``part`` – Kaakkuri: the coordinator coordinates it, the professional sent a request there and
  is a participant of its network, the leadership member sits on its leadership team;
* ``not_part`` – Tuira: another coordinator, another professional, another family, another team.

Every route parameter of the URL walk is filled from one side or the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from nacl.signing import SigningKey

from accounts.models import User
from accounts.tests.factories import MembershipFactory, UserFactory
from audit.roles import Role
from backbone import services as backbone_services
from backbone.models import EventKind
from contacts.models import ContactedBy, Source
from contacts.tests.factories import ContactFactory
from directory.models import Area, Position, Sector, Service
from directory.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    PositionFactory,
    ServiceFactory,
)
from family import services as family_services
from feedback import services as feedback_services
from feedback.models import FeedbackInvitation
from leadership.tests.factories import (
    CommitmentFactory,
    LeadershipTeamFactory,
    TeamMeetingFactory,
    TeamMemberFactory,
)
from learning import package
from learning import services as learning_services
from learning.models import ExportedPackage
from meetings.services import NewGoal, NewPromise, RecordInput, save_meeting_record
from networks import services as network_services
from networks.tests.factories import (
    NetworkFactory,
    ParticipantFactory,
    ProfessionalParticipantFactory,
)
from programmes.models import Programme

ROLES = (
    "professional",
    "coordinator",
    "leadership_member",
    "developer_worker",
    "learning_network",
    "data_protection_officer",
    "administrator",
)
ANONYMOUS = "anonymous"
PART, NOT_PART = "part", "not_part"

# Personal names and identifiers that must never leak where they do not belong.
CHILD_A, CHILD_B = "Eeli Virtanen", "Tuomas Tuiranen"
MOTHER_A, MOTHER_B = "Maija Virtanen", "Liisa Tuiranen"
REGION_KEY = SigningKey(b"s" * 32)


@dataclass
class Side:
    area: Any
    coordinator: Any
    professional: Any
    contact: Any  # open, not convened
    network: Any
    held_meeting: Any
    planned_meeting: Any
    mother: Any
    professional_participant: Any
    family_link: Any
    family_token: str
    family_code: str
    feedback_token: str
    person: Any  # for directory:person_detail
    team: Any
    team_meeting: Any
    commitment: Any
    task: Any
    instruction: Any
    bulletin: Any
    event: Any
    learning: Any
    network_meeting: Any
    trial: Any
    region: Any
    promise: Any = None  # the professional's open promise, made in the held meeting


@dataclass
class World:
    programme: Any
    users: dict[str, Any]
    sides: dict[str, Side] = field(default_factory=dict)
    exported: Any = None
    region_token: str = ""
    service: Any = None
    organisation: Any = None
    indicator_code: str = "lp-method-use"

    def __getitem__(self, side: str) -> Side:
        return self.sides[side]


def user(email: str, full_name: str, role: str | None = None, **membership: Any) -> User:
    created = UserFactory.create(email=email, full_name=full_name, password=None)
    if role:
        MembershipFactory(user=created, role=role, **membership)
    return created


def position(person: User, service: Service, title: str = "Koulukuraattori") -> Position:
    return PositionFactory.create(user=person, service=service, title=title)


def network_for(
    area: Area,
    programme: Programme,
    coordinator: User,
    professional: User,
    child: str,
    mother: str,
    mother_email: str,
) -> tuple[Any, Any, Any, Any, Any]:
    network = NetworkFactory.create(
        area=area,
        programme=programme,
        coordinator=coordinator,
        subject_name=child,
        subject_birth_date=date(2015, 5, 4),
        contact__contact_person_service="Koulu",
    )
    pro = ProfessionalParticipantFactory.create(network=network, user=professional)
    parent = ParticipantFactory.create(
        network=network, name=mother, relation="äiti", email=mother_email
    )
    starts = timezone.now() + timedelta(days=1)
    held = network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Koulu",
    )
    type(held).objects.filter(pk=held.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    held.refresh_from_db()
    due = timezone.localdate() + timedelta(days=14)
    save_meeting_record(
        meeting=held,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            present=[pro, parent],
            family_view="Aamut ovat raskaita.",
            child_views={network.children.get().pk: "Haluan mennä kouluun."},
            common_goal="Toimiva arki",
            protective_factors="Isovanhemmat",
            new_goals=[NewGoal("child", "Vähemmän poissaoloja", 3)],
            new_promises=[NewPromise(pro, "Soitan perheelle perjantaina", due)],
        ),
    )
    later = timezone.now() + timedelta(days=20)
    planned = network_services.schedule_meeting(
        network=network,
        by=coordinator,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        place="Koulu",
        late_reason="Seurantatapaaminen",
    )
    return network, held, planned, pro, parent


def build_world() -> World:
    """Everything the suite needs; about a second with sqlite."""
    call_command("load_configuration", verbosity=0)
    programme = Programme.objects.get(code="children-families")
    kaakkuri = AreaFactory.create(code="kaakkuri", name="Kaakkuri", municipality="Oulu")
    tuira = AreaFactory.create(code="tuira", name="Tuira", municipality="Oulu")
    education = Sector.objects.get(code="education-culture")
    social = Sector.objects.get(code="social-health")
    organisation = OrganisationFactory(name="Oulun kaupunki", sector=education, email="", phone="")
    school_a = ServiceFactory(
        organisation=organisation, name="Kaakkurin koulu", basic_task="", areas=[kaakkuri]
    )
    school_b = ServiceFactory(
        organisation=organisation, name="Tuiran koulu", basic_task="", areas=[tuira]
    )

    users = {
        "professional": user(
            "paula.ammattilainen@example.fi",
            "Paula Ammattilainen",
            Role.PROFESSIONAL,
            area=kaakkuri,
            programme=programme,
        ),
        "coordinator": user(
            "kaisa.koordinaattori@example.fi",
            "Kaisa Koordinaattori",
            Role.COORDINATOR,
            area=kaakkuri,
            programme=programme,
        ),
        "leadership_member": user(
            "leena.johtaja@example.fi", "Leena Johtaja", Role.LEADERSHIP_MEMBER
        ),
        "developer_worker": user(
            "kerttu.kehittaja@example.fi", "Kerttu Kehittäjä", Role.DEVELOPER_WORKER
        ),
        "learning_network": user(
            "oskari.oppiva@example.fi", "Oskari Oppiva", Role.LEARNING_NETWORK
        ),
        "data_protection_officer": user(
            "tuula.tietosuoja@example.fi", "Tuula Tietosuoja", Role.DATA_PROTECTION_OFFICER
        ),
        "administrator": user("aila.yllapitaja@example.fi", "Aila Ylläpitäjä", Role.ADMINISTRATOR),
    }
    position(users["professional"], school_a)
    tuira_coordinator = user(
        "tuula.tuira@example.fi",
        "Tuula Tuirankoordinaattori",
        Role.COORDINATOR,
        area=tuira,
        programme=programme,
    )
    tuira_professional = user(
        "teppo.opettaja@example.fi",
        "Teppo Opettaja",
        Role.PROFESSIONAL,
        area=tuira,
        programme=programme,
    )
    position(tuira_professional, school_b, "Luokanopettaja")
    tuira_leader = user("tapio.johtaja@example.fi", "Tapio Johtaja", Role.LEADERSHIP_MEMBER)

    world = World(programme=programme, users=users, service=school_a, organisation=organisation)

    # Learning network: the hub side and this region's export.
    region, token = learning_services.register_region(
        code="oulu", name="Oulu", public_key=package.public_key_text(REGION_KEY)
    )
    other_region, _token = learning_services.register_region(
        code="kajaani", name="Kajaani", public_key=package.public_key_text(SigningKey(b"k" * 32))
    )
    world.region_token = token
    sealed = package.seal(
        {
            "format_version": 1,
            "region": {"code": "oulu", "name": "Oulu"},
            "version": 1,
            "created_at": "2026-01-31T12:00:00+02:00",
            "figures": [],
            "populations": [],
            "learnings": [],
        },
        REGION_KEY,
    )
    world.exported = ExportedPackage.objects.create(
        version=1,
        created_at=timezone.now(),
        sha256=package.open_envelope(sealed).sha256,
        figures=0,
        learnings=0,
        envelope=sealed,
    )

    sides = [
        (
            PART,
            kaakkuri,
            users["coordinator"],
            users["professional"],
            CHILD_A,
            MOTHER_A,
            "maija@example.fi",
            users["leadership_member"],
            region,
        ),
        (
            NOT_PART,
            tuira,
            tuira_coordinator,
            tuira_professional,
            CHILD_B,
            MOTHER_B,
            "liisa@example.fi",
            tuira_leader,
            other_region,
        ),
    ]
    for name, area, coordinator, professional, child, mother, email, leader, hub_region in sides:
        # The professional's request, waiting in the coordinator's queue.
        request = ContactFactory(
            area=area,
            programme=programme,
            source=Source.REQUEST,
            channel="web",
            contacted_by=ContactedBy.PROFESSIONAL,
            contact_person=professional,
            contact_person_service="Koulu",
            recorded_by=professional,
        )
        network, held, planned, pro, parent = network_for(
            area, programme, coordinator, professional, child, mother, email
        )
        issued = family_services.create_link(participant=parent, by=coordinator)
        invitation = FeedbackInvitation.objects.filter(participant=parent).first()
        team = LeadershipTeamFactory(area=area, programme=programme)
        TeamMemberFactory(team=team, user=leader, sector=social)
        team_meeting = TeamMeetingFactory(team=team)
        commitment = CommitmentFactory(meeting=team_meeting, member=leader)
        developer = users["developer_worker"]
        task = backbone_services.create_task(
            title=f"Tehtävä {area.name}",
            owner=developer,
            due_on=timezone.localdate() + timedelta(days=30),
            areas=[area],
        )
        instruction = backbone_services.save_instruction(
            title=f"Ohje {area.name}", body="Näin toimitaan.", author=developer, areas=[area]
        )
        # The Kaakkuri bulletin reaches everyone; the Tuira one only Tuira's staff.
        bulletin = backbone_services.publish_bulletin(
            title=f"Tiedote {area.name}",
            body="Tiedote.",
            author=developer,
            areas=[] if name == PART else [area],
        )
        event = backbone_services.create_event(
            kind=EventKind.SEMINAR,
            title=f"Seminaari {area.name}",
            starts_at=timezone.now() + timedelta(days=10),
            ends_at=timezone.now() + timedelta(days=10, hours=3),
            created_by=developer,
            areas=[area],
        )
        learning = learning_services.record_learning(
            by=developer, kind="works", text=f"Oppi {area.name}", area=area
        )
        network_meeting = learning_services.schedule_meeting(
            starts_at=timezone.now() + timedelta(days=5),
            topic=f"Oppimisverkosto {area.name}",
            place="Teams",
            by=users["learning_network"],
        )
        trial = learning_services.save_trial(
            trial=None,
            title=f"Kokeilu {area.name}",
            region=hub_region,
            meeting=network_meeting,
            status="to_test",
            result="",
        )
        world.sides[name] = Side(
            area=area,
            coordinator=coordinator,
            professional=professional,
            contact=request,
            network=network,
            held_meeting=held,
            planned_meeting=planned,
            mother=parent,
            professional_participant=pro,
            family_link=issued.link,
            family_token=issued.token,
            family_code=issued.code,
            feedback_token=feedback_services.token_for(invitation),
            # Kaakkuri: a listed professional; Tuira: a user with no position in the directory.
            person=professional if name == PART else leader,
            team=team,
            team_meeting=team_meeting,
            commitment=commitment,
            task=task,
            instruction=instruction,
            bulletin=bulletin,
            event=event,
            learning=learning,
            network_meeting=network_meeting,
            trial=trial,
            region=hub_region,
            promise=network.promises.get(),
        )
    mail.outbox.clear()
    return world
