"""Issue #16: no children's wording on any working-age page, in Finnish, Swedish or English.

A whole working-age case is built through the services: the client contacts the number through
the public form, the customer coordinator convenes with the client's own worker and adds the
work-ability coordinator, the first meeting is recorded with the client's goal, own rating and
a promise each, the follow-up reviews the promises and the work is closed with an outcome and
the client's own rating. A second network stays open for the pages that need one, and a third
contact waits in the queue to be convened.

Then every working-age page is opened as its users see it, in each language, and its visible
text (text nodes only: no tags, scripts, styles or attribute values) is searched for the
children's terms. Every name and text typed into the case is chosen free of those terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.roles import Role
from contacts import services as contact_services
from contacts.models import Consent, ContactedBy, Source
from directory.models import Organisation, Position, Sector, Service
from family import services as family_services
from feedback import services as feedback_services
from feedback.models import FeedbackInvitation
from leadership.models import LeadershipTeam, TeamMember
from meetings.models import PromiseStatus
from meetings.services import (
    NewGoal,
    NewPromise,
    RecordInput,
    Review,
    close_network,
    save_meeting_record,
)
from networks import services as network_services
from networks.models import ClosingReason
from programmes.models import Programme

pytestmark = pytest.mark.django_db

LANGUAGES = ("fi", "sv", "en")

# The children's terms: a word or the start of a word (r"\bperhe" catches "perheen").
# "koulu" leaves out "koulutus" (education and skills, a working-age life area and outcome) and
# "koulutettu"/"kouluttaa" (trained, to train: the method's trained-staff indicator).
CHILDRENS_TERMS: dict[str, list[str]] = {
    "fi": [
        "perhe",
        "lapsi",
        "lapse",
        "lasten",
        "lapset",
        "huoltaja",
        "vanhem",
        "koulu(?!tu|te|tt)",
        "päiväkoti",
        "lastensuojelu",
        "Lapset puheeksi",
    ],
    "sv": ["familj", "barn", "vårdnadshavare", "förälder", "föräldrar", "skola"],
    "en": ["family", "families", "child", "children", "parent", "guardian", "school"],
}
PATTERNS = [
    (language, term, re.compile(rf"\b{term}", re.IGNORECASE))
    for language, terms in CHILDRENS_TERMS.items()
    for term in terms
]

# The case's own data, free of every term above.
CLIENT_NAME = "Ville Mäkinen"
SECOND_CLIENT = "Sanna Rantala"
CONCERN = "Työkyky on heikentynyt, toivon tukea työllistymiseen."


class VisibleText(HTMLParser):
    """The text nodes of a page, outside scripts, styles and templates."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return " | ".join(parser.parts)


def childrens_terms_in(text: str) -> list[str]:
    """Each children's term found, with the words around it."""
    found = []
    for language, term, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 60), min(len(text), match.end() + 60)
            found.append(f"[{language}] {term!r}: …{text[start:end]}…")
    return found


# --- The case --------------------------------------------------------------------------------


@dataclass
class Case:
    programme: Any
    coordinator: Any
    own_worker: Any
    work_ability_coordinator: Any
    leader: Any
    closed: Any  # the whole journey, closed with an outcome
    closed_contact: Any
    first_meeting: Any
    follow_up: Any
    open: Any  # a second client's network, still open
    open_meeting: Any  # held, with goals and open promises
    planned: Any  # its next meeting
    pending: Any  # a third contact, waiting to be convened
    family_token: str = ""
    family_code: str = ""
    feedback_token: str = ""
    team: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def staff(email: str, full_name: str, title: str, service: Service, **membership: Any) -> Any:
    user = UserFactory(email=email, full_name=full_name)
    Membership.objects.create(user=user, **membership)
    Position.objects.create(user=user, service=service, title=title)
    return user


def held_now(meeting: Any, hours_ago: int = 2) -> Any:
    """A meeting scheduled ahead, moved to have taken place (a record needs a past meeting)."""
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=hours_ago),
        ends_at=timezone.now() - timedelta(hours=hours_ago - 1),
    )
    meeting.refresh_from_db()
    return meeting


