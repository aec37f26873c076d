"""Keeping the leadership teams: create, set the rhythm, add and remove members, the change log."""

from datetime import time

import pytest
from django.urls import reverse

from accounts.tests.factories import user_with_role
from audit.roles import Role
from directory.models import Sector
from leadership import services
from leadership.models import (
    LeadershipTeam,
    MembershipChangeKind,
    TeamMember,
    TeamMembershipChange,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def developer():
    return user_with_role(Role.DEVELOPER_WORKER, full_name="Kehittäjä Kaija")


@pytest.fixture
def children(configuration):
    return configuration["children-families"]


@pytest.fixture
def team(children, kaakkuri):
    return LeadershipTeam.objects.create(
        name="Kaakkurin johtotiimi",
        area=kaakkuri,
        programme=children,
        common_goal="Lasten toimiva arki",
        week_of_month=1,
        weekday=1,
        meeting_time=time(14),
        place="Kaakkurin koulu",
    )


def sector(code):
    return Sector.objects.get(code=code)


def team_data(children, **changes):
    data = {
        "name": "Tuiran johtotiimi",
        "area": "",
        "programme": children.pk,
        "common_goal": "Perheet saavat avun yhdestä yhteydenotosta",
        "week_of_month": "2",
        "weekday": "3",
        "meeting_time": "13:30",
        "place": "Tuiran hyvinvointikeskus",
    }
    return data | changes


def test_the_developer_worker_creates_a_team_for_all_areas(client, developer, children):
    client.force_login(developer)
    assert client.get(reverse("leadership:team_new")).status_code == 200
    response = client.post(reverse("leadership:team_new"), team_data(children))
    created = LeadershipTeam.objects.get(name="Tuiran johtotiimi")
    assert response.status_code == 302
    assert response["Location"] == reverse("leadership:team", args=[created.pk])
    assert created.area is None and created.programme == children
    assert (created.week_of_month, created.weekday, created.meeting_time) == (2, 3, time(13, 30))


def test_the_administrator_creates_a_team_and_lands_on_its_keeping_page(client, children):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    response = client.post(reverse("leadership:team_new"), team_data(children))
    created = LeadershipTeam.objects.get()
    assert response["Location"] == reverse("leadership:team_edit", args=[created.pk])


def test_the_rhythm_and_the_time_are_validated_in_the_users_language(
    client, developer, children, settings
):
    settings.LANGUAGE_CODE = "en"
    client.force_login(developer)
    response = client.post(
        reverse("leadership:team_new"),
        team_data(children, week_of_month="5", meeting_time="", name=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"week_of_month", "meeting_time", "name"}
    assert "Select a valid choice" in form.errors["week_of_month"][0]
    assert not LeadershipTeam.objects.exists()


def test_the_service_refuses_a_fifth_week(developer, children):
    with pytest.raises(services.ValidationError) as error:
        services.create_team(
            by=developer,
            name="x",
            area=None,
            programme=children,
            common_goal="y",
            week_of_month=5,
            weekday=1,
            meeting_time=time(14),
            place="",
        )
    assert "week_of_month" in error.value.message_dict


def test_the_developer_worker_edits_the_rhythm(client, developer, team, children):
    client.force_login(developer)
    assert client.get(reverse("leadership:team_edit", args=[team.pk])).status_code == 200
    data = team_data(children, name="Kaakkurin johtotiimi", area=team.area_id, weekday="0")
    response = client.post(reverse("leadership:team_edit", args=[team.pk]), data)
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.week_of_month, team.weekday, team.meeting_time) == (2, 0, time(13, 30))


def test_members_are_added_with_their_sector_and_a_chair(client, developer, team):
    riikka = user_with_role(Role.LEADERSHIP_MEMBER, full_name="Rehtori Riikka")
    pekka = user_with_role(Role.LEADERSHIP_MEMBER, full_name="Päällikkö Pekka")
    client.force_login(developer)
    url = reverse("leadership:add_member", args=[team.pk])
    assert client.get(url).status_code == 200
    first = {"user": riikka.pk, "sector": sector("education-culture").pk, "is_chair": "on"}
    assert client.post(url, first).status_code == 302
    second = {"user": pekka.pk, "sector": sector("social-health").pk}
    assert client.post(url, second).status_code == 302
    members = {m.user: m for m in team.members.all()}
    assert members[riikka].is_chair and members[riikka].sector.code == "education-culture"
    assert not members[pekka].is_chair
    kinds = list(
        TeamMembershipChange.objects.order_by("pk").values_list("member__full_name", "kind")
    )
    assert kinds == [
        ("Rehtori Riikka", MembershipChangeKind.ADDED),
        ("Rehtori Riikka", MembershipChangeKind.CHAIR),
        ("Päällikkö Pekka", MembershipChangeKind.ADDED),
    ]
    assert all(c.by == developer for c in TeamMembershipChange.objects.all())
    # A new chair replaces the old one.
    client.post(reverse("leadership:make_chair", args=[team.pk, members[pekka].pk]))
    assert [m.user for m in team.members.filter(is_chair=True)] == [pekka]


def test_no_duplicate_member_and_a_sector_is_required(client, developer, team, settings):
    settings.LANGUAGE_CODE = "en"
    riikka = user_with_role(Role.LEADERSHIP_MEMBER, full_name="Rehtori Riikka")
    services.add_member(team=team, user=riikka, sector=sector("social-health"), by=developer)
    client.force_login(developer)
    url = reverse("leadership:add_member", args=[team.pk])
    response = client.post(url, {"user": riikka.pk, "sector": sector("social-health").pk})
    assert response.status_code == 200 and "user" in response.context["form"].errors
    with pytest.raises(services.ValidationError) as error:
        services.add_member(team=team, user=riikka, sector=None, by=developer)
    assert set(error.value.message_dict) == {"user", "sector"}
    assert team.members.count() == 1


def test_a_user_without_a_leadership_role_cannot_be_added(developer, team):
    outsider = user_with_role(Role.PROFESSIONAL)
    with pytest.raises(services.ValidationError):
        services.add_member(team=team, user=outsider, sector=sector("social-health"), by=developer)
    assert outsider not in services.member_candidates(team)


def test_a_removed_member_loses_the_team_page_at_once(client, developer, team):
    riikka = user_with_role(Role.LEADERSHIP_MEMBER, full_name="Rehtori Riikka")
    member = services.add_member(
        team=team, user=riikka, sector=sector("education-culture"), by=developer
    )
    client.force_login(riikka)
    assert client.get(reverse("leadership:team", args=[team.pk])).status_code == 200
    client.force_login(developer)
    response = client.post(reverse("leadership:remove_member", args=[team.pk, member.pk]))
    assert response.status_code == 302
    client.force_login(riikka)
    assert client.get(reverse("leadership:team", args=[team.pk])).status_code == 404
    assert team not in client.get(reverse("leadership:teams")).context["teams"]
    member.refresh_from_db()
    assert not member.is_active
    latest = TeamMembershipChange.objects.first()
    assert (latest.kind, latest.member, latest.by) == (
        MembershipChangeKind.REMOVED,
        riikka,
        developer,
    )
    # Added back: the same membership row is active again and the change is recorded.
    services.add_member(team=team, user=riikka, sector=sector("social-health"), by=developer)
    assert TeamMember.objects.get(team=team, user=riikka).is_active
    assert TeamMembershipChange.objects.filter(team=team).count() == 3


@pytest.mark.parametrize("role", [Role.LEADERSHIP_MEMBER, Role.COORDINATOR])
def test_a_leadership_member_or_coordinator_cannot_keep_teams(client, role, team, children):
    user = user_with_role(role)
    if role == Role.LEADERSHIP_MEMBER:
        services.add_member(team=team, user=user, sector=sector("social-health"), by=None)
    member = team.members.first()
    client.force_login(user)
    assert client.get(reverse("leadership:team_new")).status_code == 403
    assert client.post(reverse("leadership:team_new"), team_data(children)).status_code == 403
    assert client.get(reverse("leadership:team_edit", args=[team.pk])).status_code == 403
    assert client.get(reverse("leadership:add_member", args=[team.pk])).status_code == 403
    other = user_with_role(Role.LEADERSHIP_MEMBER)
    added = {"user": other.pk, "sector": sector("social-health").pk}
    assert client.post(reverse("leadership:add_member", args=[team.pk]), added).status_code == 403
    if member:
        url = reverse("leadership:remove_member", args=[team.pk, member.pk])
        assert client.post(url).status_code == 403
        assert team.members.get().is_active
    assert LeadershipTeam.objects.count() == 1 and team.members.count() <= 1


def test_the_team_page_shows_the_change_log_and_links_the_missing_sector(client, developer, team):
    riikka = user_with_role(Role.LEADERSHIP_MEMBER, full_name="Rehtori Riikka")
    services.add_member(team=team, user=riikka, sector=sector("education-culture"), by=developer)
    client.force_login(developer)
    response = client.get(reverse("leadership:team", args=[team.pk]))
    html = response.content.decode()
    assert 'class="membership-change" data-kind="added"' in html
    missing = [s.pk for s in response.context["missing"]]
    assert missing
    add = reverse("leadership:add_member", args=[team.pk])
    assert f'href="{add}?sector={missing[0]}"' in html
    assert 'id="add-missing-member"' in html
    # The link preselects the sector on the form.
    form = client.get(f"{add}?sector={missing[0]}").context["form"]
    assert form.initial["sector"] == missing[0]
    # A member sees the warning and the log, but no link to keeping pages.
    client.force_login(riikka)
    html = client.get(reverse("leadership:team", args=[team.pk])).content.decode()
    assert add not in html and 'data-kind="added"' in html


def test_the_edit_page_names_the_missing_sectors_with_add_links(client, developer, team):
    """An administrator lands on the edit page after keeping a team: it says what is missing."""
    client.force_login(developer)
    page = client.get(reverse("leadership:team_edit", args=[team.pk])).content.decode()
    assert 'id="add-missing-member"' in page
    assert reverse("leadership:add_member", args=[team.pk]) + "?sector=" in page
