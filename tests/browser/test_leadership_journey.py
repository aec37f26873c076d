"""Journey: the agenda lists last month's promises and an indicator with data; two promises
are recorded; the next meeting shows them for review; the minutes PDF holds the decisions."""

import subprocess
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.tests.factories import user_with_role
from audit.roles import Role
from directory.models import Sector
from indicators.catalogue import load_catalogue
from indicators.models import Event, EventKind
from leadership import services
from leadership.models import Commitment, LeadershipTeam, TeamMeeting, TeamMember
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_situation_room(page, accessible, configuration, kaakkuri):
    load_catalogue()
    children = configuration["children-families"]
    team = LeadershipTeam.objects.create(
        name="Kaakkurin johtotiimi",
        area=kaakkuri,
        programme=children,
        common_goal="Lasten toimiva arki",
        meeting_time=time(14),
    )
    riikka = user_with_role(
        Role.LEADERSHIP_MEMBER, email="rehtori@example.fi", full_name="Rehtori Riikka"
    )
    pekka = user_with_role(
        Role.LEADERSHIP_MEMBER, email="paallikko@example.fi", full_name="Päällikkö Pekka"
    )
    for user, code in [(riikka, "education-culture"), (pekka, "social-health")]:
        TeamMember.objects.create(team=team, user=user, sector=Sector.objects.get(code=code))
    now = timezone.now()
    last = TeamMeeting.objects.create(
        team=team,
        starts_at=now - timedelta(days=33),
        ends_at=now - timedelta(days=33) + timedelta(hours=1),
    )
    services.record_commitment(
        meeting=last, by=riikka, member=riikka, text="Koulutan opettajat LP-menetelmään"
    )
    this = TeamMeeting.objects.create(
        team=team, starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=60)
    )
    # Last month's contacts give the monthly pilot-phone indicator data.
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=10)
    for hour in range(8):
        Event.objects.create(
            kind=EventKind.CONTACT_RECEIVED,
            occurred_at=datetime.combine(
                last_month, time(9 + hour), tzinfo=ZoneInfo("Europe/Helsinki")
            ),
            area=kaakkuri,
            programme=children,
        )

    sign_in(page, riikka)
    page.goto(f"/leadership/meetings/{this.pk}/")
    accessible(page)
    assert "Koulutan opettajat LP-menetelmään" in page.locator("#a1").locator("..").inner_text()
    indicators = page.locator("section[aria-labelledby=a2]")
    row = indicators.get_by_role("row").filter(has_text="Pilottipuhelimen käyttöluvut")
    assert "8" in row.inner_text()

    review = page.locator("section[aria-labelledby=a1] form").first
    review.get_by_role("radio").first.check()
    review.locator("button[type=submit]").click()
    page.wait_for_load_state()
    accessible(page)

    decision_form = page.locator(f"form[action='/leadership/meetings/{this.pk}/decisions/']")
    decision_form.locator("textarea[name=what]").fill("Perhesosiaalityön numero auki myös iltaisin")
    decision_form.locator("select[name=who_informs]").select_option(label="Rehtori Riikka")
    decision_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    for member, text in [
        ("Rehtori Riikka", "Tiedotan kouluille päätöksestä"),
        ("Päällikkö Pekka", "Selvitän iltapäivystyksen resurssit"),
    ]:
        form = page.locator(f"form[action='/leadership/meetings/{this.pk}/commitments/']")
        form.locator("select[name=member]").select_option(label=member)
        form.locator("input[name=text]").fill(text)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    accessible(page)
    assert Commitment.objects.filter(meeting=this).count() == 2

    following = TeamMeeting.objects.create(
        team=team, starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=1)
    )
    page.goto(f"/leadership/meetings/{following.pk}/")
    review_section = page.locator("section[aria-labelledby=a1]")
    assert "Tiedotan kouluille päätöksestä" in review_section.inner_text()
    assert "Selvitän iltapäivystyksen resurssit" in review_section.inner_text()
    accessible(page)

    page.goto(f"/leadership/meetings/{this.pk}/minutes/")
    accessible(page)
    with page.expect_download() as download:
        page.locator(f"a[href='/leadership/meetings/{this.pk}/minutes.pdf']").click()
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-", "-"],
            input=download.value.path().read_bytes(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split()
    )
    assert "Perhesosiaalityön numero auki myös iltaisin" in text