def schedule(network: Any, by: Any, days: int = 1) -> Any:
    starts = timezone.now() + timedelta(days=days)
    return network_services.schedule_meeting(
        network=network,
        by=by,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="Työllisyyspalvelut, neuvotteluhuone",
    )


def convened(contact: Any, coordinator: Any, own_worker: Any, name: str) -> Any:
    return contact_services.convene(
        contact=contact,
        by=coordinator,
        expected_version=contact.version,
        subject_name=name,
        subject_birth_date=None,
        own_worker=own_worker,
    )


def first_record(network: Any, meeting: Any, coordinator: Any, own_worker_p: Any, wac_p: Any):
    client = network.participants.get(kind__is_subject=True)
    due = timezone.localdate() + timedelta(days=14)
    return save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            present=[client, own_worker_p, wac_p],
            family_view="Haluan takaisin työelämään, mutta jaksaminen on vaihtelevaa.",
            common_goal="Työkokeilu alkaa syksyllä",
            protective_factors="Hyvä ystäväpiiri ja liikunta",
            self_rating=4,
            new_goals=[NewGoal("client", "Työkokeilu kolmena päivänä viikossa", 3)],
            new_promises=[
                NewPromise(client, "Käyn työkykyarviossa", due),
                NewPromise(own_worker_p, "Varaan ajan työkykyarvioon", due),
                NewPromise(wac_p, "Selvitän kuntoutuksen vaihtoehdot", due),
            ],
        ),
    )


