"""The demo region: complete, deterministic, repeatable, and never in production."""

import re
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Membership, User
from audit.roles import Role
from backbone.models import TrainingRecord
from contacts.models import Contact
from demo import oulu
from demo.services import DOMAIN, DemoRefused, ascii_fold, load_demo
from directory.models import (
    Area,
    ContactPoint,
    Location,
    Organisation,
    Position,
    Sector,
    Service,
)
from indicators.models import EnteredValue
from leadership.models import LeadershipTeam
from learning.models import (
    ExportedPackage,
    NetworkMeeting,
    Package,
    Region,
    SharedLearning,
    Trial,
)
from networks.models import Network
from operations.configuration import load_configuration
from programmes.models import Programme

pytestmark = pytest.mark.django_db

MODELS = [Area, Organisation, Service, Location, ContactPoint, User, Membership, Position]
WELL_KNOWN = ["coordinator", "professional", "leader", "developer", "admin"]

# Actors named in the seed documents (000/001: children and families; 004: working-age).
SEED_SERVICES = [
    "päiväkoti",
    "koulu",
    "neuvola",
    "oppilashuolto ja kouluterveydenhuolto",
    "nuorisotyö",
    "mielenterveys- ja päihdepalvelut",
    "vastaanoton lääkärit ja hoitajat",
    "aikuissosiaalityö",
    "perhesosiaalityö",
    "perhetoiminta, vertaistuki ja harrastukset",
    "sosiaalipalvelut",
    "terveyspalvelut",
    "kunnan työllisyyspalvelut",
    "TE-palvelut",
    "työkokeilu- ja työpaikat",
    "sivistys- ja kulttuuripalvelut",
    "oppilaitokset ja koulutuspalvelut",
    "liikunta ja vapaa-aika",
    "yksityiset palveluntuottajat",
    "Kelan etuudet",
    "kuntoutuspalvelut",
    "työeläke",
    "elinkeinopalvelut",
    "erikoissairaanhoito",
    "työterveys",
    "Byströmin Ohjaamo",
    "vakuutusyhtiö",
    "tulevaisuuden sosiaali- ja terveyskeskus",
    "TYP",
    "MT-palvelut",
    "päihdepalvelut",
    "työkykytiimi",
    "PALO-hankkeen asiakaskoordinaattori",
    "seurakunnan perhe- ja diakoniatyö",
]
SEED_ORGANISATIONS = ["Kela", "seurakunnat", "perheyhdistys", "ry", "Oy", "OYS"]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(autouse=True)
def local_dir(settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    settings.PRODUCTION = False
    return tmp_path


def test_the_demo_loads_the_configuration_when_it_is_missing():
    assert not Programme.objects.exists()

    report = load_demo()

    assert report.configuration_loaded
    assert Programme.objects.filter(code__in=[oulu.CHILDREN, oulu.WORKING_AGE]).count() == 2


def test_a_second_load_creates_nothing(local_dir):
    load_configuration()
    first = load_demo()
    before = counts()
    password_hashes = dict(User.objects.values_list("email", "password"))

    second = load_demo()

    assert not first.configuration_loaded
    assert counts() == before
    assert not second.created
    assert second.password == first.password
    assert dict(User.objects.values_list("email", "password")) == password_hashes


def test_the_people_are_the_same_on_every_fresh_load():
    from backbone.models import ActionPlanTask, Bulletin, Instruction, StaffEvent
    from contacts.models import MethodDiscussion

    load_demo()
    first = sorted(User.objects.values_list("email", "full_name", "phone"))
    # The demo's network work refers to the users; a fresh load starts without both.
    Contact.objects.all().delete()
    MethodDiscussion.objects.all().delete()
    for backbone_model in (ActionPlanTask, Instruction, Bulletin, StaffEvent):
        backbone_model.objects.all().delete()
    Network.objects.all().delete()
    EnteredValue.objects.all().delete()
    LeadershipTeam.objects.all().delete()
    TrainingRecord.objects.all().delete()
    for model in (Trial, SharedLearning, ExportedPackage, Package, NetworkMeeting, Region):
        model.objects.all().delete()
    # The security events (roles granted) protect the users and are append-only for the ORM.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_securityevent")
    User.objects.all().delete()

    load_demo()

    assert sorted(User.objects.values_list("email", "full_name", "phone")) == first
    assert len(first) == len(oulu.PEOPLE)


def test_the_well_known_logins_have_their_roles():
    load_demo()

    def user(login):
        return User.objects.get(email=f"{login}@{DOMAIN}")

    coordinator = user("coordinator").memberships.get()
    assert coordinator.role == Role.COORDINATOR
    assert coordinator.area.code == "kaakkuri"
    assert coordinator.programme.code == oulu.CHILDREN
    assert user("professional").memberships.get().role == Role.PROFESSIONAL
    assert user("professional").positions.get().title == "Koulukuraattori"
    assert user("leader").memberships.get().role == Role.LEADERSHIP_MEMBER
    assert user("developer").memberships.get().role == Role.DEVELOPER_WORKER
    admin = user("admin")
    assert admin.is_administrator
    assert not admin.is_staff
    assert not admin.is_superuser
    assert admin.memberships.get().role == Role.ADMINISTRATOR


def test_every_role_and_area_has_people():
    load_demo()
    for role in Role.values:
        assert Membership.objects.filter(role=role).exists(), role
    for area in ("kaakkuri", "tuira"):
        for role in (Role.COORDINATOR, Role.PROFESSIONAL, Role.LEADERSHIP_MEMBER):
            assert Membership.objects.filter(
                role=role, area__code=area, programme__code=oulu.CHILDREN
            ).exists(), (area, role)
    assert Membership.objects.filter(
        role=Role.COORDINATOR, programme__code=oulu.WORKING_AGE
    ).exists()
    titles = set(Position.objects.values_list("title", flat=True))
    assert {
        "Luokanopettaja",
        "Koulukuraattori",
        "Terveydenhoitaja",
        "Varhaiskasvatuksen opettaja",
        "Sosiaalityöntekijä",
        "Nuoriso-ohjaaja",
        "Työllisyysasiantuntija",
        "Työkykykoordinaattori",
        "Asiakaskoordinaattori",
    } <= titles


def test_demo_emails_are_plain_ascii():
    load_demo()
    for email in User.objects.values_list("email", flat=True):
        assert re.fullmatch(rf"[a-z0-9.-]+@{re.escape(DOMAIN)}", email), email


def test_ascii_fold():
    assert ascii_fold("Mäkelä") == "makela"
    assert ascii_fold("Öhman") == "ohman"
    assert ascii_fold("Åberg") == "aberg"
    assert ascii_fold("Anna Liisa") == "anna-liisa"


def test_the_password_is_generated_once_and_kept_private(local_dir):
    report = load_demo()
    path = local_dir / "demo_password"

    assert path.read_text().strip() == report.password
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(report.password) >= 12
    assert User.objects.get(email=f"coordinator@{DOMAIN}").check_password(report.password)
    assert load_demo().password == report.password


def test_users_get_the_kept_password_if_it_changes(local_dir):
    load_demo()
    (local_dir / "demo_password").write_text("a-new-demo-password\n")

    load_demo()

    assert User.objects.get(email=f"admin@{DOMAIN}").check_password("a-new-demo-password")


def test_the_demo_refuses_to_run_in_production(settings, local_dir):
    settings.PRODUCTION = True

    with pytest.raises(DemoRefused):
        load_demo()
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")

    assert all(count == 0 for count in counts().values())
    assert not Programme.objects.exists()
    assert not (local_dir / "demo_password").exists()


def test_every_actor_of_the_seeds_is_in_the_directory():
    load_demo()
    names = [name.lower() for name in Service.objects.values_list("name", flat=True)]
    missing = [actor for actor in SEED_SERVICES if not any(actor.lower() in n for n in names)]
    assert not missing
    for organisation in SEED_ORGANISATIONS:
        assert Organisation.objects.filter(name__contains=organisation).exists(), organisation
    assert Service.objects.filter(name__endswith="päiväkoti", areas__code="kaakkuri").count() >= 2
    assert Service.objects.filter(name__endswith="päiväkoti", areas__code="tuira").count() >= 2


def test_every_service_is_complete():
    load_demo()
    for service in Service.objects.prefetch_related("areas", "programmes", "locations"):
        assert service.basic_task, service
        assert service.areas.exists(), service
        assert service.programmes.exists(), service
        assert re.fullmatch(r"08 5584 \d{4}", service.phone), service.phone
        location = service.locations.get()
        assert location.city == "Oulu"
        assert 90100 <= int(location.postal_code) <= 90650, location.postal_code
        assert location.address


def test_services_serve_both_programmes_and_every_sector_has_actors():
    load_demo()
    for programme in (oulu.CHILDREN, oulu.WORKING_AGE):
        for area in ("kaakkuri", "tuira"):
            assert (
                Service.objects.filter(programmes__code=programme, areas__code=area).count() >= 10
            )
    for sector in Sector.objects.all():
        assert sector.organisations.exists(), sector.code


def test_every_area_has_a_contact_point_per_programme():
    load_demo()
    for area in Area.objects.all():
        for programme in Programme.objects.filter(is_active=True):
            point = ContactPoint.objects.get(area=area, programme=programme)
            assert re.fullmatch(r"08 5584 \d{4}", point.phone)
            assert point.service is not None
    kaakkuri = ContactPoint.objects.get(area__code="kaakkuri", programme__code=oulu.CHILDREN)
    assert kaakkuri.name == "Perhesosiaalityön ohjaus ja neuvonta – Kaakkuri"
    assert kaakkuri.service is not None
    assert kaakkuri.service.name == "Kaakkurin perhesosiaalityö"


def test_the_areas_follow_the_seeds():
    load_demo()
    tuira = Area.objects.get(code="tuira")
    kaakkuri = Area.objects.get(code="kaakkuri")
    assert tuira.population == 60000
    assert "60 000" in tuira.description
    assert kaakkuri.municipality == tuira.municipality == "Oulu"
    assert "ynteettinen" in kaakkuri.description
    assert kaakkuri.child_population is not None
    assert kaakkuri.population is not None
    assert 0 < kaakkuri.child_population < kaakkuri.population


def test_the_command_prints_the_sign_ins(local_dir):
    out = StringIO()
    call_command("load_demo", stdout=out)
    password = (local_dir / "demo_password").read_text().strip()
    for login in WELL_KNOWN:
        assert f"Demo sign-in: {login}@{DOMAIN} / {password}" in out.getvalue()


def test_the_demo_has_network_work_at_every_stage():
    from contacts.selectors import coordinator_queue
    from networks.deadlines import DeadlineState
    from networks.models import NetworkStatus

    load_demo()
    coordinator = User.objects.get(email=f"coordinator@{DOMAIN}")
    queue = coordinator_queue(coordinator)
    assert len(queue.new_contacts) == 2
    states = {item.status.state for item in queue.waiting}
    assert states == {DeadlineState.ON_TIME, DeadlineState.WARNING, DeadlineState.OVERDUE}
    active = Network.objects.filter(status=NetworkStatus.ACTIVE)
    assert active.filter(programme__code=oulu.CHILDREN).count() == 5
    for network in Network.objects.filter(programme__code=oulu.WORKING_AGE):
        # The client takes part in their own network, and an own worker walks alongside.
        assert network.participants.filter(kind__is_subject=True).count() == 1
        assert network.participants.filter(is_own_worker=True).exists()


def test_the_demo_has_working_age_work_from_contact_to_closing():
    from contacts.models import Contact, Source
    from indicators.models import Event, EventKind
    from networks.models import NetworkStatus

    load_demo()
    working_age = Network.objects.filter(programme__code=oulu.WORKING_AGE)
    closed = working_age.filter(status=NetworkStatus.CLOSED)
    assert closed.count() == 5
    assert all(network.closing_outcome is not None for network in closed)
    assert all(network.self_rating_at_close is not None for network in closed)
    assert working_age.filter(status=NetworkStatus.ACTIVE).count() == 1
    public = Contact.objects.filter(programme__code=oulu.WORKING_AGE, source=Source.PUBLIC)
    assert public.count() == 3 and public.filter(network__isnull=True).count() == 1
    ratings = Event.objects.filter(kind=EventKind.SELF_RATED)
    assert ratings.filter(outcome="start").count() == ratings.filter(outcome="close").count() == 5
    assert Event.objects.filter(kind=EventKind.OUTCOME_AT_CLOSING).count() == 5
    assert (
        Event.objects.filter(
            kind=EventKind.LP_DISCUSSION_HELD, programme__code=oulu.WORKING_AGE
        ).count()
        == 4
    )


def test_the_demo_counts_the_overdue_network_as_not_convened_in_time():
    """Issue #17: the overdue demo network left "convened within 14 days" at 100 %."""
    from django.utils import timezone

    from indicators.computations import REGISTRY
    from indicators.models import Event, EventKind
    from indicators.periods import period_containing
    from networks.models import NetworkStatus
    from programmes.models import Programme

    load_demo()
    overdue = Network.objects.filter(
        status=NetworkStatus.CONVENING, convening_deadline__lt=timezone.localdate()
    ).first()
    assert overdue is not None and overdue.deadline_recorded
    late = Event.objects.filter(kind=EventKind.CONVENING_DEADLINE, outcome="late")
    assert late.filter(area=overdue.area, programme=overdue.programme).exists()
    period = period_containing(overdue.convening_deadline, "monthly")
    children = Programme.objects.get(code=oulu.CHILDREN)
    figure = REGISTRY["convened_within_deadline"](children, [overdue.area_id], [period])[
        (overdue.area_id, period.code)
    ]
    assert figure.base and figure.value is not None and figure.value < 100


def test_the_demo_shows_the_backbone_at_work():
    """Issue #18: a newcomer sees an action plan, instructions, bulletins, events and trainings."""
    from backbone.models import (
        ActionPlanTask,
        Bulletin,
        Instruction,
        Method,
        Registration,
        StaffEvent,
        TaskStatus,
        TrainingRecord,
    )

    load_demo()
    assert set(ActionPlanTask.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    assert Instruction.objects.count() == 3
    assert Bulletin.objects.count() >= 3
    assert StaffEvent.objects.filter(starts_at__gt=timezone.now()).exists()
    assert Registration.objects.filter(attended=True).exists()
    # Attending a method training completed it; working-age staff are trained in their method.
    assert TrainingRecord.objects.filter(event__isnull=False, method=Method.LP).exists()
    assert TrainingRecord.objects.filter(method=Method.WORK_ABILITY).exists()
    load_demo()  # built once
    assert ActionPlanTask.objects.count() == 5
