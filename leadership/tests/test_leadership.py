"""The situation room: monthly rhythm, the self-building agenda, decisions, promises, minutes."""

import subprocess
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.tests.factories import user_with_role
from audit.roles import Role
from core.errors import ValidationError
from core.tests.test_pdf import assert_archive_ready
from directory.models import Sector
from indicators.models import Event, EventKind
from leadership import services
from leadership.models import (
    CommitmentStatus,
    LeadershipTeam,
    TeamMeeting,
    TeamMeetingStatus,
    TeamMember,
)

pytestmark = pytest.mark.django_db
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def team(configuration, kaakkuri):
    children = configuration["children-families"]
    team = LeadershipTeam.objects.create(
        name="Kaakkurin johtotiimi",
        area=kaakkuri,
        programme=children,
        common_goal="Lasten toimiva arki",
        week_of_month=1,
        weekday=1,
        meeting_time=time(14),
        place="Kaakkurin koulu",
    )
    for code, name, email in [
        ("education-culture", "Rehtori Riikka", "rehtori@example.fi"),
        ("social-health", "Päällikkö Pekka", "paallikko@example.fi"),
    ]:
        member = user_with_role(Role.LEADERSHIP_MEMBER, email=email, full_name=name)
        TeamMember.objects.create(team=team, user=member, sector=Sector.objects.get(code=code))
    return team


def meeting_at(team, when):
    return TeamMeeting.objects.create(team=team, starts_at=when, ends_at=when + timedelta(hours=1))


def test_a_missing_sector_is_warned_about(team):
    assert [s.code for s in services.missing_sectors(team)] == ["ngos-parish-kela"]


def test_monthly_meetings_on_the_first_tuesday_in_finnish_time(team):
    created = services.schedule_meetings(team=team, by=None, months=3, start=date(2026, 3, 1))
    days = [timezone.localtime(m.starts_at) for m in created]
    assert [d.date() for d in days] == [date(2026, 3, 3), date(2026, 4, 7), date(2026, 5, 5)]
    assert all(d.hour == 14 for d in days)  # also across the change to summer time
    assert services.schedule_meetings(team=team, by=None, months=3, start=date(2026, 3, 1)) == []


