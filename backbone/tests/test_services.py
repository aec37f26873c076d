"""The backbone's verbs: targeting, read receipts, registration, attendance, training records."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from audit.roles import Role
from backbone import services
from backbone.models import (
    BulletinRead,
    EventKind,
    Method,
    Registration,
    TaskStatus,
    TrainingRecord,
)
from backbone.tests.helpers import make_event, professional
from core.errors import ValidationError
from directory.models import Sector

pytestmark = pytest.mark.django_db


def publish(author, **targets):
    return services.publish_bulletin(title="Tiedote", body="Asiaa", author=author, **targets)


def titles(user):
    return {bulletin.title for bulletin in services.bulletins_for(user)}


# Targeting ------------------------------------------------------------------------------------


def test_an_untargeted_bulletin_reaches_everyone(developer, teacher, nurse):
    bulletin = publish(developer)
    outsider = UserFactory()
    for user in (teacher, nurse, outsider, developer):
        assert services.reaches(bulletin, user)
    assert set(services.targeted_users(bulletin)) == {teacher, nurse, outsider, developer}


def test_an_area_bulletin_reaches_the_area_only(developer, teacher, nurse, kaakkuri):
    bulletin = publish(developer, areas=[kaakkuri])
    assert services.reaches(bulletin, teacher)
    assert not services.reaches(bulletin, nurse)
    assert not services.reaches(bulletin, developer)  # no area membership
    assert list(services.targeted_users(bulletin)) == [teacher]


def test_each_non_empty_target_set_must_match(
    developer, teacher, nurse, kaakkuri, tuira, children, working_age
):
    education = Sector.objects.get(code="education-culture")
    both_areas_education = publish(developer, areas=[kaakkuri, tuira], sectors=[education])
    assert services.reaches(both_areas_education, teacher)
    assert not services.reaches(both_areas_education, nurse)  # right area, wrong sector

    working_age_only = publish(developer, areas=[kaakkuri], programmes=[working_age])
    assert not services.reaches(working_age_only, teacher)  # right area, wrong programme
    Membership.objects.create(user=teacher, role=Role.PROFESSIONAL, programme=working_age)
    assert services.reaches(working_age_only, teacher)
    assert set(services.targeted_users(working_age_only)) == {teacher}

    children_programme = publish(developer, programmes=[children])
    assert set(services.targeted_users(children_programme)) == {teacher, nurse}


def test_an_inactive_position_does_not_place_a_person_in_a_sector(developer, teacher):
    bulletin = publish(developer, sectors=[Sector.objects.get(code="education-culture")])
    assert services.reaches(bulletin, teacher)
    teacher.positions.update(is_active=False)
    assert not services.reaches(bulletin, teacher)
    assert list(services.targeted_users(bulletin)) == []


def test_a_bulletin_needs_a_title_and_text(developer):
    with pytest.raises(ValidationError) as error:
        services.publish_bulletin(title=" ", body="", author=developer)
    assert set(error.value.message_dict) == {"title", "body"}


def test_the_source_of_published_minutes_is_kept(developer, kaakkuri, children):
    bulletin = services.publish_bulletin(
        title="Pöytäkirja",
        body="Päätökset",
        author=developer,
        areas=[kaakkuri],
        programmes=[children],
        source="leadership-meeting:7",
    )
    assert bulletin.source == "leadership-meeting:7"
    assert list(bulletin.areas.all()) == [kaakkuri]


# Read receipts --------------------------------------------------------------------------------


def test_read_receipts_are_idempotent_and_counted_against_the_targeted(
    developer, teacher, nurse, kaakkuri
):
    bulletin = publish(developer, areas=[kaakkuri])
    assert services.read_count(bulletin) == (0, 1)
    assert services.unread_count(teacher) == 1
    first = services.mark_read(bulletin, teacher)
    again = services.mark_read(bulletin, teacher)
    assert first.pk == again.pk and first.read_at == again.read_at
    assert BulletinRead.objects.filter(bulletin=bulletin).count() == 1
    assert services.read_count(bulletin) == (1, 1)
    assert services.unread_count(teacher) == 0
    assert [b.is_read for b in services.bulletins_for(teacher)] == [True]
    services.mark_read(bulletin, nurse)  # someone the bulletin does not reach
    assert services.read_count(bulletin) == (1, 1)


# Registration ---------------------------------------------------------------------------------


def test_registration_is_idempotent(developer, teacher):
    event = make_event(developer, capacity=1)
    first = services.register(event, teacher)
    assert services.register(event, teacher) == first
    assert Registration.objects.filter(event=event).count() == 1


def test_a_full_event_refuses_registration(developer, teacher, nurse):
    event = make_event(developer, capacity=1)
    services.register(event, teacher)
    with pytest.raises(ValidationError, match="täynnä"):  # "The event is full."
        services.register(event, nurse)
    assert not Registration.objects.filter(event=event, user=nurse).exists()


def test_a_past_event_refuses_registration_and_cancellation(developer, teacher):
    event = make_event(developer, days=-1)
    with pytest.raises(ValidationError, match="alkanut"):  # "has already started"
        services.register(event, teacher)
    Registration.objects.create(event=event, user=teacher)
    with pytest.raises(ValidationError, match="alkanut"):  # "has already started"
        services.cancel_registration(event, teacher)
    assert Registration.objects.filter(event=event, user=teacher).exists()


def test_cancelling_frees_the_place(developer, teacher, nurse):
    event = make_event(developer, capacity=1)
    services.register(event, teacher)
    services.cancel_registration(event, teacher)
    services.cancel_registration(event, teacher)  # idempotent
    services.register(event, nurse)
    assert list(event.registrations.values_list("user", flat=True)) == [nurse.pk]


# Attendance and training records --------------------------------------------------------------


def test_attending_a_training_completes_the_method_on_the_event_day(
    developer, teacher, past_lp_training
):
    registration = services.record_attendance(past_lp_training, teacher, True, by=developer)
    assert registration.attended is True
    record = TrainingRecord.objects.get(user=teacher, method=Method.LP)
    assert record.completed_on == timezone.localtime(past_lp_training.starts_at).date()
    assert record.event == past_lp_training and record.recorded_by == developer
    services.record_attendance(past_lp_training, teacher, True, by=developer)
    assert TrainingRecord.objects.filter(user=teacher).count() == 1


def test_an_earlier_completion_is_kept_when_attending_again(developer, teacher, past_lp_training):
    earlier = date(2025, 1, 15)
    services.record_training(teacher, Method.LP, earlier, by=developer)
    services.record_attendance(past_lp_training, teacher, True, by=developer)
    record = TrainingRecord.objects.get(user=teacher, method=Method.LP)
    assert record.completed_on == earlier and record.event is None


def test_unmarking_attendance_removes_the_record_the_event_made(
    developer, teacher, nurse, past_lp_training
):
    services.record_training(nurse, Method.LP, date(2025, 1, 15), by=developer)
    for person in (teacher, nurse):
        services.record_attendance(past_lp_training, person, True, by=developer)
        services.record_attendance(past_lp_training, person, False, by=developer)
    assert not TrainingRecord.objects.filter(user=teacher).exists()
    assert TrainingRecord.objects.get(user=nurse).completed_on == date(2025, 1, 15)


def test_attending_a_seminar_trains_no_method(developer, teacher):
    seminar = make_event(developer, days=-1, kind=EventKind.SEMINAR)
    services.record_attendance(seminar, teacher, True, by=developer)
    assert not TrainingRecord.objects.exists()


def test_attendance_waits_for_the_event_to_start(developer, teacher):
    training = make_event(developer, days=3, kind=EventKind.TRAINING, method=Method.LP)
    with pytest.raises(ValidationError):
        services.record_attendance(training, teacher, True, by=developer)
    assert not Registration.objects.exists() and not TrainingRecord.objects.exists()


def test_an_attendance_list_is_all_or_nothing(developer, teacher, nurse, past_lp_training):
    for person in (teacher, nurse):
        Registration.objects.create(event=past_lp_training, user=person)
    assert services.record_attendance_list(past_lp_training, [nurse], by=developer) == 1
    marks = dict(past_lp_training.registrations.values_list("user", "attended"))
    assert marks == {teacher.pk: False, nurse.pk: True}
    assert list(TrainingRecord.objects.values_list("user", flat=True)) == [nurse.pk]


def test_record_training_keeps_the_earliest_date(developer, teacher):
    services.record_training(teacher, Method.LP, date(2025, 6, 1), by=developer)
    services.record_training(teacher, Method.LP, date(2025, 9, 1), by=developer)
    assert TrainingRecord.objects.get(user=teacher).completed_on == date(2025, 6, 1)
    services.record_training(teacher, Method.LP, date(2025, 3, 1), by=developer)
    assert TrainingRecord.objects.get(user=teacher).completed_on == date(2025, 3, 1)
    services.record_training(teacher, Method.WORK_ABILITY, date(2025, 9, 1), by=developer)
    assert TrainingRecord.objects.filter(user=teacher).count() == 2


@pytest.mark.parametrize(
    ("method", "completed_on", "field"),
    [
        ("lp", timezone.localdate() + timedelta(days=1), "completed_on"),
        ("lp", None, "completed_on"),
        ("lp", "2025-01-01", "completed_on"),
        ("lp", timezone.now() - timedelta(days=1), "completed_on"),
        ("yoga", date(2025, 1, 1), "method"),
        ("", date(2025, 1, 1), "method"),
    ],
)
def test_record_training_refuses_bad_input(developer, teacher, method, completed_on, field):
    with pytest.raises(ValidationError) as error:
        services.record_training(teacher, method, completed_on, by=developer)
    assert field in error.value.message_dict
    assert not TrainingRecord.objects.exists()


# Events, tasks, instructions and self-reviews -------------------------------------------------


def test_an_event_must_end_after_it_starts_and_only_trainings_train(developer):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.create_event(
            kind=EventKind.WORKSHOP,
            title="Työpaja",
            starts_at=now,
            ends_at=now,
            created_by=developer,
            capacity=0,
            method=Method.LP,
        )
    assert set(error.value.message_dict) == {"ends_at", "capacity", "method"}
    event = services.create_event(
        kind=EventKind.TRAINING,
        title="LP-koulutus",
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=3),
        created_by=developer,
        capacity=20,
        method=Method.LP,
    )
    assert event.method == Method.LP


def test_tasks_are_created_changed_and_removed(developer, kaakkuri):
    task = services.create_task(
        title="Koulutussuunnitelma", owner=developer, due_on=date(2026, 12, 1), areas=[kaakkuri]
    )
    assert task.status == TaskStatus.PLANNED and list(task.areas.all()) == [kaakkuri]
    services.update_task(
        task, title="Koulutussuunnitelma 2027", owner=developer, due_on=date(2027, 1, 31)
    )
    task.refresh_from_db()
    assert task.title.endswith("2027") and list(task.areas.all()) == []
    services.set_task_status(task, TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    services.delete_task(task)
    assert not type(task).objects.exists()


def test_a_task_refuses_bad_input(developer):
    with pytest.raises(ValidationError) as error:
        services.create_task(
            title="Tehtävä",
            owner=developer,
            starts_on=date(2026, 5, 2),
            due_on=date(2026, 5, 1),
        )
    assert "due_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.create_task(title="  ", owner=developer, due_on=date(2026, 5, 1))
    task = services.create_task(title="Tehtävä", owner=developer, due_on=date(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.set_task_status(task, "forgotten")


def test_revising_an_instruction_keeps_it_one_instruction(developer, teacher):
    instruction = services.save_instruction(title="LP-keskustelu", body="Näin", author=developer)
    services.save_instruction(
        title="LP-keskustelu", body="Näin nyt", author=teacher, instruction=instruction
    )
    instruction.refresh_from_db()
    assert (instruction.body, instruction.author) == ("Näin nyt", teacher)
    with pytest.raises(ValidationError):
        services.save_instruction(title="", body="", author=developer)


def test_a_self_review_refuses_bad_input(teacher):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.record_self_review(
            user=teacher, reviewed_on=today + timedelta(days=1), what_i_do=" ", how_well=6
        )
    assert set(error.value.message_dict) == {"reviewed_on", "what_i_do", "how_well"}
    review = services.record_self_review(
        user=teacher, reviewed_on=today, what_i_do="LP-keskustelut", how_well=4
    )
    assert list(teacher.self_reviews.all()) == [review]


def test_a_professional_without_any_scope_still_gets_untargeted_bulletins(developer, configuration):
    loner = professional("yksin@example.fi")
    publish(developer)
    assert titles(loner) == {"Tiedote"}
