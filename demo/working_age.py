"""Demo work of the working-age programme in Tuira, built through the services.

The client is in the key role: they contact the number themself (by phone or the public web
form), take part in their own network from the start, set their own goals and rate their work
ability 0–10 at the start and at closing; an own worker walks alongside them and the
work-ability coordinator takes part. Closed networks carry an outcome and the client's and the
professionals' feedback, so the working-age indicators have figures from the first day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from accounts.models import User
from contacts import services as contacts
from contacts.models import Consent, Contact, ContactedBy, Source
from demo.network_work import _coordinator, _morning, _user
from directory.models import Area
from feedback import services as feedback
from feedback.models import FeedbackInvitation
from meetings import services as meetings
from meetings.models import Promise, PromiseStatus
from networks import services as networks
from programmes.models import Programme

if TYPE_CHECKING:
    from networks.models import Meeting, Network

# (days ago the contact came, how, the client's name, their goal, rating at the start and at
# closing, the outcome code at closing; None: still working).
PAST = [
    (150, "web", "Asiakas Demo A", "Työkokeilu kaupan alalla keväällä", 3, 7, "work"),
    (130, "phone", "Asiakas Demo B", "Ammattitutkinnon opinnot alkuun syksyllä", 4, 7, "education"),
    (
        115,
        "professional",
        "Asiakas Demo C",
        "Kuntoutuksen aloitus ja arjen rytmi",
        2,
        5,
        "rehabilitation",
    ),
    (
        100,
        "web",
        "Asiakas Demo D",
        "Selvyys siitä, riittääkö työkyky työhön",
        2,
        4,
        "pension-assessment",
    ),
    (
        85,
        "phone",
        "Asiakas Demo E",
        "Velkaneuvonta ja toimeentulon vakautus",
        4,
        6,
        "other-services",
    ),
    (45, "professional", "Asiakas Demo F", "Palkkatuettu työ omalta asuinalueelta", 3, None, None),
]
CONCERNS = {
    "web": "Olen ollut pitkään työttömänä ja jaksaminen on heikkoa. Toivoisin apua.",
    "phone": "Asiakas soitti itse: terveyshuolia ja epävarmuutta työkyvystä.",
    "professional": "Työllisyysasiantuntija: asiakkaan tilanne vaatii usean palvelun yhteistyötä.",
}


def _contact(
    area: Area, programme: Programme, by: User, how: str, days_ago: int, counsellor: User
) -> Contact:
    category = programme.concern_categories.filter(is_active=True).order_by("order")[:1]
    band = programme.age_bands.filter(is_active=True).order_by("order")[1:2]
    now = _morning(days_ago)
    if how == "web":
        made, _new = contacts.record_public_contact(
            data={
                "area": area,
                "programme": programme,
                "contacted_by": ContactedBy.CLIENT,
                "contact_person_name": "Asiakas itse",
                "contact_person_phone": "040 123 4567",
                "concern": CONCERNS[how],
            },
            now=now,
        )
        # The coordinator called back and the client agreed to network work.
        made = contacts.update_contact(
            contact=made,
            by=by,
            expected_version=made.version,
            data={
                "area": area,
                "programme": programme,
                "contacted_by": ContactedBy.CLIENT,
                "concern": made.concern,
                "consent": Consent.AGREES,
            },
            concern_categories=category,
            age_bands=band,
        )
        return made
    data: dict[str, Any] = {
        "channel": "phone",
        "area": area,
        "programme": programme,
        "consent": Consent.AGREES,
        "lp_discussion": "held" if how == "professional" else "unknown",
        "concern": CONCERNS[how],
    }
    if how == "professional":
        data.update(contacted_by=ContactedBy.PROFESSIONAL, contact_person=counsellor)
    else:
        data.update(contacted_by=ContactedBy.CLIENT, contact_person_phone="040 765 4321")
    made, _new = contacts.record_contact(
        recorded_by=by,
        source=Source.COORDINATOR,
        data=data,
        concern_categories=category,
        age_bands=band,
        now=now,
    )
    return made


def _answer_feedback(
    meeting: Meeting | None = None, network: Network | None = None, index: int = 0, *, now: datetime
) -> None:
    invitations = FeedbackInvitation.objects.filter(used_at__isnull=True).select_related(
        "participant__kind"
    )
    invitations = (
        invitations.filter(meeting=meeting)
        if meeting is not None
        else invitations.filter(participant__network=network, occasion="closing")
    )
    for invitation in invitations:
        if invitation.participant.kind.is_family:
            answers: dict[str, Any] = {"heard": 4 + index % 2, "helped": 4, "next_steps": 4}
        else:
            answers = {"knew_next": 4, "one_contact": 5, "own_role": 4, "together": 7 + index % 3}
        feedback.submit(token=feedback.token_for(invitation), answers=answers, now=now)


def build_working_age(areas: dict[str, Area], programmes: dict[str, Programme]) -> int:
    """Create the working-age demo work in Tuira; returns how many contacts were made."""
    programme, tuira = programmes["working-age"], areas["tuira"]
    coordinator = _coordinator(tuira, programme)
    own_worker = _user("Sosiaalityöntekijä")
    work_ability = _user("Työkykykoordinaattori")
    counsellor = _user("Työllisyysasiantuntija")
    role = {code: networks.role(programme, code) for code in ("work-ability-coordinator",)}
    made = 0

    # Everyday support first: the method's discussions held in the professionals' own work.
    for days_ago, wider in ((20, False), (34, True), (61, False), (95, False)):
        contacts.record_discussion(
            by=counsellor,
            held_on=_morning(days_ago).date(),
            area=tuira,
            programme=programme,
            service=None,
            wider_support_needed=wider,
        )

    for index, (days_ago, how, name, goal, start, close, outcome) in enumerate(PAST):
        contact = _contact(tuira, programme, coordinator, how, days_ago, counsellor)
        made += 1
        now = _morning(days_ago, 13)
        network = contacts.convene(
            contact=contact,
            by=coordinator,
            expected_version=contact.version,
            subject_name=name,
            subject_birth_date=None,
            own_worker=own_worker,
            now=now,
        )
        networks.add_participant(
            network=network,
            by=coordinator,
            kind=networks.professional_kind(network),
            role=role["work-ability-coordinator"],
            user=work_ability,
            now=now,
        )
        if how != "professional":
            networks.add_participant(
                network=network,
                by=coordinator,
                kind=networks.professional_kind(network),
                user=counsellor,
                now=now,
            )
        client = network.participants.get(kind__is_subject=True)
        first = _morning(days_ago - 10, 13)
        now = _morning(days_ago, 14)
        meeting = networks.schedule_meeting(
            network=network,
            by=coordinator,
            starts_at=first,
            ends_at=first + timedelta(hours=1, minutes=30),
            place="Tuiran hyvinvointikeskus, neuvotteluhuone Aalto",
            now=now,
        )
        helpers = list(network.participants.filter(kind__is_family=False, removed_at__isnull=True))
        due = first.date() + timedelta(days=28)
        now = first + timedelta(hours=2)
        meetings.save_meeting_record(
            meeting=meeting,
            by=coordinator,
            expected_version=0,
            data=meetings.RecordInput(
                present=list(network.participants.filter(removed_at__isnull=True)),
                family_view="Haluan päästä takaisin työelämään omassa tahdissani.",
                common_goal="Asiakkaan työkyvyn ja työllistymisen paraneminen yhdessä",
                protective_factors="Oma motivaatio, tukeva sisar, liikuntaharrastus",
                self_rating=start,
                new_goals=[meetings.NewGoal("client", goal, start, "0 = ei lainkaan, 10 = valmis")],
                new_promises=[
                    meetings.NewPromise(client, "Käyn työkykyarviossa", due),
                    *(
                        meetings.NewPromise(helper, "Selvitän oman palveluni tuen", due)
                        for helper in helpers[:2]
                    ),
                ],
            ),
            now=now,
        )
        _answer_feedback(meeting=meeting, index=index, now=now)
        if close is None:
            # Still working: the follow-up is planned.
            follow_up = _morning(-7, 13)
            now = first + timedelta(hours=3)
            networks.schedule_meeting(
                network=network,
                by=coordinator,
                starts_at=follow_up,
                ends_at=follow_up + timedelta(hours=1),
                place="Tuiran hyvinvointikeskus",
                now=now,
            )
            continue
        second = _morning(days_ago - 40, 13)
        now = first + timedelta(hours=3)
        follow = networks.schedule_meeting(
            network=network,
            by=coordinator,
            starts_at=second,
            ends_at=second + timedelta(hours=1),
            place="Tuiran hyvinvointikeskus",
            now=now,
        )
        open_promises = Promise.objects.filter(network=network, status=PromiseStatus.OPEN)
        goal_row = network.goals.get()
        now = second + timedelta(hours=2)
        meetings.save_meeting_record(
            meeting=follow,
            by=coordinator,
            expected_version=0,
            data=meetings.RecordInput(
                present=list(network.participants.filter(removed_at__isnull=True)),
                family_view="Suunta on selvä, ja tiedän mitä seuraavaksi tapahtuu.",
                common_goal="Asiakkaan työkyvyn ja työllistymisen paraneminen yhdessä",
                self_rating=close,
                ratings={goal_row.pk: close},
                reviews=[meetings.Review(promise, PromiseStatus.KEPT) for promise in open_promises],
            ),
            now=now,
        )
        _answer_feedback(meeting=follow, index=index, now=now)
        now = second + timedelta(days=2)
        meetings.close_network(
            network=network,
            by=coordinator,
            reason="goal_reached" if outcome != "other-services" else "other_service",
            summary="Tavoite sovittiin ja seuraava polku on selvä; asiakas tietää, kuka tukee.",
            outcome=programme.closing_outcomes.get(code=outcome),
            self_rating=close,
            now=now,
        )
        _answer_feedback(network=network, index=index, now=now)

    # Being convened: the client phoned themself two days ago; the own worker is named.
    waiting = _contact(tuira, programme, coordinator, "phone", 2, counsellor)
    made += 1
    now = _morning(2, 15)
    contacts.convene(
        contact=waiting,
        by=coordinator,
        expected_version=waiting.version,
        subject_name="Asiakas Demo",
        subject_birth_date=None,
        own_worker=own_worker,
        now=now,
    )
    # A new contact through the public web form, waiting in the queue.
    now = _morning(0, 8)
    contacts.record_public_contact(
        data={
            "area": tuira,
            "programme": programme,
            "contacted_by": ContactedBy.CLIENT,
            "contact_person_name": "Asiakas itse",
            "contact_person_email": "asiakas@example.invalid",
            "concern": "Sairausloma päättyy pian enkä tiedä, miten palaan töihin.",
        },
        now=now,
    )
    made += 1
    return made
