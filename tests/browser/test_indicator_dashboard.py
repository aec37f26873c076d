"""The leadership team's journey through the figures, on the demo data: the overview, one
indicator's page, an area's drill-down and the situation room's agenda, scanned with axe."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from leadership.models import LeadershipTeam, TeamMeeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leadership_reads_the_figures(page, accessible, settings, tmp_path):
    settings.LOCAL_DIR = tmp_path
    call_command("load_demo", verbosity=0)
    password = (tmp_path / "demo_password").read_text().strip()
    team = LeadershipTeam.objects.get(name="Kaakkurin johtotiimi")
    leader = team.members.select_related("user").first().user
    page.goto("/accounts/login/")
    page.get_by_label("Sähköpostiosoite").fill(leader.email)
    page.get_by_label("Salasana").fill(password)
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(re.compile(r"/$"))

    # 1. The overview: one row per indicator, each with its latest period with figures.
    page.goto("/indicators/")
    page.get_by_role("heading", level=1).wait_for()
    accessible(page)
    overview = page.get_by_role("table")
    row = overview.get_by_role("row").filter(has_text="Pilottipuhelimen käyttöluvut")
    assert re.search(
        r"(tammi|helmi|maalis|huhti|touko|kesä|heinä|elo|syys|loka|marras|joulu)kuu 20\d\d",
        row.inner_text(),
    )
    assert overview.locator("svg.sparkline").count() >= 10
    assert page.evaluate("() => document.body.scrollHeight") < 4000  # not a 19,000-pixel page

    # 2. One indicator: the chart of all areas together, the table by area.
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/indicators/pilot-phone-usage/"))
    accessible(page)
    page.locator("#chart-pilot-phone-usage").wait_for()
    assert (
        page.evaluate(
            "() => Chart.getChart('chart-pilot-phone-usage').data.datasets.filter(d => d.label !== 'Tavoite').length"
        )
        == 1
    )
    table = page.get_by_role("table", name=re.compile("alueittain"))
    assert table.get_by_role("row").count() >= 3  # header, the areas, all areas

    # Choosing two areas draws those two and no more.
    page.get_by_role("checkbox", name="Kaikki alueet").uncheck()
    page.get_by_role("checkbox", name="Kaakkuri").check()
    page.get_by_role("checkbox", name="Tuira").check()
    page.get_by_role("button", name="Piirrä kaavio").click()
    page.wait_for_url(re.compile(r"show="))
    labels = page.evaluate(
        "() => Chart.getChart('chart-pilot-phone-usage').data.datasets.map(d => d.label)"
    )
    assert sorted(label for label in labels if label != "Tavoite") == ["Kaakkuri", "Tuira"]

    # 3. The area's drill-down: Kaakkuri's own figures.
    page.get_by_role("table", name=re.compile("alueittain")).get_by_role(
        "link", name="Kaakkuri"
    ).click()
    page.wait_for_url(re.compile(r"area="))
    accessible(page)
    assert "Kaakkuri" in page.get_by_role("heading", level=1).inner_text()

    # 4. The agenda of the team's latest meeting (a period has ended since the one before):
    # the same overview rows.
    meeting = (
        TeamMeeting.objects.filter(team=team, starts_at__lt=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    page.goto(f"/leadership/meetings/{meeting.pk}/")
    accessible(page)
    agenda = page.locator("section[aria-labelledby=a2]").get_by_role("table")
    first = agenda.get_by_role("row").nth(1)
    assert first.locator("svg.sparkline").count() == 1
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/indicators/[a-z-]+/\?programme=\d+&area=\d+&until="))
    accessible(page)
