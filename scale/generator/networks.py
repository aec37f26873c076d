"""Stage 2 (with the contacts): each convened network's life, and the networks and children.

Invariants kept by hand (what ``networks.services`` would have done): ``match_key`` from
``networks.selectors.match_key`` and unique among networks; ``convening_deadline`` = local
contact date + the programme's deadline days; status ``convening`` until the first meeting is
held, then ``active``, ``closed`` with reason, summary and ``closed_at``; ``version`` counts those
steps. Meetings: ``held`` only in the past, at most one ``planned`` per network and only in the
future; no planned meeting in a closed network.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from demo.oulu import CHILDREN
from networks.selectors import match_key
from scale import texts
from scale.generator.region import Region, weekday_on_or_after
from scale.generator.rows import Rows
from scale.generator.shapes import (
    AreaPlan,
    PlannedMeeting,
    PlannedNetwork,
    ProgrammeConfig,
    StaffMember,
)


def plan_network(
    region: Region,
    network_id: int,
    meeting_ids: Iterator[int],
    area: AreaPlan,
    programme: ProgrammeConfig,
    coordinator: StaffMember,
    initiator: StaffMember | None,
    received: datetime,
    opened_at: datetime,
) -> PlannedNetwork:
    """The network's whole life: first meeting, follow-ups, closing (relative to today)."""
    rng = region.rng
    contact_day = region.local_date(received)
    deadline = contact_day + timedelta(days=programme.deadline_days)
    roll = rng.random()
    delay = (
        rng.randrange(3, 15)
        if roll < 0.85
        else rng.randrange(15, 22)
        if roll < 0.95
        else rng.randrange(22, 36)
    )
    day = weekday_on_or_after(contact_day + timedelta(days=delay))
    meetings: list[PlannedMeeting] = []
    created = opened_at
    closed_at: datetime | None = None
    kind = "first"
    follow_ups = rng.choices(range(7), [10, 15, 20, 20, 15, 10, 10])[0]
    while True:
        starts = region.at(day, rng.choice([9, 10, 12, 13, 14]), rng.choice([0, 30]))
        if day >= region.today:
            meetings.append(PlannedMeeting(next(meeting_ids), kind, "planned", starts, created))
            break
        if rng.random() < 0.03:
            meetings.append(
                PlannedMeeting(
                    next(meeting_ids),
                    kind,
                    "cancelled",
                    starts,
                    created,
                    "Osallistujat sairastuivat.",
                )
            )
            day = weekday_on_or_after(day + timedelta(days=7))
            continue
        meetings.append(PlannedMeeting(next(meeting_ids), kind, "held", starts, created))
        created = starts + timedelta(hours=2)
        held = sum(1 for meeting in meetings if meeting.status == "held")
        if held > follow_ups:
            closing = weekday_on_or_after(day + timedelta(days=rng.randrange(0, 22)))
            if closing < region.today:
                closed_at = region.at(closing, 15)
            break
        kind = "follow_up"
        day = weekday_on_or_after(day + timedelta(days=rng.randrange(21, 57)))
    reason = ""
    if closed_at is not None:
        reason = rng.choices(
            ["goal_reached", "other_service", "family_declined", "moved_away"], [6, 2, 1, 1]
        )[0]
    network = PlannedNetwork(
        id=network_id,
        area=area,
        programme=programme,
        coordinator=coordinator,
        initiator=initiator,
        first_contact=received,
        opened_at=opened_at,
        deadline=deadline,
        meetings=meetings,
        closed_at=closed_at,
        reason=reason,
        contact_times=[received],
    )
    region.networks.append(network)
    return network


def write_networks(region: Region) -> None:
    """The networks with their subjects (unique match keys) and a family's children."""
    rng = region.rng
    rows: list[Any] = []
    children: list[Any] = []
    child_ids = region.writer.ids(Rows.child.model)
    keys: set[str] = set()
    for network in region.networks:
        programme = network.programme
        if programme.code == CHILDREN:
            band = rng.choice(programme.age_bands)[1] if programme.age_bands else "7-12"
            low, _dash, high = band.partition("-")
            age = rng.randint(int(low), int(high or low))
        else:
            age = rng.randint(18, 64)
        first, last = region.name()
        born: date = region.local_date(network.first_contact) - timedelta(
            days=365 * age + rng.randrange(365)
        )
        key = match_key(f"{first} {last}", born)
        while key in keys:
            born -= timedelta(days=1)
            key = match_key(f"{first} {last}", born)
        keys.add(key)
        network.subject_last_name = last
        # A family's network concerns its children: the first, and in one family in eight a
        # sibling as well (one network, each child with their own view and goals).
        network.child_ids = []
        if programme.code == CHILDREN:
            network.child_ids.append(next(child_ids))
            children.append(
                Rows.child(
                    id=network.child_ids[0],
                    network=network.id,
                    name=f"{first} {last}",
                    birth_date=born,
                    match_key=key,
                    added_at=network.opened_at,
                )
            )
            if rng.random() < 0.125:
                sibling_first, _last = region.name()
                sibling_born = born + timedelta(days=400 + rng.randrange(1500))
                if sibling_born < region.local_date(network.first_contact):
                    network.child_ids.append(next(child_ids))
                    children.append(
                        Rows.child(
                            id=network.child_ids[1],
                            network=network.id,
                            name=f"{sibling_first} {last}",
                            birth_date=sibling_born,
                            match_key=match_key(f"{sibling_first} {last}", sibling_born),
                            added_at=network.opened_at,
                        )
                    )
        status = network.status
        rows.append(
            Rows.network(
                id=network.id,
                area=network.area.id,
                programme=programme.id,
                status=status,
                subject_name=f"{first} {last}",
                subject_birth_date=born,
                match_key=key,
                first_contact_at=network.first_contact,
                convening_deadline=network.deadline,
                coordinator=network.coordinator.id,
                initiator=network.initiator.id if network.initiator else None,
                family_language=rng.choices(["fi", "sv", "en"], [90, 5, 5])[0],
                opened_at=network.opened_at,
                closed_at=network.closed_at,
                closing_reason=network.reason,
                closing_summary=rng.choice(texts.CLOSING_SUMMARIES) if network.closed_at else "",
                version=1 + (status != "convening") + (status == "closed"),
                deadline_recorded=network.deadline < region.today,
            )
        )
    region.writer.write_rows(Rows.network, rows)
    region.writer.write_rows(Rows.child, children)
