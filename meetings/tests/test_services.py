"""Meeting records on LP principles: goals, promises, follow-ups, closing, reminders."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import ValidationError
from indicators.models import Event, EventKind
from meetings import reminders, services
from meetings.models import GoalOwner, Promise, PromiseReminder, PromiseStatus
from meetings.services import NewGoal, NewPromise, RecordInput, Review
from meetings.tests.helpers import later_meeting, network_with_meeting, participants
from networks.models import MeetingStatus, NetworkStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(kaakkuri, children):
    return network_with_meeting(kaakkuri, children)


def first_record(network, meeting, coordinator):
    people = participants(network)
    due = timezone.localdate() + timedelta(days=14)
    return services.save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            present=list(people.values()),
            family_view="Aamut ovat raskaita.",
            child_views={network.children.get().pk: "Haluan mennä kouluun kaverin kanssa."},
            common_goal="Eelin toimiva arki",
            protective_factors="Jalkapallo ja isovanhemmat",
            life_areas={
                area.pk: ("Hyvä kaveri", "Väsymys")
                for area in network.programme.life_areas.all()[:1]
            },
            new_goals=[
                NewGoal(
                    GoalOwner.CHILD, "Vähemmän poissaoloja", 3, "0 = ei koulussa, 10 = joka päivä"
                ),
                NewGoal(GoalOwner.PARENTS, "Rauhalliset aamut", 4),
            ],
            new_promises=[
                NewPromise(people["Olli Opettaja"], "Soitan perheelle joka perjantai", due),
                NewPromise(people["Maija Virtanen"], "Herätys klo 7", due),
                NewPromise(
                    people[network.coordinator.full_name]
                    if network.coordinator.full_name in people
                    else people["Olli Opettaja"],
                    "Varaan ajan perheneuvolaan",
                    due,
                ),
            ],
        ),
    )


def test_first_record_marks_the_meeting_held_and_saves_everything(setup):
    network, meeting, coordinator = setup
    record = first_record(network, meeting, coordinator)
    meeting.refresh_from_db()
    network.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert network.status == NetworkStatus.ACTIVE
    assert record.version == 1
    assert network.goals.count() == 2
    assert Promise.objects.filter(network=network, status=PromiseStatus.OPEN).count() == 3
    assert Event.objects.filter(kind=EventKind.NETWORK_CONVENED).count() == 1
    assert record.revisions.count() == 1


def test_a_promise_needs_a_participant_and_a_date(setup):
    network, meeting, coordinator = setup
    people = participants(network)
    for bad in [
        NewPromise(None, "Jotain", timezone.localdate()),
        NewPromise(people["Olli Opettaja"], "Jotain", None),
        NewPromise(people["Olli Opettaja"], "  ", timezone.localdate()),
        NewPromise(people["Olli Opettaja"], "Jotain", timezone.localdate() - timedelta(days=3)),
    ]:
        with pytest.raises(ValidationError) as error:
            services.save_meeting_record(
                meeting=meeting,
                by=coordinator,
                expected_version=0,
                data=RecordInput(common_goal="x", new_promises=[bad]),
            )
        assert "promises" in error.value.message_dict
    assert not Promise.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_ratings_are_between_zero_and_ten(setup):
    network, meeting, coordinator = setup
    with pytest.raises(ValidationError):
        services.save_meeting_record(
            meeting=meeting,
            by=coordinator,
            expected_version=0,
            data=RecordInput(common_goal="x", new_goals=[NewGoal(GoalOwner.CHILD, "Goal", 11)]),
        )


def test_a_future_meeting_cannot_be_recorded(kaakkuri, children):
    network, meeting, coordinator = network_with_meeting(kaakkuri, children, hours_ago=-5)
    with pytest.raises(ValidationError):
        services.save_meeting_record(
            meeting=meeting, by=coordinator, expected_version=0, data=RecordInput(common_goal="x")
        )


def test_the_later_of_two_saves_is_told_what_changed(setup):
    network, meeting, coordinator = setup
    first_record(network, meeting, coordinator)
    services.save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=1,
        data=RecordInput(common_goal="Uusi tavoite", family_view="Muutettu"),
    )
    with pytest.raises(services.StaleRecord) as stale:
        services.save_meeting_record(
            meeting=meeting,
            by=coordinator,
            expected_version=1,
            data=RecordInput(common_goal="Minun versioni"),
        )
    assert {"family_view", "common_goal"} <= set(stale.value.changed)
    assert stale.value.saved_by == coordinator.full_name
    assert meeting.record.common_goal == "Uusi tavoite"


def test_follow_up_reviews_promises_and_re_rates_goals(setup):
    network, meeting, coordinator = setup
    first_record(network, meeting, coordinator)
    follow_up = later_meeting(network, coordinator)
    open_promises = services.open_promises_before(follow_up)
    assert len(open_promises) == 3
    goals = list(network.goals.all())
    services.save_meeting_record(
        meeting=follow_up,
        by=coordinator,
        expected_version=0,
        data=RecordInput(
            common_goal="Eelin toimiva arki",
            ratings={goals[0].pk: 6, goals[1].pk: 5},
            reviews=[
                Review(open_promises[0], PromiseStatus.KEPT),
                Review(open_promises[1], PromiseStatus.PARTLY, "Kolmena aamuna viidestä"),
                Review(open_promises[2], PromiseStatus.NOT_KEPT, "Aikoja ei ollut"),
            ],
        ),
    )
    statuses = sorted(Promise.objects.values_list("status", flat=True))
    assert statuses == sorted([PromiseStatus.KEPT, PromiseStatus.PARTLY, PromiseStatus.NOT_KEPT])
    meetings, rows = services.goal_progress(network)
    assert [m.pk for m in meetings] == [meeting.pk, follow_up.pk]
    assert [values for _goal, values in rows] == [[3, 6], [4, 5]]
    assert Event.objects.filter(kind=EventKind.PROMISE_REVIEWED).count() == 3
    chart = services.goal_chart(meetings, rows)
    assert len(chart["labels"]) == 2 and chart["series"][0]["values"] == [3, 6]


def test_a_reviewed_promise_cannot_be_reviewed_again(setup):
    network, meeting, coordinator = setup
    first_record(network, meeting, coordinator)
    follow_up = later_meeting(network, coordinator)
    promise = services.open_promises_before(follow_up)[0]
    services.save_meeting_record(
        meeting=follow_up,
        by=coordinator,
        expected_version=0,
        data=RecordInput(common_goal="x", reviews=[Review(promise, PromiseStatus.KEPT)]),
    )
    with pytest.raises(ValidationError):
        services.save_meeting_record(
            meeting=follow_up,
            by=coordinator,
            expected_version=1,
            data=RecordInput(common_goal="x", reviews=[Review(promise, PromiseStatus.NOT_KEPT)]),
        )


def test_closing_needs_open_promises_resolved_first(setup):
    network, meeting, coordinator = setup
    first_record(network, meeting, coordinator)
    with pytest.raises(ValidationError) as error:
        services.close_network(
            network=network, by=coordinator, reason="goal_reached", summary="Arki sujuu."
        )
    assert "__all__" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.resolve_open_promises(network=network, by=coordinator, note=" ")
    assert (
        services.resolve_open_promises(network=network, by=coordinator, note="Sovittiin yhdessä")
        == 3
    )
    with pytest.raises(ValidationError) as error:
        services.close_network(network=network, by=coordinator, reason="bored", summary="")
    assert set(error.value.message_dict) >= {"reason", "summary"}
    services.close_network(
        network=network, by=coordinator, reason="goal_reached", summary="Arki sujuu."
    )
    network.refresh_from_db()
    assert network.status == NetworkStatus.CLOSED
    assert Event.objects.get(kind=EventKind.NETWORK_CLOSED).outcome == "goal_reached"


def test_reminders_go_two_days_before_and_when_overdue_once_each(setup):
    network, meeting, coordinator = setup
    first_record(network, meeting, coordinator)
    Promise.objects.update(due=timezone.localdate() + timedelta(days=2))
    mail.outbox.clear()
    # The teacher and the parent have email addresses; the coordinator-less promise goes to the teacher too.
    sent = reminders.send_promise_reminders()
    assert sent == 3
    assert {m.to[0] for m in mail.outbox} == {"opettaja@example.fi", "maija@example.fi"}
    assert all("Virtanen" not in m.subject for m in mail.outbox)
    assert reminders.send_promise_reminders() == 0
    overdue_day = timezone.localdate() + timedelta(days=3)
    assert reminders.send_promise_reminders(today=overdue_day) == 3
    assert reminders.send_promise_reminders(today=overdue_day) == 0
    assert PromiseReminder.objects.count() == 6


def _resave(record, meeting, coordinator, ratings, life_areas):
    return services.save_meeting_record(
        meeting=meeting,
        by=coordinator,
        expected_version=record.version,
        data=RecordInput(
            common_goal=record.common_goal,
            present=list(record.present.all()),
            ratings=ratings,
            life_areas=life_areas,
        ),
    )


def test_resaving_changes_clears_and_adds_ratings_and_life_area_notes(setup):
    from meetings.models import GoalRating, LifeAreaNote

    network, meeting, coordinator = setup
    record = first_record(network, meeting, coordinator)
    goals = list(network.goals.order_by("order"))
    areas = list(network.programme.life_areas.all()[:2])
    record = _resave(
        record,
        meeting,
        coordinator,
        {goals[0].pk: 7, goals[1].pk: None},
        {areas[0].pk: (" Uusi vahvuus ", "Väsymys"), areas[1].pk: ("Harrastus", "")},
    )
    assert dict(GoalRating.objects.filter(meeting=meeting).values_list("goal_id", "rating")) == {
        goals[0].pk: 7
    }
    notes = {
        note.life_area_id: (note.strengths, note.vulnerabilities)
        for note in LifeAreaNote.objects.filter(record=record)
    }
    assert notes == {areas[0].pk: ("Uusi vahvuus", "Väsymys"), areas[1].pk: ("Harrastus", "")}
    _resave(record, meeting, coordinator, {goals[1].pk: 2}, {})
    assert dict(GoalRating.objects.filter(meeting=meeting).values_list("goal_id", "rating")) == {
        goals[0].pk: 7,
        goals[1].pk: 2,
    }


def test_saving_takes_as_many_queries_for_many_goals_and_life_areas_as_for_one(setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    network, meeting, coordinator = setup
    record = first_record(network, meeting, coordinator)
    goals = list(network.goals.order_by("order"))
    areas = list(network.programme.life_areas.all())
    assert len(goals) >= 2 and len(areas) >= 3
    counts = []
    for size, rating in [(1, 5), (len(goals), 6), (1, 7), (len(goals), 8)]:
        with CaptureQueriesContext(connection) as captured:
            record = _resave(
                record,
                meeting,
                coordinator,
                {goal.pk: rating for goal in goals[:size]},
                {area.pk: (f"vahvuus {rating}", "") for area in areas[: size + 1]},
            )
        counts.append(len(captured))
    assert counts[0] == counts[1] and counts[2] == counts[3]


def test_rating_a_goal_outside_the_network_is_refused_and_nothing_is_written(setup):
    from meetings.models import Goal, GoalRating, MeetingRecord

    network, meeting, coordinator = setup
    record = first_record(network, meeting, coordinator)
    own = network.goals.order_by("order").first()
    outside = (Goal.objects.order_by("-pk").first().pk or 0) + 1000
    before = set(GoalRating.objects.values_list("pk", "rating"))
    with pytest.raises(ValidationError) as error:
        _resave(record, meeting, coordinator, {own.pk: 9, outside: 9}, {})
    assert "goals" in error.value.message_dict
    assert MeetingRecord.objects.get(pk=record.pk).version == record.version
    assert set(GoalRating.objects.values_list("pk", "rating")) == before


def test_each_revision_keeps_what_the_saved_record_reads_back(setup):
    """The revision is built from what the save wrote, not read back: it must equal
    ``snapshot()`` of the record as the database then holds it, whatever the save changed."""
    from meetings.models import MeetingRecord

    network, meeting, coordinator = setup
    record = first_record(network, meeting, coordinator)
    child = network.children.get()
    people = list(participants(network).values())
    areas = list(network.programme.life_areas.all()[:3])
    saves = [
        # Fewer present, the child's view emptied (removed), a note changed and one added.
        RecordInput(
            present=people[:1],
            child_views={child.pk: "  "},
            life_areas={areas[0].pk: ("Uusi", " Väsymys "), areas[1].pk: ("Harrastus", "")},
        ),
        # The view written again with spaces around it, everyone present twice over.
        RecordInput(
            present=people + people[:1],
            child_views={child.pk: "  Oma ääni  "},
            life_areas={areas[2].pk: ("", "Uni")},
        ),
        # Nothing of the related rows given: what was saved before stays.
        RecordInput(common_goal="Vain tavoite"),
    ]
    for data in saves:
        record = services.save_meeting_record(
            meeting=meeting, by=coordinator, expected_version=record.version, data=data
        )
        kept = record.revisions.get(version=record.version).snapshot
        assert kept == services.snapshot(MeetingRecord.objects.get(pk=record.pk))
    assert kept["child_views"] == {str(child.pk): "Oma ääni"}
    assert set(kept["life_areas"]) == {str(area.pk) for area in areas}
