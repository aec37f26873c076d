"""Stage 2: the contacts, each resolved as advice, a new network or joining an open one.

Invariants kept by hand (what ``contacts.services`` would have done): ``submission_token``
unique (uuid4 bits from the seeded generator, checked against a set); ``version`` 2 once
resolved, ``closed_at`` set with the outcome; only convened and joined contacts point at a
network; ``not_yet`` consent never convenes. The contact received/resolved events as
``record_event`` writes them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from contacts.models import Contact
from demo.oulu import CHILDREN, WORKING_AGE
from networks.models import Meeting, Network
from scale import texts
from scale.generator.networks import plan_network, write_networks
from scale.generator.region import Region, weekday_on_or_after
from scale.generator.rows import Rows
from scale.generator.shapes import PlannedNetwork, StaffMember


class Contacts:
    """Plans every contact (and the networks they open) in memory, then writes them."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self.rows: list[Any] = []
        self.categories: list[tuple[int, int]] = []  # (contact, concern category)
        self.age_bands: list[tuple[int, int]] = []  # (contact, age band)
        self.tokens: set[uuid.UUID] = set()

    def token(self) -> uuid.UUID:
        token = self.region.uuid4()
        while token in self.tokens:
            token = self.region.uuid4()
        self.tokens.add(token)
        return token

    def build(self) -> None:
        region = self.region
        rng = region.rng
        span = (region.today - region.start).days
        weights = [area.population for area in region.areas]
        children, working = region.programmes[CHILDREN], region.programmes[WORKING_AGE]
        moments: list[datetime] = []
        for _ in range(region.scale.contacts):
            day = weekday_on_or_after(region.start + timedelta(days=rng.randrange(span)))
            if day >= region.today:
                day = region.today - timedelta(days=1 + rng.randrange(3))
            moments.append(region.at(day, rng.randrange(8, 16), rng.randrange(60)))
        moments.sort()
        contact_ids = region.writer.ids(Contact)
        network_ids = region.writer.ids(Network)
        meeting_ids = region.writer.ids(Meeting)
        recent: dict[tuple[int, int], list[PlannedNetwork]] = defaultdict(list)
        professional_login = region.well_known.get("professional")
        for received in moments:
            area = rng.choices(region.areas, weights=weights)[0]
            programme = children if rng.random() < 0.7 else working
            contact_id = next(contact_ids)
            token = self.token()
            coordinator = rng.choice(area.coordinators[programme.id])
            professionals = area.professionals[programme.id]
            request = rng.random() < 0.2
            contacted_by = "professional"
            contact_person: StaffMember | None = None
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
                        and area is region.areas[0]
                        and programme is children
                        and rng.random() < 0.05
                    ):
                        contact_person = professional_login
                elif roll < 0.85:
                    contacted_by = "other"
                    first, last = region.name()
                    person_name = f"{first} {last}"
                    person_service = "Seurakunnan diakoniatyö"
                    person_phone = region.phone("050")
                else:
                    contacted_by = "client"
            age_days = (region.today - region.local_date(received)).days
            consent = rng.choices(["agrees", "not_yet", "no_consent"], [85, 10, 5])[0]
            if age_days <= 3 and rng.random() < 0.6:
                outcome = "pending"
            else:
                roll = rng.random()
                outcome = "advice" if roll < 0.57 else "convene" if roll < 0.97 else "joined"
            network: PlannedNetwork | None = None
            if outcome == "joined":
                candidates = [
                    open_network
                    for open_network in recent[(area.id, programme.id)][-30:]
                    if open_network.closed_at is None or open_network.closed_at > received
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
                network = plan_network(
                    region,
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
            self.rows.append(
                Rows.contact(
                    id=contact_id,
                    submission_token=token,
                    received_at=received,
                    source="request" if request else "coordinator",
                    channel=channel,
                    area=area.id,
                    programme=programme.id,
                    contacted_by=contacted_by,
                    contact_person=contact_person.id if contact_person else None,
                    contact_person_name=person_name,
                    contact_person_service=person_service,
                    contact_person_phone=person_phone,
                    concern=rng.choice(texts.CONCERNS[programme.code]),
                    lp_discussion=rng.choices(["held", "not_held", "unknown"], [6, 2, 2])[0],
                    consent=consent,
                    legal_ground=legal_ground,
                    no_consent_reasons=reasons,
                    outcome=outcome,
                    advice_given=rng.choice(texts.ADVICE) if outcome == "advice" else "",
                    network=network.id if network else None,
                    recorded_by=recorded_by.id,
                    closed_at=closed_at,
                    version=1 if outcome == "pending" else 2,
                    updated_at=closed_at or received,
                )
            )
            for category in rng.sample(programme.categories, k=rng.choice([1, 1, 2])):
                self.categories.append((contact_id, category))
            region.contact_events.append(
                region.event("contact_received", received, area.id, programme.id, channel=channel)
            )
            if closed_at is not None:
                region.contact_events.append(
                    region.event(
                        "contact_resolved",
                        closed_at,
                        area.id,
                        programme.id,
                        channel=channel,
                        outcome=outcome,
                    )
                )

    def write(self) -> None:
        writer = self.region.writer
        # Networks first: contacts point at them.
        write_networks(self.region)
        writer.write_rows(Rows.contact, self.rows)
        self.rows = []
        ids = writer.ids(Rows.contact_category.model)
        writer.write_rows(
            Rows.contact_category,
            (
                Rows.contact_category(id=next(ids), contact=contact, concerncategory=category)
                for contact, category in self.categories
            ),
        )
        ids = writer.ids(Rows.contact_age_band.model)
        writer.write_rows(
            Rows.contact_age_band,
            (
                Rows.contact_age_band(id=next(ids), contact=contact, age_band=band)
                for contact, band in self.age_bands
            ),
        )
