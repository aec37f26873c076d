"""Stage 5: the access log of the contacts and networks.

``seq`` and the hashes are left empty, sealed later by ``audit.chain.seal``; ids follow the
networks' order, so they are roughly, not strictly, chronological.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from contacts.models import Contact
from scale.generator.region import Region, weekday_on_or_after
from scale.generator.rows import Rows
from scale.generator.shapes import StaffMember


def write_access_log(region: Region) -> None:
    rng = random.Random(region.seed * 7919 + 1)  # noqa: S311 - its own stream: written lazily
    ids = region.writer.ids(Rows.access_log.model)
    contact_rows = list(
        Contact.objects.order_by("pk").values_list(
            "pk", "received_at", "recorded_by_id", "recorded_by__email"
        )
    )

    def moment(around: datetime, days: int) -> datetime:
        day = region.local_date(around) + timedelta(days=rng.randint(-days, days))
        day = min(weekday_on_or_after(day), region.today - timedelta(days=1))
        return region.at(day, rng.randrange(8, 16), rng.randrange(60))

    def row(
        at: datetime,
        who: StaffMember | tuple[int, str],
        subject_type: str,
        pk: int,
        action: str = "view",
        basis: str = "coordinator",
        view: str = "networks:detail",
        success: bool = True,
    ) -> Any:
        user_id, email = (who.id, who.email) if isinstance(who, StaffMember) else who
        return Rows.access_log(
            id=next(ids),
            at=at,
            actor=user_id,
            actor_label=email,
            subject_type=subject_type,
            subject_id=str(pk),
            action=action,
            basis=basis,
            view_name=view,
            success=success,
            request_id=f"{rng.getrandbits(128):032x}",
        )

    def rows() -> Iterator[Any]:
        for pk, received, user_id, email in contact_rows:
            yield row(
                received, (user_id, email), "contacts.contact", pk,
                action="create", view="contacts:new",
            )  # fmt: skip
            for _ in range(rng.randint(1, 3)):
                yield row(
                    received + timedelta(minutes=rng.randrange(5, 600)),
                    (user_id, email),
                    "contacts.contact",
                    pk,
                    view="contacts:detail",
                )
        for network in region.networks:
            professionals = [p.user for p in network.participants if p.user is not None]
            coordinator = network.coordinator
            for meeting in network.meetings:
                if meeting.starts.date() >= region.today:
                    continue
                for _ in range(rng.randint(3, 8)):
                    yield row(moment(meeting.starts, 7), coordinator, "networks.network",
                              network.id)  # fmt: skip
                if meeting.status == "held":
                    yield row(
                        meeting.starts + timedelta(hours=3), coordinator,
                        "networks.network", network.id, action="update", view="meetings:record",
                    )  # fmt: skip
                    yield row(
                        meeting.starts + timedelta(hours=4), coordinator,
                        "networks.network", network.id, action="print", view="meetings:memo_pdf",
                    )  # fmt: skip
                for user in professionals:
                    basis = "initiator" if user is network.initiator else "participant"
                    for _ in range(rng.randint(1, 5)):
                        yield row(moment(meeting.starts, 7), user, "networks.network",
                                  network.id, basis=basis)  # fmt: skip
                if rng.random() < 0.01:
                    stranger = rng.choice(network.area.professionals[network.programme.id])
                    if stranger not in professionals:
                        yield row(moment(meeting.starts, 3), stranger, "networks.network",
                                  network.id, basis="", success=False)  # fmt: skip

    region.writer.write_rows(Rows.access_log, rows())
