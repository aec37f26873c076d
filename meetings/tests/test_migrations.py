"""Migrations networks 0007 and meetings 0003: today's one-child networks keep every record.

The child a network was opened for becomes its first child; the child's goals and the child's
view recorded at each meeting become that child's. A client's (working-age) network gets no
child, and a view recorded there stays the client's words."""

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("networks", "0006_convening_deadline_outcome"),
    ("meetings", "0002_free_text_max_lengths"),
]
AFTER = [("networks", "0007_network_children"), ("meetings", "0003_child_views_and_goals")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def network(old, area, programme, user, name):
    now = timezone.now()
    made = old.get_model("networks", "Network").objects.create(
        area_id=area.pk,
        programme_id=programme.pk,
        subject_name=name,
        match_key=f"{name.lower()}|",
        first_contact_at=now,
        convening_deadline=now.date(),
        coordinator_id=user.pk,
    )
    meeting = old.get_model("networks", "Meeting").objects.create(
        network_id=made.pk,
        kind="first",
        status="held",
        starts_at=now,
        ends_at=now,
        organiser_id=user.pk,
    )
    return made, meeting


@pytest.mark.django_db(transaction=True)
def test_a_one_child_network_keeps_its_goals_ratings_and_views_as_its_childs():
    old = migrate(BEFORE)
    try:
        area = current_apps.get_model("directory", "Area").objects.create(
            code="m-area", name="Alue", municipality="Oulu"
        )
        Programme = current_apps.get_model("programmes", "Programme")
        family = Programme.objects.create(code="m-family", name_fi="Perhe", common_goal_fi="x")
        working = Programme.objects.create(code="m-working", name_fi="Työ", common_goal_fi="x")
        current_apps.get_model("programmes", "ParticipantKind").objects.create(
            programme=working, code="client", name_fi="Asiakas"
        )
        user = current_apps.get_model("accounts", "User").objects.create(
            email="m-coordinator@example.fi", full_name="Koordinaattori"
        )
        eeli, eeli_meeting = network(old, area, family, user, "Eeli Virtanen")
        kalle, kalle_meeting = network(old, area, working, user, "Kalle Asiakas")
        Record = old.get_model("meetings", "MeetingRecord")
        Record.objects.create(
            meeting_id=eeli_meeting.pk, child_view="Haluan kouluun.", saved_by_id=user.pk
        )
        Record.objects.create(
            meeting_id=kalle_meeting.pk,
            family_view="Haluan töihin.",
            child_view="Omin sanoin.",
            saved_by_id=user.pk,
        )
        Goal = old.get_model("meetings", "Goal")
        child_goal = Goal.objects.create(
            network_id=eeli.pk, owner="child", text="Kouluun", set_in_id=eeli_meeting.pk
        )
        parents_goal = Goal.objects.create(
            network_id=eeli.pk, owner="parents", text="Aamut", set_in_id=eeli_meeting.pk
        )
        old.get_model("meetings", "GoalRating").objects.create(
            goal_id=child_goal.pk, meeting_id=eeli_meeting.pk, rating=4
        )

        new = migrate(AFTER)

        Child = new.get_model("networks", "Child")
        (child,) = Child.objects.all()
        assert (child.network_id, child.name, child.match_key) == (
            eeli.pk,
            "Eeli Virtanen",
            "eeli virtanen|",
        )
        Goal = new.get_model("meetings", "Goal")
        assert Goal.objects.get(pk=child_goal.pk).child_id == child.pk
        assert Goal.objects.get(pk=parents_goal.pk).child_id is None
        assert new.get_model("meetings", "GoalRating").objects.get().rating == 4
        (view,) = new.get_model("meetings", "ChildView").objects.all()
        assert (view.child_id, view.text) == (child.pk, "Haluan kouluun.")
        client_record = new.get_model("meetings", "MeetingRecord").objects.get(
            meeting_id=kalle_meeting.pk
        )
        assert client_record.family_view == "Haluan töihin.\n\nOmin sanoin."
    finally:
        executor = MigrationExecutor(connection)
        migrate([executor.loader.graph.leaf_nodes(app)[0] for app in ("networks", "meetings")])
