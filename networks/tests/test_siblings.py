"""A family with several children gets one network: each child with their own view, goals and
age; a sibling's later contact finds the family's network; today's networks keep every record."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.errors import ValidationError
from meetings import services as meeting_services
from meetings.memo import memo_context
from meetings.models import ChildView, Goal, GoalOwner
from meetings.services import NewGoal, RecordInput, goal_groups, goal_progress
from meetings.tests.helpers import network_with_meeting, participants
from networks import services
from networks.models import Child, NetworkStatus
from networks.selectors import open_family_networks, open_networks_matching

pytestmark = pytest.mark.django_db


def another_network(area, programme, name):
    from contacts.tests.helpers import a_contact, coordinator_of

    coordinator = coordinator_of(area, programme, email=f"k{programme.pk}@example.fi")
    contact = a_contact(area, programme, coordinator)
    return services.open_network(
        contact=contact, by=coordinator, subject_name=name, subject_birth_date=None
    ), coordinator


@pytest.fixture
def family(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children)
    eetu = services.add_child(
        network=network, by=coordinator, name="Eetu Virtanen", birth_date=date(2019, 4, 2)
    )
    return network, meeting, coordinator, eetu


def test_a_childrens_network_starts_with_its_child_and_a_clients_with_none(
    kaakkuri, children, working_age
):
    network, _meeting, _coordinator = network_with_meeting(kaakkuri, children)
    assert [child.name for child in network.children.all()] == ["Eeli Virtanen"]
    client_network, _c = another_network(kaakkuri, working_age, "Kalle Asiakas")
    assert not client_network.children.exists()


def test_a_sibling_is_added_once_and_only_to_an_open_family_network(family, working_age, kaakkuri):
    network, _meeting, coordinator, eetu = family
    assert [c.name for c in network.children.all()] == ["Eeli Virtanen", "Eetu Virtanen"]
    assert eetu.age is not None and eetu.age >= 7
    with pytest.raises(ValidationError):
        services.add_child(
            network=network, by=coordinator, name=" eetu  VIRTANEN ", birth_date=date(2019, 4, 2)
        )
    with pytest.raises(ValidationError):
        services.add_child(network=network, by=coordinator, name="  ", birth_date=None)
    with pytest.raises(ValidationError):
        services.add_child(
            network=network,
            by=coordinator,
            name="Vauva",
            birth_date=date.today() + timedelta(days=3),
        )
    type(network).objects.filter(pk=network.pk).update(status=NetworkStatus.CLOSED)
    with pytest.raises(ValidationError):
        services.add_child(network=network, by=coordinator, name="Iida Virtanen", birth_date=None)
    client_network, client_coordinator = another_network(kaakkuri, working_age, "Kalle Asiakas")
    with pytest.raises(ValidationError):
        services.add_child(
            network=client_network, by=client_coordinator, name="Iida", birth_date=None
        )


def test_each_child_has_their_own_view_and_goals(family):
    network, meeting, coordinator, eetu = family
    eeli = network.children.get(name="Eeli Virtanen")
    people = participants(network)
    meeting_services.save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            present=list(people.values()),
            family_view="Aamut ovat raskaita.",
            child_views={eeli.pk: "Haluan mennä kouluun.", eetu.pk: "Haluan leikkiä."},
            common_goal="Toimiva arki",
            new_goals=[
                NewGoal(GoalOwner.CHILD, "Kouluun joka päivä", 3, child=eeli),
                NewGoal(GoalOwner.CHILD, "Uni tulee illalla", 5, child=eetu),
                NewGoal(GoalOwner.PARENTS, "Rauhalliset aamut", 4),
            ],
        ),
    )
    views = {v.child.name: v.text for v in ChildView.objects.select_related("child")}
    assert views == {"Eeli Virtanen": "Haluan mennä kouluun.", "Eetu Virtanen": "Haluan leikkiä."}
    _meetings, rows = goal_progress(network)
    groups = [(whose, [goal.text for goal, _r in goals]) for whose, goals in goal_groups(rows)]
    assert groups == [
        ("Eeli Virtanen", ["Kouluun joka päivä"]),
        ("Eetu Virtanen", ["Uni tulee illalla"]),
        ("Vanhempien tavoite", ["Rauhalliset aamut"]),
    ]
    context = memo_context(meeting)
    assert [v.child.name for v in context["child_views"]] == ["Eeli Virtanen", "Eetu Virtanen"]


def test_a_child_goal_in_a_family_of_several_names_its_child(family):
    network, meeting, coordinator, _eetu = family
    with pytest.raises(ValidationError):
        meeting_services.save_meeting_record(
            meeting=meeting,
            by=coordinator,
            expected_version=0,
            data=RecordInput(
                common_goal="Toimiva arki",
                new_goals=[NewGoal(GoalOwner.CHILD, "Kenen tavoite?", 3)],
            ),
        )
    assert not Goal.objects.filter(network=network).exists()


def test_another_networks_child_cannot_be_given_a_view(family, kaakkuri, children):
    network, meeting, coordinator, _eetu = family
    other = Child.objects.create(
        network=network, name="x", match_key="x|"
    )  # belongs to this network: allowed
    stranger_network, _c = another_network(kaakkuri, children, "Vieras Lapsi")
    stranger = stranger_network.children.get()
    with pytest.raises(ValidationError):
        meeting_services.save_meeting_record(
            meeting=meeting,
            by=coordinator,
            expected_version=0,
            data=RecordInput(common_goal="x", child_views={stranger.pk: "vieras"}),
        )
    assert not ChildView.objects.exists()
    assert other.network_id == network.pk


def test_the_record_form_and_the_memo_show_each_child(family, client):
    network, meeting, coordinator, eetu = family
    eeli = network.children.get(name="Eeli Virtanen")
    client.force_login(coordinator)
    url = reverse("meetings:record", args=[meeting.pk])
    page = client.get(url).text
    assert f'name="childview-{eeli.pk}"' in page and f'name="childview-{eetu.pk}"' in page
    assert f'value="child-{eetu.pk}"' in page
    people = participants(network)
    response = client.post(
        url,
        {
            "version": "0",
            "present": [p.pk for p in people.values()],
            "family_view": "",
            f"childview-{eeli.pk}": "Eelin omat sanat",
            f"childview-{eetu.pk}": "Eetun omat sanat",
            "common_goal": "Toimiva arki",
            "protective_factors": "",
            "newgoal-0-owner": f"child-{eetu.pk}",
            "newgoal-0-text": "Eetun tavoite",
            "newgoal-0-rating": "4",
        },
    )
    assert response.status_code == 302, response.text
    assert Goal.objects.get(text="Eetun tavoite").child == eetu
    memo = client.get(reverse("meetings:memo", args=[meeting.pk])).text
    assert "<h3>Eetu Virtanen</h3><p>Eetun omat sanat</p>" in memo
    assert "<caption>Eetu Virtanen</caption>" in memo
    plan = client.get(reverse("networks:detail", args=[network.pk])).text
    assert "Eetu Virtanen: tavoitteiden arviot" in plan or "Eetu Virtanen:" in plan


def test_a_sibling_is_found_by_their_own_name_and_the_family_by_guardian_or_sibling(family):
    network, _meeting, _coordinator, _eetu = family
    # The sibling added later is the same child when contacted again.
    assert list(open_networks_matching("Virtanen Eetu", date(2019, 4, 2))) == [network]
    # A new child of the family: by a guardian who is a family member, or by a sibling's name.
    assert list(open_family_networks("maija virtanen")) == [network]
    assert list(open_family_networks("", "Eeli Virtanen")) == [network]
    assert not open_family_networks("Matti Meikäläinen").exists()
    assert not open_family_networks("", "").exists()
    type(network).objects.filter(pk=network.pk).update(status=NetworkStatus.CLOSED)
    assert not open_family_networks("Maija Virtanen").exists()


def test_the_coordinator_adds_a_sibling_on_the_network_page(family, client):
    network, _meeting, coordinator, _eetu = family
    client.force_login(coordinator)
    detail = client.get(reverse("networks:detail", args=[network.pk])).text
    assert reverse("networks:add_child", args=[network.pk]) in detail
    response = client.post(
        reverse("networks:add_child", args=[network.pk]), {"name": "Iida Virtanen"}
    )
    assert response.status_code == 302
    assert network.children.filter(name="Iida Virtanen").exists()
    again = client.post(
        reverse("networks:add_child", args=[network.pk]), {"name": "Iida Virtanen"}, follow=True
    )
    assert network.children.filter(name="Iida Virtanen").count() == 1
    assert "jo tässä verkostossa" in again.text or "already in this network" in again.text


def test_todays_one_child_networks_get_their_child(kaakkuri, children, working_age):
    from importlib import import_module

    from django.apps import apps

    network, _meeting, _coordinator = network_with_meeting(kaakkuri, children)
    client_network, _c = another_network(kaakkuri, working_age, "Kalle Asiakas")
    Child.objects.all().delete()  # as before the migration
    migration = import_module("networks.migrations.0007_network_children")
    migration.one_child_per_family_network(apps, None)
    (child,) = Child.objects.all()
    assert (child.network, child.name, child.match_key) == (
        network,
        network.subject_name,
        network.match_key,
    )
    assert not client_network.children.exists()
