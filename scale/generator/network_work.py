"""Stage 3: the work of every network: participants, consent, meetings, records, promises.

Invariants kept by hand (what ``networks.services`` and ``meetings.services`` would have done):

* ``Participant``: one active participation per user and network; professionals carry their
  directory service and their account's name (as ``add_participant`` copies it).
* ``Meeting``: unique ``uid``; a cancelled meeting has its ``MeetingChange`` and ``sequence`` 1.
* ``MeetingRecord``: one per held meeting, ``version`` 1 with its ``MeetingRecordRevision``
  snapshot in the shape of ``meetings.services.snapshot``; goals set at the first meeting and
  rated 0–10 at every held meeting; promises reviewed (kept / partly / not kept) at the next
  held meeting, cancelled at closing, otherwise open.
* Events as the services record them: network opened, convening deadline (as the daily task
  records it), network convened (days from the contact, contacts so far, sectors present),
  meeting held, promise reviewed, network closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from accounts.models import User
from demo.oulu import CHILDREN, WORKING_AGE
from demo.services import ascii_fold
from networks.deadlines import deadline_moment
from scale import texts
from scale.generator.feedback import Feedback
from scale.generator.region import Region
from scale.generator.rows import Rows
from scale.generator.shapes import (
    DOMAIN,
    PlannedMeeting,
    PlannedNetwork,
    PlannedParticipant,
    StaffMember,
)

PLACE = "Hyvinvointikeskus, neuvotteluhuone 2"


class NetworkWork:
    def __init__(self, region: Region) -> None:
        self.region = region
        self.rng = region.rng
        writer = region.writer
        self.participant_ids = writer.ids(Rows.participant.model)
        self.record_ids = writer.ids(Rows.record.model)
        self.revision_ids = writer.ids(Rows.revision.model)
        self.present_ids = writer.ids(Rows.present.model)
        self.note_ids = writer.ids(Rows.life_area_note.model)
        self.goal_ids = writer.ids(Rows.goal.model)
        self.child_view_ids = writer.ids(Rows.child_view.model)
        self.rating_ids = writer.ids(Rows.goal_rating.model)
        self.promise_ids = writer.ids(Rows.promise.model)
        self.feedback = Feedback(region)
        self.participants: list[Any] = []
        self.consents: list[Any] = []
        self.meetings: list[Any] = []
        self.changes: list[Any] = []
        self.records: list[Any] = []
        self.revisions: list[Any] = []
        self.present: list[Any] = []
        self.notes: list[Any] = []
        self.child_views: list[Any] = []
        self.goals: list[Any] = []
        self.ratings: list[Any] = []
        self.promises: list[Any] = []
        # The contacts' events come first; the network work's follow them.
        self.events = region.contact_events

    # -- one network ---------------------------------------------------------------------------

    def build(self) -> None:
        for network in self.region.networks:
            self.add_participants(network)
            self.record_consent(network)
            self.events.append(
                self.region.event(
                    "network_opened", network.opened_at, network.area.id, network.programme.id
                )
            )
            self.record_convening_deadline(network)
            self.hold_meetings(network)
        self.region.log(
            f"  generated in memory: {len(self.participants):,} participants, "
            f"{len(self.meetings):,} meetings, {len(self.promises):,} promises"
        )

    def add(
        self,
        network: PlannedNetwork,
        kind: str,
        role: str | None,
        user: StaffMember | None,
        name: str,
        relation: str,
        own_worker: bool = False,
    ) -> None:
        rng = self.rng
        kind_id, is_family = network.programme.participant_kinds[kind]
        audience = "child" if kind == "child" else "family" if is_family else "professional"
        participant = PlannedParticipant(
            next(self.participant_ids), kind, audience, user, user.sector_id if user else None
        )
        network.participants.append(participant)
        email = (
            user.email
            if user
            else f"{ascii_fold(name).replace('-', '.')}@perhe.{DOMAIN}"
            if rng.random() < 0.7
            else ""
        )
        self.participants.append(
            Rows.participant(
                id=participant.id,
                network=network.id,
                kind=kind_id,
                role=network.programme.roles.get(role) if role else None,
                user=user.id if user else None,
                service=user.service_id if user else None,
                name=name,
                relation=relation,
                email=email,
                phone=self.region.phone("040") if not user else "",
                is_own_worker=own_worker,
                added_at=network.opened_at,
            )
        )

    def add_participants(self, network: PlannedNetwork) -> None:
        """The family (or the client and a close one) and the professionals around them."""
        region, rng = self.region, self.rng
        programme = network.programme
        last = network.subject_last_name
        if programme.code == CHILDREN:
            for relation in rng.choice([["äiti"], ["äiti", "isä"], ["isä"], ["äiti", "isä"]]):
                first, _last = region.name(last)
                self.add(network, "parent", "family", None, f"{first} {last}", relation)
            if rng.random() < 0.8:
                first, _last = region.name(last)
                self.add(network, "child", "family", None, f"{first} {last}", "lapsi")
            if rng.random() < 0.3:
                first, other = region.name()
                self.add(
                    network, "everyday-adult", "family", None, f"{first} {other}", "valmentaja"
                )
        else:
            first, _last = region.name(last)
            self.add(network, "client", None, None, f"{first} {last}", "asiakas")
            if rng.random() < 0.3:
                first, other = region.name()
                self.add(network, "close-one", None, None, f"{first} {other}", "läheinen")
        chosen: set[int] = set()
        if network.initiator is not None:
            self.add(network, "professional", "initiator", network.initiator, "", "")
            chosen.add(network.initiator.id)
        pool = network.area.professionals[programme.id]
        extra = rng.choice([1, 2, 2, 3, 3, 4])
        login = region.well_known.get("professional")
        if (
            login is not None
            and network.area is region.areas[0]
            and programme.code == CHILDREN
            and login.id not in chosen
            and rng.random() < 0.3
        ):
            self.add(network, "professional", "participant-professional", login, "", "")
            chosen.add(login.id)
        has_own_worker = False
        for _ in range(extra):
            user = rng.choice(pool)
            if user.id in chosen:
                continue
            chosen.add(user.id)
            if programme.code == WORKING_AGE and not has_own_worker:
                has_own_worker = True
                self.add(network, "professional", "own-worker", user, "", "", own_worker=True)
            else:
                role = (
                    "participant-professional"
                    if programme.code == CHILDREN
                    else "work-ability-team-member"
                )
                self.add(network, "professional", role, user, "", "")

    def record_consent(self, network: PlannedNetwork) -> None:
        self.consents.append(
            Rows.consent(
                id=None,
                network=network.id,
                scope="share",
                given_by="Huoltaja" if network.programme.code == CHILDREN else "Asiakas",
                given_how=self.rng.choice(["in_person", "phone", "written", "electronic"]),
                given_at=network.opened_at,
                recorded_by=network.coordinator.id,
                withdrawn_how="",
            )
        )

    def record_convening_deadline(self, network: PlannedNetwork) -> None:
        """As the daily task records a past deadline: met by the deadline, or late."""
        region = self.region
        if network.deadline >= region.today:
            return
        firsts = [
            region.local_date(meeting.starts)
            for meeting in network.meetings
            if meeting.kind == "first" and meeting.status == "held"
        ]
        in_time = bool(firsts) and min(firsts) <= network.deadline
        self.events.append(
            region.event(
                "convening_deadline",
                deadline_moment(network.deadline),
                network.area.id,
                network.programme.id,
                outcome="in_time" if in_time else "late",
                days=(min(firsts) - region.local_date(network.first_contact)).days
                if in_time
                else None,
            )
        )

    def hold_meetings(self, network: PlannedNetwork) -> None:
        """Every meeting of the network; records, goals and promises of the held ones."""
        region, rng = self.region, self.rng
        programme = network.programme
        area_id, programme_id = network.area.id, programme.id
        goals: list[tuple[int, int]] = []  # (goal id, last rating)
        open_promises: list[Any] = []
        sectors = len({p.sector_id for p in network.participants if p.sector_id is not None})
        for meeting in network.meetings:
            ends = meeting.starts + timedelta(minutes=90)
            local_day = region.local_date(meeting.starts)
            late = ""
            if meeting.kind == "first" and local_day > network.deadline:
                late = rng.choice(texts.LATE_REASONS)
            online = rng.random() < 0.2
            self.meetings.append(
                Rows.meeting(
                    id=meeting.id,
                    network=network.id,
                    kind=meeting.kind,
                    status=meeting.status,
                    starts_at=meeting.starts,
                    ends_at=ends,
                    place="" if online else PLACE,
                    online_link=f"https://meet.{DOMAIN}/{meeting.id}" if online else "",
                    late_reason=late,
                    organiser=network.coordinator.id,
                    uid=region.uuid4(),
                    sequence=1 if meeting.status == "cancelled" else 0,
                    version=1 if meeting.status == "planned" else 2,
                    created_at=meeting.created_at,
                )
            )
            if meeting.status == "cancelled":
                self.changes.append(
                    Rows.meeting_change(
                        id=None,
                        meeting=meeting.id,
                        changed_at=meeting.starts - timedelta(days=1),
                        changed_by=network.coordinator.id,
                        old_starts_at=meeting.starts,
                        new_starts_at=None,
                        cancelled=True,
                        reason=meeting.cancelled_reason,
                    )
                )
                continue
            if meeting.status != "held":
                continue
            self.events.append(
                region.event(
                    "meeting_held",
                    meeting.starts,
                    area_id,
                    programme_id,
                    meeting_kind=meeting.kind,
                )
            )
            if meeting.kind == "first":
                self.events.append(
                    region.event(
                        "network_convened",
                        meeting.starts,
                        area_id,
                        programme_id,
                        days=(local_day - region.local_date(network.first_contact)).days,
                        count=sum(1 for t in network.contact_times if t <= meeting.starts),
                        sectors=sectors,
                    )
                )
            saved_at = ends + timedelta(hours=1)
            self.write_record(network, meeting, saved_at, goals)
            # Review the promises made at the previous held meeting.
            for promise in open_promises:
                status = rng.choices(["kept", "partly", "not_kept"], [60, 25, 15])[0]
                self.promises.append(
                    promise._replace(
                        status=status,
                        review_note=texts.REVIEW_NOTES[status],
                        reviewed_in=meeting.id,
                        reviewed_at=saved_at,
                    )
                )
                self.events.append(
                    region.event(
                        "promise_reviewed", meeting.starts, area_id, programme_id, outcome=status
                    )
                )
            open_promises = []
            for _ in range(rng.randint(3, 6)):
                participant = rng.choice(network.participants)
                open_promises.append(
                    Rows.promise(
                        id=next(self.promise_ids),
                        network=network.id,
                        made_in=meeting.id,
                        participant=participant.id,
                        act=rng.choice(texts.PROMISES[participant.audience]),
                        due=local_day + timedelta(days=rng.randrange(7, 29)),
                    )
                )
            self.feedback.invite(network, saved_at, meeting.kind, "meeting", meeting.id)
        for promise in open_promises:
            if network.closed_at is not None:
                self.promises.append(
                    promise._replace(
                        status="cancelled",
                        review_note="Käsitelty päätettäessä.",
                        reviewed_at=network.closed_at,
                    )
                )
            else:
                self.promises.append(promise._replace(status="open"))
        if network.closed_at is not None:
            self.events.append(
                region.event(
                    "network_closed",
                    network.closed_at,
                    area_id,
                    programme_id,
                    outcome=network.reason,
                    days=(
                        region.local_date(network.closed_at)
                        - region.local_date(network.first_contact)
                    ).days,
                )
            )
            self.feedback.invite(network, network.closed_at, "", "closing", None)

    def write_record(
        self,
        network: PlannedNetwork,
        meeting: PlannedMeeting,
        saved_at: datetime,
        goals: list[tuple[int, int]],
    ) -> None:
        """The held meeting's record, its revision snapshot, presence, notes, goals, ratings."""
        rng = self.rng
        programme = network.programme
        record_id = next(self.record_ids)
        texts_now = {
            "family_view": rng.choice(texts.FAMILY_VIEWS),
            "common_goal": "Yhteinen tavoite: arki sujuu"
            if programme.code == CHILDREN
            else "Yhteinen tavoite: työkyky paranee",
            "protective_factors": rng.choice(texts.PROTECTIVE),
        }
        self.records.append(
            Rows.record(
                id=record_id,
                meeting=meeting.id,
                **texts_now,
                saved_by=network.coordinator.id,
                saved_at=saved_at,
                version=1,
            )
        )
        views_now = {str(child_id): rng.choice(texts.CHILD_VIEWS) for child_id in network.child_ids}
        for child_id, view in views_now.items():
            self.child_views.append(
                Rows.child_view(
                    id=next(self.child_view_ids), record=record_id, child=int(child_id), text=view
                )
            )
        here = [p for p in network.participants if rng.random() < 0.85] or network.participants
        for participant in here:
            self.present.append(
                Rows.present(
                    id=next(self.present_ids), meetingrecord=record_id, participant=participant.id
                )
            )
        life: dict[str, list[str]] = {}
        if meeting.kind == "first":
            for life_area in programme.life_areas:
                strengths = rng.choice(texts.STRENGTHS)
                vulnerabilities = rng.choice(texts.VULNERABILITIES)
                self.notes.append(
                    Rows.life_area_note(
                        id=next(self.note_ids),
                        record=record_id,
                        life_area=life_area,
                        strengths=strengths,
                        vulnerabilities=vulnerabilities,
                    )
                )
                life[str(life_area)] = [strengths, vulnerabilities]
            goal_specs = texts.GOALS[programme.code]
            for order, (owner, text, scale_note) in enumerate(
                rng.sample(goal_specs, k=min(len(goal_specs), rng.choice([1, 2, 2, 3]))),
                start=1,
            ):
                goal_id = next(self.goal_ids)
                # A child's goal is the child's own: in a family of two, either child's.
                child = rng.choice(network.child_ids) if owner == "child" else None
                self.goals.append(
                    Rows.goal(
                        id=goal_id,
                        network=network.id,
                        owner=owner,
                        child=child,
                        text=text,
                        scale_note=scale_note,
                        set_in=meeting.id,
                        order=order,
                    )
                )
                goals.append((goal_id, rng.randint(1, 5)))
        for index, (goal_id, rating) in enumerate(goals):
            if meeting.kind != "first":
                rating = max(0, min(10, rating + rng.choice([-1, 0, 1, 1, 2])))
                goals[index] = (goal_id, rating)
            self.ratings.append(
                Rows.goal_rating(
                    id=next(self.rating_ids), goal=goal_id, meeting=meeting.id, rating=rating
                )
            )
        self.revisions.append(
            Rows.revision(
                id=next(self.revision_ids),
                record=record_id,
                version=1,
                saved_by=network.coordinator.id,
                saved_at=saved_at,
                snapshot={
                    **texts_now,
                    "child_views": views_now,
                    "present": sorted(p.id for p in here),
                    "life_areas": life,
                },
            )
        )

    # -- writing -------------------------------------------------------------------------------

    def write(self) -> None:
        writer = self.region.writer
        # Professionals' names come from their user accounts, as add_participant copies them.
        names = dict(
            User.objects.filter(email__in=self.region.emails).values_list("pk", "full_name")
        )
        writer.write_rows(
            Rows.participant,
            (
                row._replace(name=names.get(row.user, row.name)) if row.user else row
                for row in self.participants
            ),
        )
        self.participants = []
        self._write_numbered(Rows.consent, self.consents)
        writer.write_rows(Rows.meeting, self.meetings)
        self.meetings = []
        self._write_numbered(Rows.meeting_change, self.changes)
        for row_type, name in (
            (Rows.record, "records"),
            (Rows.revision, "revisions"),
            (Rows.present, "present"),
            (Rows.life_area_note, "notes"),
            (Rows.child_view, "child_views"),
            (Rows.goal, "goals"),
            (Rows.goal_rating, "ratings"),
            (Rows.promise, "promises"),
        ):
            writer.write_rows(row_type, getattr(self, name))
            setattr(self, name, [])
        self.feedback.write()
        self.region.events = self.events

    def _write_numbered(self, row_type: Any, rows: list[Any]) -> None:
        """Rows whose ids are given as they are written, after every other table's."""
        ids = self.region.writer.ids(row_type.model)
        self.region.writer.write_rows(row_type, (row._replace(id=next(ids)) for row in rows))
