"""iCalendar re-sends (issue #20): one UID per meeting and per leadership series, kept across
every re-send, with a rising SEQUENCE, a fresh DTSTAMP and mailto: addresses."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import user_with_role
from audit.roles import Role
from directory.models import Sector
from leadership import services as leadership
from leadership.models import LeadershipTeam, TeamMeeting, TeamMember
from networks import calendar, services
from networks.tests.test_services import coordinator, network, parse, soon, with_three_participants

pytestmark = pytest.mark.django_db
__all__ = ["coordinator", "network"]  # fixtures


def event_of(ics: str | bytes):
    return Calendar.from_ical(ics).walk("VEVENT")[0]


def test_every_re_send_of_a_meeting_keeps_its_uid_and_raises_the_sequence(network, coordinator):
    with_three_participants(network, coordinator)
    starts, ends = soon()
    meeting = services.schedule_meeting(
        network=network, by=coordinator, starts_at=starts, ends_at=ends, place="Koulu"
    )
    first = [event_of(parse(message).to_ical()) for message in mail.outbox]
    uids = {str(event["UID"]) for event in first}
    assert uids == {f"{meeting.uid}@arki"}  # the same UID in every participant's copy
    assert {event["SEQUENCE"] for event in first} == {0}
    stamp = first[0].decoded("DTSTAMP")
    mail.outbox.clear()

    # Re-sending (for instance after adding a participant) keeps the UID and the SEQUENCE.
    services.send_invitations(meeting, calendar.REQUEST)
    again = parse(mail.outbox[0])
    event = again.walk("VEVENT")[0]
    assert again["METHOD"] == "REQUEST"
    assert str(event["UID"]) in uids and event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP") >= stamp
    mail.outbox.clear()

    moved = services.move_meeting(
        meeting=meeting,
        by=coordinator,
        expected_version=1,
        starts_at=starts + timedelta(days=2),
        ends_at=ends + timedelta(days=2),
        place="Kirjasto",
    )
    event = parse(mail.outbox[0]).walk("VEVENT")[0]
    assert str(event["UID"]) in uids and event["SEQUENCE"] == 1
    assert str(event["LOCATION"]) == "Kirjasto"
    mail.outbox.clear()

    services.cancel_meeting(meeting=moved, by=coordinator, reason="Sairastuminen")
    cancel = parse(mail.outbox[0])
    event = cancel.walk("VEVENT")[0]
    assert cancel["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) in uids and event["SEQUENCE"] == 2


def test_organiser_and_attendees_are_mailto_addresses_asked_to_answer(network, coordinator):
    with_three_participants(network, coordinator)
    starts, ends = soon()
    meeting = services.schedule_meeting(
        network=network, by=coordinator, starts_at=starts, ends_at=ends, place="Koulu"
    )
    event = event_of(
        calendar.meeting_calendar(
            meeting, calendar.REQUEST, [("Olli", "o@example.fi")], "Tapaaminen"
        )
    )
    assert str(event["ORGANIZER"]) == "mailto:koordinaattori@example.fi"
    (attendee,) = (
        [event["ATTENDEE"]] if not isinstance(event["ATTENDEE"], list) else event["ATTENDEE"]
    )
    assert str(attendee) == "mailto:o@example.fi"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
    cancel = event_of(
        calendar.meeting_calendar(
            meeting, calendar.CANCEL, [("Olli", "o@example.fi")], "Tapaaminen"
        )
    )
    assert "PARTSTAT" not in cancel["ATTENDEE"].params


@pytest.fixture
def team(configuration, kaakkuri):
    team = LeadershipTeam.objects.create(
        name="Kaakkurin johtotiimi",
        area=kaakkuri,
        programme=configuration["children-families"],
        common_goal="Lasten toimiva arki",
        week_of_month=1,
        weekday=1,
        meeting_time=time(14),
        place="Kaakkurin koulu",
    )
    member = user_with_role(Role.LEADERSHIP_MEMBER, email="rehtori@example.fi", full_name="Riikka")
    TeamMember.objects.create(
        team=team, user=member, sector=Sector.objects.get(code="education-culture")
    )
    return team


def series_event():
    (attachment,) = mail.outbox[-1].attachments
    return event_of(attachment[1])


def test_the_leadership_series_keeps_one_uid_across_re_sends(team):
    leadership.schedule_meetings(team=team, by=None, months=6)
    mail.outbox.clear()
    leadership.invite_members(team)
    first = series_event()
    assert first["SEQUENCE"] == 0 and first["RRULE"]["FREQ"] == ["MONTHLY"]

    # A month later the first meeting is past, more months are scheduled, and the series is
    # sent again: the same series (UID), a higher SEQUENCE so that calendars replace it.
    earliest = team.meetings.order_by("starts_at").first()
    TeamMeeting.objects.filter(pk=earliest.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=3)
    )
    leadership.schedule_meetings(team=team, by=None, months=9, start=date.today())
    leadership.invite_members(team)
    second = series_event()
    assert str(second["UID"]) == str(first["UID"])
    assert second["SEQUENCE"] == 1
    leadership.invite_members(team)
    assert series_event()["SEQUENCE"] == 2
    assert str(series_event()["UID"]) == str(first["UID"])
