"""Demo network work: contacts, networks and meetings at every stage, built through the services.

Times are relative to today, so the coordinator's queue always shows networks on time, in the
warning days and overdue. Built once: skipped when the demo areas already have contacts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from audit.roles import Role
from contacts import services as contacts
from contacts.models import Consent, Contact, ContactedBy, LegalGround, Source
from directory.models import Area
from feedback import services as feedback
from feedback.models import FeedbackInvitation
from meetings import services as meetings
from networks import services as networks
from networks.models import Network
from programmes.models import ParticipantKind, Programme


def _morning(days_ago: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 15))


def _user(service_key_title: str) -> User:
    return User.objects.filter(positions__title=service_key_title).order_by("pk")[0]


def _coordinator(area: Area, programme: Programme) -> User:
    return User.objects.filter(
        memberships__role=Role.COORDINATOR,
        memberships__area=area,
        memberships__programme=programme,
    ).order_by("pk")[0]


def _family_kind(programme: Programme, code: str) -> ParticipantKind:
    return programme.participant_kinds.get(code=code)


def build_network_work(areas: dict[str, Area], programmes: dict[str, Programme]) -> int:
    """Create the demo's contacts and networks; returns how many contacts were made."""
    if Contact.objects.filter(area__in=areas.values()).exists():
        return 0
    children = programmes["children-families"]
    kaakkuri, tuira = areas["kaakkuri"], areas["tuira"]
    coordinator = _coordinator(kaakkuri, children)
    curator = User.objects.get(email="professional@demo.arki.invalid")
    teacher = _user("Luokanopettaja")
    nurse = _user("Terveydenhoitaja")
    made = 0

    def contact(area: Area, programme: Programme, by: User, days_ago: int, **data: Any) -> Contact:
        nonlocal made
        base: dict[str, Any] = {
            "channel": "phone",
            "area": area,
            "programme": programme,
            "contacted_by": ContactedBy.PROFESSIONAL,
            "contact_person": curator,
            "consent": Consent.AGREES,
            "lp_discussion": "held",
        }
        base.update(data)
        categories = programme.concern_categories.filter(is_active=True).order_by("order")[:1]
        created, _new = contacts.record_contact(
            recorded_by=by,
            source=Source.COORDINATOR,
            data=base,
            concern_categories=categories,
            now=_morning(days_ago),
        )
        made += 1
        return created

    # New contacts waiting for an outcome.
    contact(
        kaakkuri, children, coordinator, 0, concern="Lapsen poissaolot lisääntyneet syksyn aikana."
    )
    contacts.record_contact(
        recorded_by=curator,
        source=Source.REQUEST,
        data={
            "channel": "web",
            "area": kaakkuri,
            "programme": children,
            "concern": "Perheen elämäntilanne muuttunut: vanhempien ero, nuori vetäytyy.",
            "consent": Consent.AGREES,
            "lp_discussion": "held",
        },
        now=_morning(1, 14),
    )
    made += 1
    # Advice and consultation only.
    advised = contact(
        kaakkuri, children, coordinator, 6, concern="Vanhempi kysyi tukea arjen rytmiin."
    )
    contacts.give_advice(
        contact=advised,
        by=coordinator,
        expected_version=advised.version,
        advice="Ohjattiin perheneuvolaan ja kerrottiin MLL:n perhekahvilasta.",
        now=_morning(6, 11),
    )

    # Networks at different stages of convening.
    def convened(days_ago: int, name: str, area: Area = kaakkuri, **data: Any) -> Network:
        opened = contact(
            area, children, coordinator, days_ago, concern="Huoli lapsen arjesta.", **data
        )
        return contacts.convene(
            contact=opened,
            by=coordinator,
            expected_version=opened.version,
            subject_name=name,
            subject_birth_date=None,
            now=_morning(days_ago, 13),
        )

    on_time = convened(3, "Eeli Demo")
    networks.add_participant(
        network=on_time, by=coordinator, kind=networks.professional_kind(on_time), user=teacher
    )
    networks.add_participant(
        network=on_time,
        by=coordinator,
        kind=_family_kind(children, "parent"),
        name="Maija Demo",
        relation="äiti",
    )
    networks.add_participant(
        network=on_time,
        by=coordinator,
        kind=_family_kind(children, "everyday-adult"),
        name="Pekka Valmentaja",
        relation="jalkapallovalmentaja",
    )
    starts = _morning(-4, 10)
    networks.schedule_meeting(
        network=on_time,
        by=coordinator,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30),
        place="Kaakkurin koulu, neuvotteluhuone 2",
        now=_morning(3, 14),
    )
    convened(11, "Aada Demo")
    convened(
        16,
        "Onni Demo",
        consent=Consent.NO_CONSENT,
        legal_ground=LegalGround.SHL_35_NEED,
        no_consent_reasons="Lapsen tilanne vaatii välitöntä tukea; vanhempi ei tavoitettavissa.",
    )

    # A network already working: first meeting held, follow-up planned.
    working = convened(40, "Venla Demo")
    networks.add_participant(
        network=working, by=coordinator, kind=networks.professional_kind(working), user=nurse
    )
    first = _morning(30, 13)
    meeting = networks.schedule_meeting(
        network=working,
        by=coordinator,
        starts_at=first,
        ends_at=first + timedelta(hours=1),
        place="Tuiran hyvinvointikeskus",
        now=_morning(40, 14),
    )
    mother = networks.add_participant(
        network=working,
        by=coordinator,
        kind=_family_kind(children, "parent"),
        name="Sanna Demo",
        relation="äiti",
    )
    nurse_participant = working.participants.get(user=nurse)
    meetings.save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=meetings.RecordInput(
            present=list(working.participants.all()),
            family_view="Iltaisin on vaikea rauhoittua, ja aamuisin väsyttää.",
            child_views={
                child.pk: "Haluaisin nukkua paremmin ja jaksaa harrastaa."
                for child in working.children.all()[:1]
            },
            common_goal="Venlan toimiva arki kotona, koulussa ja vapaa-ajalla",
            protective_factors="Läheinen mummo, ratsastusharrastus, hyvä ystävä luokalla",
            new_goals=[
                meetings.NewGoal(
                    "child", "Nukkumaan klo 21 arkisin", 3, "0 = ei koskaan, 10 = joka ilta"
                ),
                meetings.NewGoal("parents", "Rauhalliset illat", 4),
            ],
            new_promises=[
                meetings.NewPromise(
                    nurse_participant,
                    "Uniohjaus perheelle kaksi kertaa",
                    first.date() + timedelta(days=21),
                ),
                meetings.NewPromise(
                    mother,
                    "Iltarutiini ilman ruutuja klo 20 jälkeen",
                    first.date() + timedelta(days=21),
                ),
            ],
        ),
        now=first + timedelta(hours=2),
    )
    # 20 days after the first meeting (computed on the first meeting's day, as it always was).
    follow_up = first + timedelta(days=20)
    networks.schedule_meeting(
        network=working,
        by=coordinator,
        starts_at=follow_up,
        ends_at=follow_up + timedelta(hours=1),
        place="Tuiran hyvinvointikeskus",
        now=first + timedelta(hours=2),
    )

    # Earlier networks in Tuira with held meetings and answered feedback, for the results page.
    tuira_coordinator = _coordinator(tuira, children)
    social_worker = _user("Sosiaalityöntekijä")
    youth_worker = _user("Nuoriso-ohjaaja")
    for index in range(4):
        days_ago = 70 - index * 8
        opened = contact(
            tuira, children, tuira_coordinator, days_ago, concern="Huoli nuoren jaksamisesta."
        )
        past = contacts.convene(
            contact=opened,
            by=tuira_coordinator,
            expected_version=opened.version,
            subject_name=f"Nuori Demo {index + 1}",
            subject_birth_date=None,
            now=_morning(days_ago, 13),
        )
        for user in (nurse, social_worker, youth_worker):
            if not past.participants.filter(user=user).exists():
                networks.add_participant(
                    network=past,
                    by=tuira_coordinator,
                    kind=networks.professional_kind(past),
                    user=user,
                )
        networks.add_participant(
            network=past,
            by=tuira_coordinator,
            kind=_family_kind(children, "parent"),
            name=f"Vanhempi Demo {index + 1}",
            relation="vanhempi",
        )
        held_at = _morning(days_ago - 9, 14)
        past_meeting = networks.schedule_meeting(
            network=past,
            by=tuira_coordinator,
            starts_at=held_at,
            ends_at=held_at + timedelta(hours=1),
            place="Tuiran hyvinvointikeskus",
            now=_morning(days_ago, 14),
        )
        recorded = held_at + timedelta(hours=2)
        meetings.save_meeting_record(
            meeting=past_meeting,
            by=tuira_coordinator,
            expected_version=0,
            data=meetings.RecordInput(
                present=list(past.participants.all()), common_goal="Nuoren toimiva arki"
            ),
            now=recorded,
        )
        for invitation in FeedbackInvitation.objects.filter(meeting=past_meeting).select_related(
            "participant__kind"
        ):
            professional = not invitation.participant.kind.is_family
            answers = (
                {
                    "knew_next": 4 + index % 2,
                    "in_time": 4,
                    "own_role": 5,
                    "together": 7 + index % 3,
                }
                if professional
                else {"heard": 5, "helped": 4, "next_steps": 4}
            )
            feedback.submit(token=feedback.token_for(invitation), answers=answers, now=recorded)

    # Working-age: the client in the key role (demo/working_age.py).
    from demo.working_age import build_working_age

    return made + build_working_age(areas, programmes)
