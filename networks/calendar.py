"""iCalendar invitations (RFC 5545/5546): REQUEST for new and moved meetings, CANCEL for cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from core.clock import now_or
from networks.models import Meeting

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def meeting_calendar(
    meeting: Meeting,
    method: str,
    attendees: Iterable[tuple[str, str]],
    summary: str,
    *,
    now: datetime | None = None,
) -> str:
    """The meeting as an iCalendar text. ``attendees`` are (name, email) pairs.

    The UID is the meeting's own and never changes: every update (a new time, place or
    participant) and the cancellation of the same meeting carries it, with the meeting's current
    SEQUENCE (raised by each change) and a fresh DTSTAMP, so that calendars update the event they
    already have instead of adding another (RFC 5546)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Arki//Network meetings//FI")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{meeting.uid}@arki")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now_or(now))
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", summary)
    location = meeting.place or meeting.online_link
    if location:
        event.add("location", location)
    if meeting.online_link:
        event.add("url", meeting.online_link)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    # The coordinator organises the meeting: replies go to them, not to the server's sender.
    organiser = vCalAddress(
        f"mailto:{getattr(meeting.organiser, 'email', '') or settings.DEFAULT_FROM_EMAIL}"
    )
    organiser.params["cn"] = vText(meeting.organiser.full_name)
    event["organizer"] = organiser
    for name, email in attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        if method == REQUEST:
            # Calendars show the accept/decline buttons only for an attendee asked to answer.
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    text: str = calendar.to_ical().decode()
    return text
