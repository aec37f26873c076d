"""Stage 4: the LP discussions of everyday support, and then every indicator event."""

from __future__ import annotations

from datetime import timedelta

from demo.oulu import CHILDREN
from scale.generator.region import Region, weekday_on_or_after
from scale.generator.rows import Rows


def write_discussions_and_events(region: Region) -> None:
    rng = region.rng
    children = region.programmes[CHILDREN]
    span = (region.today - region.start).days
    weights = [area.population for area in region.areas]
    ids = region.writer.ids(Rows.discussion.model)
    rows = []
    for _ in range(region.scale.discussions):
        area = rng.choices(region.areas, weights=weights)[0]
        professional = rng.choice(area.professionals[children.id])
        held_on = weekday_on_or_after(region.start + timedelta(days=rng.randrange(span)))
        if held_on >= region.today:
            held_on = region.today - timedelta(days=3)
        wider = rng.random() < 0.25
        rows.append(
            Rows.discussion(
                id=next(ids),
                held_on=held_on,
                area=area.id,
                programme=children.id,
                service=professional.service_id,
                wider_support_needed=wider,
                recorded_by=professional.id,
                recorded_at=region.at(held_on, 15),
            )
        )
        region.events.append(
            region.event(
                "lp_discussion_held",
                region.at(held_on, 12),
                area.id,
                children.id,
                outcome="wider_support" if wider else "everyday_support",
            )
        )
    region.writer.write_rows(Rows.discussion, rows)
    ids = region.writer.ids(Rows.event.model)
    region.writer.write_rows(Rows.event, (event._replace(id=next(ids)) for event in region.events))
    region.events = []
    region.contact_events = []
