"""The migrations that make stored feedback unlinkable keep every answer (SQLite and PostgreSQL)."""

import importlib
import uuid
from datetime import date, datetime, time

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from feedback.models import FeedbackInvitation

BEFORE = [("feedback", "0001_initial")]
AFTER = [("feedback", "0002_random_response_ids")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_random_ids_keep_every_response_and_its_answers():
    old = migrate(BEFORE)
    try:
        # Other apps stay migrated: their rows are written with today's models, by id.
        area = current_apps.get_model("directory", "Area").objects.create(
            code="m-area", name="Alue", municipality="Oulu"
        )
        programme = current_apps.get_model("programmes", "Programme").objects.create(
            code="m-programme",
            name_fi="Ohjelma",
            common_goal_fi="Arki",
        )
        survey = old.get_model("feedback", "Survey").objects.create(
            programme_id=programme.pk, audience="family", name_fi="Kysely"
        )
        version = old.get_model("feedback", "SurveyVersion").objects.create(
            survey=survey, number=1, questions=[]
        )
        Response = old.get_model("feedback", "Response")
        Answer = old.get_model("feedback", "Answer")
        expected = set()
        for n in range(12):
            response = Response.objects.create(
                survey_version=version,
                area_id=area.pk,
                programme_id=programme.pk,
                audience="family" if n % 3 else "professional",
                meeting_kind="first" if n % 2 else "",
                occasion="meeting",
                month=date(2026, 1 + n % 3, 1),
            )
            answers = [("heard", n % 5 + 1, ""), ("comment", None, f"kommentti {n}")][: 1 + n % 2]
            for code, value, text in answers:
                Answer.objects.create(response=response, question_code=code, value=value, text=text)
            described = (response.audience, response.meeting_kind, response.month)
            expected.add((described, frozenset(answers)))

        new = migrate(AFTER)

        Response = new.get_model("feedback", "Response")
        stored = set()
        for response in Response.objects.prefetch_related("answers"):
            assert isinstance(response.pk, uuid.UUID)
            assert response.survey_version_id == version.pk and response.area_id == area.pk
            kept = frozenset((a.question_code, a.value, a.text) for a in response.answers.all())
            stored.add(((response.audience, response.meeting_kind, response.month), kept))
        assert stored == expected
        assert new.get_model("feedback", "Answer").objects.count() == 18

        # And back: the reverse migration keeps them too.
        back = migrate(BEFORE)
        assert back.get_model("feedback", "Response").objects.count() == 12
        assert back.get_model("feedback", "Answer").objects.count() == 18
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("feedback"))


@pytest.mark.django_db
def test_existing_used_times_are_coarsened_to_the_month(held):
    network, meeting, coordinator = held
    exact = timezone.make_aware(datetime(2026, 3, 1, 0, 30))  # Helsinki, still March
    invitation = FeedbackInvitation.objects.filter(meeting=meeting).first()
    FeedbackInvitation.objects.filter(pk=invitation.pk).update(used_at=exact)
    module = importlib.import_module("feedback.migrations.0003_coarsen_used_at")
    module.coarsen(current_apps, None)
    invitation.refresh_from_db()
    assert invitation.used_at == timezone.make_aware(datetime.combine(date(2026, 3, 1), time.min))
    assert FeedbackInvitation.objects.filter(used_at__isnull=False).count() == 1