@pytest.fixture
def case(working_age, kaakkuri, settings) -> Case:
    settings.ARKI_PUBLIC_CONTACT_MIN_SECONDS = 0
    programme = working_age
    sector = Sector.objects.get(code="social-health")
    organisation = Organisation.objects.create(name="Oulun kaupunki", sector=sector)
    service = Service.objects.create(organisation=organisation, name="Oulun työllisyyspalvelut")
    service.areas.set([kaakkuri])
    coordinator = staff(
        "aila.asiakaskoordinaattori@example.fi",
        "Aila Asiakaskoordinaattori",
        "Asiakaskoordinaattori",
        service,
        role=Role.COORDINATOR,
        area=kaakkuri,
        programme=programme,
    )
    own_worker = staff(
        "outi.ohjaaja@example.fi",
        "Outi Ohjaaja",
        "Sosiaaliohjaaja",
        service,
        role=Role.PROFESSIONAL,
        area=kaakkuri,
        programme=programme,
    )
    wac = staff(
        "tero.tyokyky@example.fi",
        "Tero Työkyky",
        "Työkykykoordinaattori",
        service,
        role=Role.PROFESSIONAL,
        area=kaakkuri,
        programme=programme,
    )
    leader = UserFactory(email="jaana.johtaja@example.fi", full_name="Jaana Johtaja")
    Membership.objects.create(user=leader, role=Role.LEADERSHIP_MEMBER)

    # 1. The client contacts the number through the public form about themself.
    contact, _created = contact_services.record_public_contact(
        data={
            "area": kaakkuri,
            "programme": programme,
            "contacted_by": ContactedBy.CLIENT,
            "concern": CONCERN,
            "contact_person_name": CLIENT_NAME,
            "contact_person_phone": "040 123 4567",
        }
    )
    assert contact.source == Source.PUBLIC
    # 2. The coordinator calls back: the client agrees to the network work.
    contact = contact_services.update_contact(
        contact=contact,
        by=coordinator,
        expected_version=contact.version,
        data={
            **{name: getattr(contact, name) for name in contact_services.CONTACT_FIELDS},
            "consent": Consent.AGREES,
        },
        concern_categories=list(programme.concern_categories.filter(code="work-ability")),
        age_bands=list(programme.age_bands.filter(code="30-49")),
    )
    # 3. Convened with the own worker; the work-ability coordinator is added.
    network = convened(contact, coordinator, own_worker, CLIENT_NAME)
    own_worker_p = network.participants.get(is_own_worker=True)
    wac_p = network_services.add_participant(
        network=network,
        by=coordinator,
        kind=network_services.professional_kind(network),
        role=network_services.role(programme, "work-ability-coordinator"),
        user=wac,
    )
    client_p = network.participants.get(kind__is_subject=True)
    # 4. The first meeting: the client's goal, own rating and a promise each.
    first = held_now(schedule(network, coordinator))
    first_record(network, first, coordinator, own_worker_p, wac_p)
    invitation = FeedbackInvitation.objects.filter(participant=client_p).first()
    assert invitation is not None, "the client gets no feedback survey of the meeting"
    # 5. The follow-up reviews the promises; then the work is closed with an outcome.
    follow_up = held_now(schedule(network, coordinator), hours_ago=1)
    goal = network.goals.get()
    save_meeting_record(
        meeting=follow_up,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            present=[client_p, own_worker_p, wac_p],
            family_view="Työkokeilu on sovittu, olo on toiveikas.",
            self_rating=6,
            ratings={goal.pk: 6},
            reviews=[
                Review(promise, PromiseStatus.KEPT)
                for promise in network.promises.filter(status=PromiseStatus.OPEN)
            ],
        ),
    )
    close_network(
        network=network,
        by=coordinator,
        reason=ClosingReason.GOAL_REACHED,
        summary="Työkokeilu alkoi, tuki jatkuu työllisyyspalveluissa.",
        outcome=programme.closing_outcomes.get(code="work"),
        self_rating=7,
    )

    # A second client's network stays open: one held meeting with open promises, one planned.
    second, _created = contact_services.record_contact(
        recorded_by=coordinator,
        source=Source.COORDINATOR,
        data={
            "channel": "phone",
            "area": kaakkuri,
            "programme": programme,
            "contacted_by": ContactedBy.CLIENT,
            "contact_person_name": SECOND_CLIENT,
            "concern": "Pitkä työttömyys, toivon apua työnhakuun.",
            "consent": Consent.AGREES,
        },
    )
    open_network = convened(second, coordinator, own_worker, SECOND_CLIENT)
    open_wac = network_services.add_participant(
        network=open_network,
        by=coordinator,
        kind=network_services.professional_kind(open_network),
        role=network_services.role(programme, "work-ability-coordinator"),
        user=wac,
    )
    open_meeting = held_now(schedule(open_network, coordinator))
    first_record(
        open_network,
        open_meeting,
        coordinator,
        open_network.participants.get(is_own_worker=True),
        open_wac,
    )
    planned = schedule(open_network, coordinator, days=10)
    # The client's own link to the plan (a closed network's links end with it).
    issued = family_services.create_link(
        participant=open_network.participants.get(kind__is_subject=True), by=coordinator
    )

    # A third contact waits in the queue.
    pending, _created = contact_services.record_contact(
        recorded_by=coordinator,
        source=Source.COORDINATOR,
        data={
            "channel": "phone",
            "area": kaakkuri,
            "programme": programme,
            "contacted_by": ContactedBy.CLIENT,
            "contact_person_name": "Matti Laine",
            "concern": "Toimeentulo ja asuminen huolettavat.",
            "consent": Consent.AGREES,
        },
    )

    team = LeadershipTeam.objects.create(
        name="Kaakkurin työikäisten johtotiimi",
        area=kaakkuri,
        programme=programme,
        common_goal="Työkyky ja työllistyminen paranevat",
        week_of_month=1,
        weekday=1,
        meeting_time=time(14),
        place="Kaupungintalo",
    )
    TeamMember.objects.create(team=team, user=leader, sector=sector)
    mail.outbox.clear()
    return Case(
        programme=programme,
        coordinator=coordinator,
        own_worker=own_worker,
        work_ability_coordinator=wac,
        leader=leader,
        closed=network,
        closed_contact=contact,
        first_meeting=first,
        follow_up=follow_up,
        open=open_network,
        open_meeting=open_meeting,
        planned=planned,
        pending=pending,
        family_token=issued.token,
        family_code=issued.code,
        feedback_token=feedback_services.token_for(invitation),
        team=team,
    )


