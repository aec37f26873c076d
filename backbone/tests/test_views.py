"""The backbone pages: who may reach them, that each renders, and the flows behind the forms."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import user_with_role
from audit.roles import Role
from backbone import services
from backbone.models import (
    ActionPlanTask,
    Bulletin,
    BulletinRead,
    EventKind,
    Instruction,
    Method,
    Registration,
    SelfReview,
    StaffEvent,
    TaskStatus,
    TrainingRecord,
)
from backbone.tests.helpers import make_event
from backbone.urls import urlpatterns

pytestmark = pytest.mark.django_db


def finnish(message, **values):
    """The message as a Finnish user sees it (English until the catalogue has it)."""
    with translation.override("fi"):
        text = translation.gettext(message)
    return text % values if values else text


STAFF_PAGES = ["home", "instructions", "bulletins", "events", "self_reviews"]
MANAGER_PAGES = [
    "tasks",
    "task_create",
    "instruction_create",
    "bulletin_create",
    "bulletin_reads",
    "event_create",
    "training_records",
    "training_record_create",
]


@pytest.fixture
def records(developer, teacher, kaakkuri, past_lp_training):
    """One of everything, so that every page has something to show."""
    task = services.create_task(
        title="Koulutussuunnitelma", owner=developer, due_on=date(2026, 1, 31), areas=[kaakkuri]
    )
    instruction = services.save_instruction(
        title="LP-keskustelu", body="Näin käydään", author=developer
    )
    bulletin = services.publish_bulletin(
        title="Kaakkurin tiedote", body="Asiaa", author=developer, areas=[kaakkuri]
    )
    upcoming = make_event(developer, days=5, capacity=10)
    services.register(upcoming, teacher)
    Registration.objects.create(event=past_lp_training, user=teacher)
    services.record_training(teacher, Method.WORK_ABILITY, date(2025, 5, 1), by=developer)
    services.record_self_review(
        user=teacher, reviewed_on=timezone.localdate(), what_i_do="LP", how_well=4
    )
    return {
        "task": task,
        "instruction": instruction,
        "bulletin": bulletin,
        "upcoming": upcoming,
        "past": past_lp_training,
    }


def all_pages(records):
    """Every backbone page a GET reaches, with the arguments it needs."""
    pk = {
        "task_edit": records["task"].pk,
        "task_delete": records["task"].pk,
        "instruction": records["instruction"].pk,
        "instruction_edit": records["instruction"].pk,
        "bulletin": records["bulletin"].pk,
        "bulletin_receipts": records["bulletin"].pk,
        "event_attendance": records["past"].pk,
    }
    pages = {name: reverse(f"backbone:{name}") for name in STAFF_PAGES + MANAGER_PAGES}
    pages.update({name: reverse(f"backbone:{name}", args=[value]) for name, value in pk.items()})
    return pages


POST_ONLY = {"task_status", "event_register", "event_cancel"}


def test_every_page_renders_for_the_backbone(client, developer, records):
    pages = all_pages(records)
    assert set(pages) | POST_ONLY == {pattern.name for pattern in urlpatterns}
    client.force_login(developer)
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response.content.count(b"<h1") == 1, name


def test_post_only_actions_refuse_get(client, developer, records):
    client.force_login(developer)
    assert client.get(reverse("backbone:task_status", args=[records["task"].pk])).status_code == 405
    assert (
        client.get(reverse("backbone:event_register", args=[records["upcoming"].pk])).status_code
        == 405
    )


def test_a_professional_reads_but_does_not_manage(client, teacher, records):
    client.force_login(teacher)
    pages = all_pages(records)
    readable = [*STAFF_PAGES, "instruction", "bulletin"]
    for name in readable:
        assert client.get(pages[name]).status_code == 200, name
    managing = [name for name in pages if name not in readable]
    assert len(managing) == 13
    for name in managing:
        assert client.get(pages[name]).status_code == 403, name
    task = records["task"]
    response = client.post(reverse("backbone:task_status", args=[task.pk]), {"status": "done"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.PLANNED


@pytest.mark.parametrize("role", [Role.LEADERSHIP_MEMBER, Role.ADMINISTRATOR])
def test_leadership_members_and_administrators_manage(client, role, records):
    client.force_login(user_with_role(role))
    for name in ("tasks", "bulletin_reads", "training_records"):
        assert client.get(reverse(f"backbone:{name}")).status_code == 200


def test_a_coordinator_does_not_manage(client, records):
    client.force_login(user_with_role(Role.COORDINATOR))
    assert client.get(reverse("backbone:tasks")).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, records):
    response = client.get(reverse("backbone:bulletins"))
    assert response.status_code == 302 and "login" in response["Location"]


# Bulletins ------------------------------------------------------------------------------------


def test_my_bulletins_mark_unread_and_opening_one_records_the_receipt(client, teacher, records):
    bulletin = records["bulletin"]
    client.force_login(teacher)
    unread = f'<span class="tag">{finnish("Unread")}</span>'
    listing = client.get(reverse("backbone:bulletins")).content.decode()
    assert "Kaakkurin tiedote" in listing and unread in listing
    assert client.get(reverse("backbone:bulletin", args=[bulletin.pk])).status_code == 200
    assert client.get(reverse("backbone:bulletin", args=[bulletin.pk])).status_code == 200
    assert BulletinRead.objects.filter(bulletin=bulletin, user=teacher).count() == 1
    listing = client.get(reverse("backbone:bulletins")).content.decode()
    assert unread not in listing


def test_a_bulletin_for_another_area_is_not_shown(client, nurse, records):
    bulletin = records["bulletin"]
    client.force_login(nurse)
    assert "Kaakkurin tiedote" not in client.get(reverse("backbone:bulletins")).content.decode()
    assert client.get(reverse("backbone:bulletin", args=[bulletin.pk])).status_code == 404
    assert not BulletinRead.objects.exists()


def test_a_manager_publishes_a_targeted_bulletin_and_sees_read_counts(
    client, developer, teacher, nurse, kaakkuri, tuira
):
    client.force_login(developer)
    response = client.post(
        reverse("backbone:bulletin_create"),
        {"title": "Tuiran tiedote", "body": "Koulutus alkaa", "areas": [tuira.pk]},
    )
    assert response.status_code == 302
    bulletin = Bulletin.objects.get(title="Tuiran tiedote")
    assert list(bulletin.areas.all()) == [tuira] and bulletin.author == developer
    services.mark_read(bulletin, nurse)
    page = client.get(reverse("backbone:bulletin_reads")).content.decode()
    assert finnish("read by %(read)s of %(targeted)s targeted", read=1, targeted=1) in page
    receipts = client.get(reverse("backbone:bulletin_receipts", args=[bulletin.pk]))
    assert nurse.full_name in receipts.content.decode()
    assert teacher.full_name not in receipts.content.decode()


def test_an_empty_bulletin_is_not_published(client, developer):
    client.force_login(developer)
    response = client.post(reverse("backbone:bulletin_create"), {"title": "", "body": ""})
    assert response.status_code == 200 and not Bulletin.objects.exists()


# Action plan and instructions -----------------------------------------------------------------


def test_a_manager_plans_and_moves_a_task(client, developer):
    client.force_login(developer)
    response = client.post(
        reverse("backbone:task_create"),
        {
            "title": "Seminaari syksyllä",
            "owner": developer.pk,
            "starts_on": "2026-08-01",
            "due_on": "2026-09-30",
            "status": TaskStatus.PLANNED,
        },
    )
    assert response.status_code == 302
    task = ActionPlanTask.objects.get()
    client.post(reverse("backbone:task_status", args=[task.pk]), {"status": "in_progress"})
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    listing = client.get(reverse("backbone:tasks"), {"status": "done"}).content.decode()
    assert '<th scope="row">Seminaari syksyllä' not in listing
    listing = client.get(reverse("backbone:tasks"), {"status": "in_progress"}).content.decode()
    assert '<th scope="row">Seminaari syksyllä' in listing
    client.post(reverse("backbone:task_delete", args=[task.pk]))
    assert not ActionPlanTask.objects.exists()


def test_a_task_due_before_it_starts_is_refused_on_the_form(client, developer):
    client.force_login(developer)
    response = client.post(
        reverse("backbone:task_create"),
        {
            "title": "Tehtävä",
            "owner": developer.pk,
            "starts_on": "2026-09-30",
            "due_on": "2026-08-01",
            "status": TaskStatus.PLANNED,
        },
    )
    assert response.status_code == 200 and not ActionPlanTask.objects.exists()
    assert "field--error" in response.content.decode()


def test_a_manager_writes_and_revises_an_instruction(client, developer, teacher):
    client.force_login(developer)
    client.post(reverse("backbone:instruction_create"), {"title": "Ohje", "body": "Ensin"})
    instruction = Instruction.objects.get()
    client.post(
        reverse("backbone:instruction_edit", args=[instruction.pk]),
        {"title": "Ohje", "body": "Toiseksi"},
    )
    instruction.refresh_from_db()
    assert instruction.body == "Toiseksi"
    client.force_login(teacher)
    page = client.get(reverse("backbone:instruction", args=[instruction.pk])).content.decode()
    assert "Toiseksi" in page


# Events, attendance and training --------------------------------------------------------------


def test_staff_register_and_cancel(client, teacher, nurse, developer):
    event = make_event(developer, capacity=1)
    client.force_login(teacher)
    client.post(reverse("backbone:event_register", args=[event.pk]))
    assert Registration.objects.filter(event=event, user=teacher).exists()
    client.force_login(nurse)
    response = client.post(reverse("backbone:event_register", args=[event.pk]), follow=True)
    assert finnish("The event is full.") in response.content.decode()
    assert not Registration.objects.filter(event=event, user=nurse).exists()
    client.force_login(teacher)
    client.post(reverse("backbone:event_cancel", args=[event.pk]))
    assert not Registration.objects.filter(event=event).exists()


def test_a_manager_announces_a_training(client, developer):
    client.force_login(developer)
    starts = timezone.localtime() + timedelta(days=10)
    response = client.post(
        reverse("backbone:event_create"),
        {
            "kind": EventKind.TRAINING,
            "title": "LP-koulutus",
            "starts_at": starts.strftime("%Y-%m-%dT09:00"),
            "ends_at": starts.strftime("%Y-%m-%dT15:00"),
            "capacity": "20",
            "method": Method.LP,
        },
    )
    assert response.status_code == 302
    assert StaffEvent.objects.get().method == Method.LP


def test_marking_attendance_records_the_training(client, developer, teacher, past_lp_training):
    Registration.objects.create(event=past_lp_training, user=teacher)
    client.force_login(developer)
    url = reverse("backbone:event_attendance", args=[past_lp_training.pk])
    assert client.post(url, {"attended": [teacher.pk]}).status_code == 302
    assert TrainingRecord.objects.get(user=teacher).method == Method.LP
    client.post(url, {})
    assert Registration.objects.get(user=teacher).attended is False
    assert not TrainingRecord.objects.exists()


def test_training_records_are_added_and_filtered(client, developer, teacher, nurse, kaakkuri):
    client.force_login(developer)
    for person, method in ((teacher, Method.LP), (nurse, Method.WORK_ABILITY)):
        response = client.post(
            reverse("backbone:training_record_create"),
            {"user": person.pk, "method": method, "completed_on": "2025-04-01"},
        )
        assert response.status_code == 302
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("backbone:training_record_create"),
        {"user": nurse.pk, "method": Method.LP, "completed_on": future},
    )
    assert response.status_code == 200 and TrainingRecord.objects.count() == 2
    url = reverse("backbone:training_records")
    by_method = client.get(url, {"method": Method.LP}).content.decode()
    assert teacher.full_name in by_method and nurse.full_name not in by_method
    by_area = client.get(url, {"area": kaakkuri.pk}).content.decode()
    assert teacher.full_name in by_area and nurse.full_name not in by_area


def test_my_self_reviews_are_mine(client, teacher, nurse):
    client.force_login(teacher)
    response = client.post(
        reverse("backbone:self_reviews"),
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "what_i_do": "Käyn LP-keskustelut",
            "how_well": "3",
            "what_next": "Kutsun verkoston aiemmin",
        },
    )
    assert response.status_code == 302
    assert SelfReview.objects.get().user == teacher
    client.force_login(nurse)
    assert (
        "Käyn LP-keskustelut" not in client.get(reverse("backbone:self_reviews")).content.decode()
    )