def test_the_series_invitation_is_a_recurring_icalendar_event(team):
    services.schedule_meetings(team=team, by=None, months=12)
    mail.outbox.clear()
    assert services.invite_members(team) == 2
    (attachment,) = mail.outbox[0].attachments
    event = Calendar.from_ical(attachment[1]).walk("VEVENT")[0]
    rule = event["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["BYDAY"] == ["1TU"]


def test_the_agenda_reviews_the_promises_of_the_last_meeting_not_cancelled(team):
    riikka = team.members.get(user__full_name="Rehtori Riikka").user
    held = meeting_at(team, timezone.now() - timedelta(days=40))
    services.record_commitment(meeting=held, by=riikka, member=riikka, text="Kokoan verkoston")
    cancelled = meeting_at(team, timezone.now() - timedelta(days=10))
    TeamMeeting.objects.filter(pk=cancelled.pk).update(status=TeamMeetingStatus.CANCELLED)
    meeting_at(team, timezone.now() + timedelta(days=20))  # one still to come: not before
    current = meeting_at(team, timezone.now() - timedelta(hours=1))
    assert services.previous_meeting(current) == held
    agenda = services.build_agenda(current)
    assert [c.text for c in agenda.commitments_to_review] == ["Kokoan verkoston"]
    assert services.previous_meeting(held) is None


def test_agenda_reviews_last_promises_and_next_meeting_reviews_them(team):
    riikka, pekka = [m.user for m in team.members.all()]
    first = meeting_at(team, timezone.now() - timedelta(days=30))
    services.record_commitment(
        meeting=first, by=riikka, member=riikka, text="Koulutan opettajat LP-menetelmään"
    )
    services.record_commitment(
        meeting=first, by=pekka, member=pekka, text="Selvitän yhteydenottonumeron ruuhkat"
    )
    with pytest.raises(ValidationError):
        services.record_commitment(meeting=first, by=pekka, member=pekka, text=" ")
    outsider = user_with_role(Role.LEADERSHIP_MEMBER)
    with pytest.raises(ValidationError):
        services.record_commitment(meeting=first, by=outsider, member=outsider, text="x")
    second = meeting_at(team, timezone.now() - timedelta(hours=1))
    agenda = services.build_agenda(second)
    assert [c.text for c in agenda.commitments_to_review] == [
        "Koulutan opettajat LP-menetelmään",
        "Selvitän yhteydenottonumeron ruuhkat",
    ]
    done, carried = agenda.commitments_to_review
    services.review_commitment(
        commitment=done, in_meeting=second, by=riikka, status=CommitmentStatus.DONE
    )
    services.review_commitment(
        commitment=carried, in_meeting=second, by=riikka, status=CommitmentStatus.CARRIED_OVER
    )
    with pytest.raises(ValidationError):
        services.review_commitment(
            commitment=done, in_meeting=second, by=riikka, status=CommitmentStatus.NOT_DONE
        )
    assert [c.text for c in second.commitments.all()] == ["Selvitän yhteydenottonumeron ruuhkat"]
    assert services.build_agenda(second).commitments_to_review == []


def test_agenda_statistics_hide_small_numbers(team, kaakkuri):
    meeting = meeting_at(team, timezone.now())
    # Six networks' convening deadlines passed: four met in time, two (16, 20 days) late.
    for days in [5, 9, 13, 16, 20, 8]:
        Event.objects.create(
            kind=EventKind.CONVENING_DEADLINE,
            occurred_at=timezone.now() - timedelta(days=3),
            area=kaakkuri,
            programme=team.programme,
            outcome="in_time" if days <= 14 else "late",
            days=days if days <= 14 else None,
        )
    for outcome in ["kept", "kept", "partly"]:
        Event.objects.create(
            kind=EventKind.PROMISE_REVIEWED,
            occurred_at=timezone.now() - timedelta(days=3),
            area=kaakkuri,
            programme=team.programme,
            outcome=outcome,
        )
    stats = services.build_agenda(meeting).statistics
    assert (stats.networks_due, stats.within_deadline_pct, stats.median_days) == (
        6,
        round(100 * 4 / 6, 1),
        11.0,
    )
    assert (stats.promises_reviewed, stats.promises_kept_pct) == (None, None)


def test_agenda_counts_networks_convening_past_their_deadline_in_the_team_s_area(
    team, kaakkuri, configuration
):
    from directory.tests.factories import AreaFactory
    from networks.models import Network, NetworkStatus
    from networks.tests.factories import NetworkFactory

    children = team.programme
    past = timezone.localdate() - timedelta(days=1)
    elsewhere = AreaFactory(code="elsewhere")
    for _n in range(6):
        NetworkFactory(area=kaakkuri, programme=children, convening_deadline=past)
    NetworkFactory(area=elsewhere, programme=children, convening_deadline=past)
    NetworkFactory(area=kaakkuri, programme=children, convening_deadline=timezone.localdate())
    NetworkFactory(
        area=kaakkuri, programme=children, convening_deadline=past, status=NetworkStatus.ACTIVE
    )
    NetworkFactory(area=kaakkuri, programme=configuration["working-age"], convening_deadline=past)
    meeting = meeting_at(team, timezone.now())
    assert services.build_agenda(meeting).statistics.overdue_now == 6
    # A team of the whole region counts every area; a count below five is hidden.
    LeadershipTeam.objects.filter(pk=team.pk).update(area=None)
    meeting.refresh_from_db()
    assert services.build_agenda(meeting).statistics.overdue_now == 7
    Network.objects.filter(area=kaakkuri).update(status=NetworkStatus.ACTIVE)
    assert services.build_agenda(meeting).statistics.overdue_now is None  # one: hidden
    Network.objects.update(status=NetworkStatus.ACTIVE)
    assert services.build_agenda(meeting).statistics.overdue_now == 0


def test_decisions_minutes_pdf_and_bulletin(client, team):
    riikka = team.members.first().user
    meeting = meeting_at(team, timezone.now() - timedelta(hours=2))
    services.record_decision(
        meeting=meeting,
        by=riikka,
        what="Perhesosiaalityön numero auki myös iltaisin",
        why="Palaute: soittajat eivät tavoita",
        who_informs=riikka,
    )
    services.record_commitment(meeting=meeting, by=riikka, member=riikka, text="Tiedotan kouluille")
    client.force_login(riikka)
    pdf = client.get(reverse("leadership:minutes_pdf", args=[meeting.pk]))
    assert_archive_ready(pdf.content, language="fi")  # PDF/A, tagged (issue #20)
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    assert "Perhesosiaalityön numero auki myös iltaisin" in text and "Tiedotan kouluille" in text
    client.post(reverse("leadership:publish", args=[meeting.pk]))
    meeting.refresh_from_db()
    bulletin = meeting.minutes_published
    assert bulletin is not None and "Perhesosiaalityön numero auki myös iltaisin" in bulletin.body
    assert list(bulletin.programmes.all()) == [team.programme]


def test_only_members_and_the_backbone_see_a_team(client, team):
    meeting = meeting_at(team, timezone.now())
    client.force_login(user_with_role(Role.LEADERSHIP_MEMBER))
    assert client.get(reverse("leadership:team", args=[team.pk])).status_code == 404
    assert client.get(reverse("leadership:meeting", args=[meeting.pk])).status_code == 403
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.get(reverse("leadership:teams")).status_code == 403
    client.force_login(user_with_role(Role.DEVELOPER_WORKER))
    assert client.get(reverse("leadership:meeting", args=[meeting.pk])).status_code == 200


def test_an_unknown_or_impossible_meeting_number_is_not_found(client, team):
    client.force_login(team.members.first().user)
    for number in (987654, 2**63, 10**30):
        response = client.get(reverse("leadership:meeting", args=[number]))
        assert response.status_code == 404, number


def test_meeting_page_renders_the_six_sections(client, team):
    meeting = meeting_at(team, timezone.now())
    client.force_login(team.members.first().user)
    page = client.get(reverse("leadership:meeting", args=[meeting.pk])).content.decode()
    for number in range(1, 7):
        assert f'id="a{number}"' in page


def test_both_forms_offer_the_active_members_read_once(client, team):
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = meeting_at(team, timezone.now())
    riikka = team.members.get(user__full_name="Rehtori Riikka").user
    gone = TeamMember.objects.get(user__full_name="Päällikkö Pekka")
    client.force_login(riikka)
    url = reverse("leadership:meeting", args=[meeting.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    for name in ("who_informs", "member"):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
        assert select and "Rehtori Riikka" in select[0] and "Päällikkö Pekka" in select[0]
    member = re.search(r'<select name="member".*?</select>', page, re.S)
    assert member and re.search(rf'value="{riikka.pk}" selected', member[0])  # the reader
    members_read = [q for q in captured.captured_queries if "leadership_teammember" in q["sql"]]
    assert len([q for q in members_read if 'FROM "accounts_user"' in q["sql"]]) == 1
    TeamMember.objects.filter(pk=gone.pk).update(is_active=False)
    page = client.get(url).content.decode()
    assert "Päällikkö Pekka" not in page  # neither form offers a member who has left


def test_the_agenda_of_a_meeting_to_come_shows_only_periods_that_have_ended(team):
    """Issue #17: a February agenda made in December showed January, not yet begun."""
    from indicators.catalogue import load_catalogue

    load_catalogue()
    today = timezone.localdate()
    meeting_at(team, timezone.now() - timedelta(days=40))  # the last meeting
    later = timezone.now() + timedelta(days=75)
    views = services.build_agenda(meeting_at(team, later)).indicators
    assert views, "the agenda has indicators"
    for view in views:
        assert view.period.end <= today, view.period.code
        assert not view.in_progress