# --- The pages -------------------------------------------------------------------------------


def signed_in(user: Any, language: str) -> Client:
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    browser.cookies["django_language"] = language
    if user is not None:
        browser.force_login(user)
    return browser


# Each page: who opens it and where. A callable url may sign in another way (family link).
# Not walked: the public "Ota yhteyttä" form, the one entry point of every programme, where the
# person first chooses whom the contact is about (a child or family, or an adult themself).
PAGES: dict[str, tuple[str, Any]] = {
    "home (customer coordinator)": ("coordinator", lambda c: reverse("home:home")),
    "home (own worker)": ("own_worker", lambda c: reverse("home:home")),
    "queue": ("coordinator", lambda c: reverse("contacts:queue")),
    "contact detail (public, convened)": (
        "coordinator",
        lambda c: reverse("contacts:detail", args=[c.closed_contact.pk]),
    ),
    "contact detail (pending)": (
        "coordinator",
        lambda c: reverse("contacts:detail", args=[c.pending.pk]),
    ),
    "convene page": ("coordinator", lambda c: reverse("contacts:convene", args=[c.pending.pk])),
    "new contact form": ("coordinator", lambda c: reverse("contacts:new")),
    "network detail (closed)": (
        "coordinator",
        lambda c: reverse("networks:detail", args=[c.closed.pk]),
    ),
    "network detail (open)": (
        "coordinator",
        lambda c: reverse("networks:detail", args=[c.open.pk]),
    ),
    "network detail (own worker)": (
        "own_worker",
        lambda c: reverse("networks:detail", args=[c.open.pk]),
    ),
    "participants page": (
        "coordinator",
        lambda c: reverse("networks:add_participant", args=[c.open.pk]),
    ),
    "consents page": ("coordinator", lambda c: reverse("networks:consents", args=[c.open.pk])),
    "schedule meeting page": (
        "coordinator",
        lambda c: reverse("networks:schedule_meeting", args=[c.open.pk]),
    ),
    "meeting record page (open network)": (
        "coordinator",
        lambda c: reverse("meetings:record", args=[c.open_meeting.pk]),
    ),
    "meeting record page (follow-up)": (
        "coordinator",
        lambda c: reverse("meetings:record", args=[c.follow_up.pk]),
    ),
    "memo page (first meeting)": (
        "coordinator",
        lambda c: reverse("meetings:memo", args=[c.first_meeting.pk]),
    ),
    "memo page (open network)": (
        "own_worker",
        lambda c: reverse("meetings:memo", args=[c.open_meeting.pk]),
    ),
    "printable invitation": (
        "coordinator",
        lambda c: reverse("networks:family_invitation", args=[c.open.pk, c.planned.pk]),
    ),
    "close page (open network)": (
        "coordinator",
        lambda c: reverse("meetings:close", args=[c.open.pk]),
    ),
    "my promises (own worker)": ("own_worker", lambda c: reverse("meetings:my_promises")),
    "my promises (work-ability coordinator)": (
        "work_ability_coordinator",
        lambda c: reverse("meetings:my_promises"),
    ),
    "client's own plan (family link)": ("family_link", None),
    "client's feedback survey": (
        "anonymous",
        lambda c: reverse("feedback:answer", args=[c.feedback_token]),
    ),
    "indicators overview (working-age)": (
        "coordinator",
        lambda c: reverse("indicators:dashboard") + f"?programme={c.programme.pk}",
    ),
    "indicators overview (leadership, working-age)": (
        "leader",
        lambda c: reverse("indicators:dashboard") + f"?programme={c.programme.pk}",
    ),
    "feedback results (working-age)": (
        "leader",
        lambda c: reverse("feedback:results") + f"?programme={c.programme.pk}",
    ),
    "leadership team page": ("leader", lambda c: reverse("leadership:team", args=[c.team.pk])),
    "directory search": ("coordinator", lambda c: reverse("directory:search") + "?q=Ohjaaja"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", list(PAGES))
def test_no_childrens_wording_on_a_working_age_page(case, page, language):
    who, where = PAGES[page]
    if who == "family_link":
        browser = signed_in(None, language)
        url = reverse("family:plan", args=[case.family_token])
        assert browser.get(url).status_code == 200
        response = browser.post(url, {"code": case.family_code}, follow=True)
        assert SECOND_CLIENT in response.content.decode(), "the code did not open the plan"
    else:
        user = None if who == "anonymous" else getattr(case, who)
        browser = signed_in(user, language)
        response = browser.get(where(case), follow=True)
    assert response.status_code == 200, f"{page} ({language}): {response.status_code}"
    assert response.headers["Content-Type"].startswith("text/html")
    text = visible_text(response.content.decode())
    # Another programme's name in a programme selector is a choice, not this page's wording.
    for other in Programme.objects.exclude(pk=case.programme.pk):
        for name in (other.name_fi, other.name_sv, other.name_en):
            text = text.replace(name, "") if name else text
    found = childrens_terms_in(text)
    assert not found, f"{page} ({language}): children's wording\n" + "\n".join(found)


# --- The learning hub ------------------------------------------------------------------------


def hub_figure(programme: str, indicator: str, value: int, name: str) -> dict[str, Any]:
    return {
        "programme": programme,
        "population": "children" if programme == "children-families" else "inhabitants",
        "indicator": indicator,
        "name": {"fi": name, "sv": "", "en": ""},
        "unit": "count",
        "person_count": True,
        "area": "kaakkuri",
        "area_name": "Kaakkuri",
        "period": "2026-10",
        "value": value,
        "hidden": False,
        "note": "",
    }


def test_the_hub_compares_working_age_figures_only_with_working_age_figures(
    configuration, settings, tmp_path
):
    from nacl.signing import SigningKey

    from learning import package, selectors
    from learning import services as learning_services

    settings.LOCAL_DIR = tmp_path
    key = SigningKey(b"w" * 32)
    learning_services.register_region(
        code="oulu", name="Oulu", public_key=package.public_key_text(key)
    )
    learning_services.receive_package(
        package.seal(
            {
                "format_version": 1,
                "region": {"code": "oulu", "name": "Oulu"},
                "version": 1,
                "created_at": "2026-11-30T12:00:00+02:00",
                "figures": [
                    hub_figure("children-families", "networks-opened", 12, "Avatut verkostot"),
                    hub_figure("working-age", "networks-opened", 34, "Avatut verkostot"),
                    hub_figure(
                        "children-families",
                        "child-protection-clients",
                        56,
                        "Lastensuojelun asiakkuudet",
                    ),
                ],
                "populations": [
                    {"area": "kaakkuri", "area_name": "Kaakkuri", "children": 4000},
                ],
                "learnings": [],
            },
            key,
        )
    )
    working_age_choices = [
        choice for choice in selectors.indicator_choices() if choice.code.startswith("working-age:")
    ]
    assert [choice.code for choice in working_age_choices] == ["working-age:networks-opened"]
    result = selectors.comparison("working-age:networks-opened", "2026-10")
    assert [row.value for row in result.rows] == [34]
    assert result.population == "inhabitants"  # per 1,000 inhabitants, not per 1,000 children
    browser = signed_in(UserFactory(roles=[Role.LEARNING_NETWORK]), "fi")
    page = browser.get(
        reverse("learning:compare"),
        {"indicator": "working-age:networks-opened", "period": "2026-10"},
    )
    assert page.status_code == 200
    shown = visible_text(page.content.decode())
    # The comparison table of the working-age figure holds only its own value.
    table = shown[shown.find("Kaakkuri") :]
    assert "34" in table and "56" not in table, table[:400]
