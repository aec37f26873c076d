"""'What happens next and by whom': the network's steps with the responsible person and date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from networks.deadlines import local_date
from networks.models import MeetingKind, MeetingStatus, Network, NetworkStatus
from networks.selectors import meetings_in_order, preloaded


@dataclass(frozen=True)
class Step:
    title: str
    responsible: str
    when: date | datetime | None
    state: str  # done, current, upcoming, overdue, not-done (the family's view), cancelled
    note: str = ""


def network_timeline(network: Network, *, family_view: bool = False) -> list[Step]:
    """The steps in time order. In the family's own view (``family_view``: the plan opened with a
    personal link) a family member's own promise past its date reads "not done yet", not as a
    failure; the coordinator's and the professionals' pages keep it overdue."""
    today = timezone.localdate()
    # From memory when the page preloaded the network (networks.selectors.preload).
    contacts = sorted(network.contacts.all(), key=lambda c: (c.received_at, c.pk))
    meetings = meetings_in_order(network)
    coordinator = network.coordinator.full_name
    steps: list[Step] = []
    for contact in contacts:
        who = contact.contact_person or contact.recorded_by
        # A contact sent through the public form has nobody signed in behind it.
        by = who.full_name if who is not None else _("Through the public web form")
        title = (
            _("First contact with the coordinator")
            if family_view
            else _("Contact to the coordinating number")
        )
        steps.append(Step(title, by, contact.received_at, "done"))
    held_first = next(
        (m for m in meetings if m.kind == MeetingKind.FIRST and m.status == MeetingStatus.HELD),
        None,
    )
    if held_first:
        # The family's view says it in everyday words ("Verkosto kutsuttu koolle" is jargon).
        title = _("First meeting held") if family_view else _("Network convened")
        steps.append(Step(title, coordinator, held_first.starts_at, "done"))
    else:
        state = "overdue" if today > network.convening_deadline else "current"
        steps.append(
            Step(
                _("The first meeting together")
                if family_view
                else _("Convene the network (first meeting at the latest)"),
                coordinator,
                network.convening_deadline,
                state,
            )
        )
    for meeting in meetings:
        if meeting.status == MeetingStatus.HELD:
            state = "done"
        elif meeting.status == MeetingStatus.CANCELLED:
            state = "cancelled"
        elif local_date(meeting.starts_at) < today:
            state = "overdue"
        else:
            state = "upcoming"
        note = meeting.place or meeting.online_link
        if meeting.status == MeetingStatus.CANCELLED:
            note = _("Cancelled")
        steps.append(
            Step(
                str(meeting.get_kind_display()),
                meeting.organiser.full_name,
                meeting.starts_at,
                state,
                note,
            )
        )
    # Siblings who joined later, and every goal agreed, each child's goals named as theirs.
    for child in list(network.children.all())[1:]:
        steps.append(
            Step(
                _("%(name)s joined the family's network") % {"name": child.name},
                coordinator,
                child.added_at,
                "done",
            )
        )
    goals = preloaded(network, "goals")
    if goals is None:
        goals = list(network.goals.select_related("child", "set_in__organiser"))
    for goal in goals:
        steps.append(
            Step(
                _("Goal agreed (%(whose)s): %(goal)s") % {"whose": goal.whose, "goal": goal.text},
                goal.set_in.organiser.full_name,
                goal.set_in.starts_at,
                "done",
            )
        )
    promises = preloaded(network, "promises")
    if promises is None:
        promises = list(network.promises.filter(status="open").select_related("participant__kind"))
    for promise in (p for p in promises if p.status == "open"):
        state = "overdue" if promise.due < today else "upcoming"
        if state == "overdue" and family_view and promise.participant.kind.is_family:
            state = "not-done"
        steps.append(
            Step(
                _("Promise: %(act)s") % {"act": promise.act},
                promise.participant.name,
                promise.due,
                state,
            )
        )
    if (
        held_first
        and not any(m.status == MeetingStatus.PLANNED for m in meetings)
        and network.status != NetworkStatus.CLOSED
    ):
        title = (
            _("The next meeting is agreed")
            if family_view
            else _("Schedule the next follow-up meeting")
        )
        steps.append(Step(title, coordinator, None, "current"))
    if network.status == NetworkStatus.CLOSED:
        steps.append(
            Step(network.programme.words.closed_step, coordinator, network.closed_at, "done")
        )
    else:
        steps.append(Step(network.programme.words.close_heading, coordinator, None, "upcoming"))
    return _in_time_order(steps)


def _in_time_order(steps: list[Step]) -> list[Step]:
    """Dated steps by their day (a meeting booked for 6.12. before the 13.12. deadline), steps
    with no date after them; equal days keep their order."""
    dated = [step for step in steps if step.when is not None]
    undated = [step for step in steps if step.when is None]

    def day(step: Step) -> date:
        when = step.when
        return local_date(when) if isinstance(when, datetime) else when  # type: ignore[return-value]

    return sorted(dated, key=day) + undated
