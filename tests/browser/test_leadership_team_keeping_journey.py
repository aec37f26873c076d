"""Journey: the developer worker creates a leadership team, adds two members with their
sectors, and sees the team page with the members and the membership changes."""

import re

import pytest

from accounts.tests.factories import user_with_role
from audit.roles import Role
from directory.models import Sector
from leadership.models import LeadershipTeam
from tests.browser.test_one_contact_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_developer_worker_creates_a_team_and_adds_members(
    page, accessible, configuration, kaakkuri
):
    children = configuration["children-families"]
    developer = user_with_role(
        Role.DEVELOPER_WORKER, email="kehittaja@example.fi", full_name="Kehittäjä Kaija"
    )
    riikka = user_with_role(
        Role.LEADERSHIP_MEMBER, email="rehtori@example.fi", full_name="Rehtori Riikka"
    )
    pekka = user_with_role(
        Role.LEADERSHIP_MEMBER, email="paallikko@example.fi", full_name="Päällikkö Pekka"
    )
    sign_in(page, developer)

    page.goto("/leadership/")
    page.locator("#new-team").click()
    page.wait_for_url(re.compile(r"/leadership/teams/new/$"))
    accessible(page)
    page.locator("[name=name]").fill("Kaakkurin johtotiimi")
    page.locator("[name=area]").select_option(str(kaakkuri.pk))
    page.locator("[name=programme]").select_option(str(children.pk))
    page.locator("[name=common_goal]").fill("Lasten ja perheiden toimiva arki")
    page.locator("[name=week_of_month]").select_option("1")
    page.locator("[name=weekday]").select_option("1")
    page.locator("[name=meeting_time]").fill("14:00")
    page.locator("[name=place]").fill("Kaakkurin koulu")
    page.locator("main form button.button[type=submit]").click()
    page.wait_for_url(re.compile(r"/leadership/teams/\d+/$"))
    team = LeadershipTeam.objects.get()
    accessible(page)

    for user, code, chair in [
        (riikka, "education-culture", True),
        (pekka, "social-health", False),
    ]:
        page.locator("#add-member").click()
        page.wait_for_url(re.compile(r"/members/new/"))
        accessible(page)
        page.locator("[name=user]").select_option(str(user.pk))
        page.locator("[name=sector]").select_option(str(Sector.objects.get(code=code).pk))
        if chair:
            page.locator("[name=is_chair]").check()
        page.locator("main form button.button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/leadership/teams/{team.pk}/$"))

    accessible(page)
    members = page.locator("table").first
    assert "Rehtori Riikka" in members.inner_text()
    assert "Päällikkö Pekka" in members.inner_text()
    assert page.locator(".membership-change[data-kind=added]").count() == 2
    assert page.locator(".membership-change[data-kind=chair]").count() == 1
    assert page.locator("#add-missing-member").count() == 1  # NGOs, parish and Kela still missing
