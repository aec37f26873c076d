"""The backbone at work in the demo: an action plan, instructions, bulletins, events and trainings.

A newcomer to the demo region sees what the developer worker keeps going: the tasks of the
action plan with their owners and states, the instructions staff follow, bulletins to the areas
and programmes, joint seminars and method trainings with registrations and attendance (which
complete the trainings and feed the trained-staff indicator). Built through the services, once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from audit.roles import Role
from backbone import services as backbone
from backbone.models import ActionPlanTask, EventKind, Method, TaskStatus
from directory.models import Area, Sector
from programmes.models import Programme


def _day(days_from_today: int) -> Any:
    return timezone.localdate() + timedelta(days=days_from_today)


def _moment(days_from_today: int, hour: int) -> datetime:
    day = _day(days_from_today)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def _staff(programme: Programme) -> list[User]:
    return list(
        User.objects.filter(memberships__role=Role.PROFESSIONAL, memberships__programme=programme)
        .distinct()
        .order_by("pk")
    )


def build_backbone(
    areas: dict[str, Area], programmes: dict[str, Programme], developer: User
) -> int:
    """Create the backbone's demo content; returns how many items were made (0 if present)."""
    if ActionPlanTask.objects.exists():
        return 0
    children, working_age = programmes["children-families"], programmes["working-age"]
    kaakkuri, tuira = areas["kaakkuri"], areas["tuira"]
    made = 0

    # The action plan: what the backbone and the teams agreed to do this year.
    tasks = [
        (
            "Verkostotapaamisten fasilitointikoulutus koordinaattoreille",
            -60,
            -20,
            TaskStatus.DONE,
            [children, working_age],
            [],
        ),
        (
            "Koolle kutsuminen kahdessa viikossa: jonon viikkokatsaus tiimeissä",
            -30,
            30,
            TaskStatus.IN_PROGRESS,
            [children],
            [kaakkuri, tuira],
        ),
        (
            "Työkyky ja työllistyminen puheeksi -menetelmä kaikkiin työkykytiimeihin",
            -10,
            90,
            TaskStatus.IN_PROGRESS,
            [working_age],
            [tuira],
        ),
        (
            "Palautteen käsittely johtotiimien kuukausikokouksissa",
            0,
            45,
            TaskStatus.PLANNED,
            [children, working_age],
            [],
        ),
        (
            "Kolmannen sektorin toimijat palveluhakemistoon",
            14,
            120,
            TaskStatus.PLANNED,
            [children],
            [kaakkuri],
        ),
    ]
    for title, starts, due, status, task_programmes, task_areas in tasks:
        backbone.create_task(
            title=title,
            owner=developer,
            starts_on=_day(starts),
            due_on=_day(due),
            status=status,
            description="Toimintasuunnitelman tehtävä; tila päivitetään johtotiimin kokouksessa.",
            areas=task_areas,
            programmes=task_programmes,
        )
        made += 1

    # Instructions staff follow.
    instructions = [
        (
            "Yhteydenoton kirjaaminen",
            "Kirjaa yhteydenotto heti puhelun aikana. Ennen koolle kutsumista ei kirjata nimiä "
            "eikä tunnistetietoja. Sovi soittajan kanssa, kuka kertoo perheelle tai asiakkaalle "
            "ja kysyy suostumuksen.",
            [children, working_age],
        ),
        (
            "Verkostotapaamisen kulku",
            "1. Aloitetaan perheen tai asiakkaan omasta näkemyksestä. 2. Sovitaan yhteinen "
            "tavoite ja mitä 0 ja 10 tarkoittavat. 3. Jokainen lupaa konkreettisen teon "
            "omassa roolissaan. 4. Sovitaan seurantatapaaminen.",
            [children, working_age],
        ),
        (
            "Työkyky ja työllistyminen puheeksi -keskustelun kirjaaminen",
            "Kun olet käynyt keskustelun asiakkaan kanssa omassa työssäsi, kirjaa se etusivun "
            "kortista. Nimiä ei kirjata. Jos laajempaa tukea tarvitaan, tee yhteydenotto "
            "asiakaskoordinaattorille.",
            [working_age],
        ),
    ]
    for title, body, instruction_programmes in instructions:
        backbone.save_instruction(
            title=title, body=body, author=developer, programmes=instruction_programmes
        )
        made += 1

    # Bulletins to the areas and programmes.
    bulletins: list[tuple[str, str, list[Area], list[Programme], list[str]]] = [
        (
            "Uusi palveluhakemisto on käytössä",
            "Palveluhakemistosta löydät alueen palvelut ja niiden perustehtävät. Tarkista oman "
            "palvelusi tiedot ja ilmoita muutokset kehittäjätyöntekijälle.",
            [],
            [],
            [],
        ),
        (
            "Kaakkurin koulun verkostotapaamiset keskiviikkoisin",
            "Koulun neuvotteluhuone 2 on varattu verkostotapaamisille keskiviikkoisin klo 12–16.",
            [kaakkuri],
            [children],
            ["education-culture"],
        ),
        (
            "Työkykytiimin konsultaatioaika Tuirassa",
            "Työkykykoordinaattorit tavoittaa konsultaatiota varten tiistaisin klo 9–11.",
            [tuira],
            [working_age],
            [],
        ),
    ]
    for title, body, bulletin_areas, bulletin_programmes, sector_codes in bulletins:
        backbone.publish_bulletin(
            title=title,
            body=body,
            author=developer,
            areas=bulletin_areas,
            programmes=bulletin_programmes,
            sectors=Sector.objects.filter(code__in=sector_codes),
        )
        made += 1

    # Events: a past LP training with attendance, a past working-age method training, an
    # upcoming joint seminar with registrations.
    trainings = [
        (children, Method.LP, "Lapset puheeksi -menetelmäkoulutus", kaakkuri, -45),
        (
            working_age,
            Method.WORK_ABILITY,
            "Työkyky ja työllistyminen puheeksi -koulutus",
            tuira,
            -30,
        ),
    ]
    for programme, method, title, area, days in trainings:
        # The moments first: the services are told the moment (registered when announced).
        announced, begins, ends, marked = (
            _moment(days - 14, 9),
            _moment(days, 9),
            _moment(days, 15),
            _moment(days, 16),
        )
        event = backbone.create_event(
            kind=EventKind.TRAINING,
            title=title,
            starts_at=begins,
            ends_at=ends,
            created_by=developer,
            description="Menetelmän perusteet, harjoituksia pareittain ja kirjaaminen Arkiin.",
            place="Oulun kaupungintalo, koulutustila",
            capacity=20,
            method=method,
            areas=[area],
            programmes=[programme],
        )
        people = _staff(programme)
        for person in people:
            backbone.register(event, person, now=announced)
        # All but one attended: attending completes the method's training.
        backbone.record_attendance_list(event, people[:-1] or people, developer, now=marked)
        made += 1
    seminar = backbone.create_event(
        kind=EventKind.SEMINAR,
        title="Yhteinen seminaari: yhteisövaikuttavuus arjessa",
        starts_at=_moment(21, 12),
        ends_at=_moment(21, 16),
        created_by=developer,
        description="Alueiden kokemukset, asiakkaiden ja perheiden palaute ja seuraavat askeleet.",
        place="Tuiran hyvinvointikeskus, auditorio",
        capacity=80,
        areas=[kaakkuri, tuira],
        programmes=[children, working_age],
    )
    for person in _staff(children)[:3] + _staff(working_age)[:2]:
        backbone.register(seminar, person)
    return made + 1
