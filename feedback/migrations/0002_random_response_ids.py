"""Responses and answers get random ids (UUID) instead of a sequence.

A sequential id orders answers as they were given, which pairs them with the order in which the
invitations were used. The rows are copied into new tables with random ids, in a shuffled order
(so not even the physical order of the copied rows keeps the old one), every answer follows its
response, and the old tables are dropped. Works on SQLite and PostgreSQL; reversible.
"""

import random
import uuid

import django.db.models.deletion
from django.db import migrations, models

BATCH = 500
RESPONSE_FIELDS = ("survey_version_id", "area_id", "programme_id", "audience", "meeting_kind",
                   "occasion", "month")  # fmt: skip
ANSWER_FIELDS = ("question_code", "value", "text")


def _copy(apps, source_response, source_answer, target_response, target_answer, new_id):
    """Copy every response with its answers in a shuffled order; ``new_id`` gives the new ids."""
    Source = apps.get_model("feedback", source_response)
    SourceAnswer = apps.get_model("feedback", source_answer)
    Target = apps.get_model("feedback", target_response)
    TargetAnswer = apps.get_model("feedback", target_answer)
    shuffle = random.SystemRandom().shuffle
    ids = list(Source.objects.values_list("pk", flat=True))
    shuffle(ids)
    copied_answers = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        found = Source.objects.in_bulk(batch)
        rows = []
        for pk in batch:
            old = found[pk]
            rows.append(
                Target(
                    **({"id": new_id()} if new_id else {}),
                    **{name: getattr(old, name) for name in RESPONSE_FIELDS},
                )
            )
        created = Target.objects.bulk_create(rows)
        if any(row.pk is None for row in created):
            raise RuntimeError("the database did not return the new response ids")
        mapping = {pk: row.pk for pk, row in zip(batch, created, strict=True)}
        answers = [
            TargetAnswer(
                **({"id": new_id()} if new_id else {}),
                response_id=mapping[old.response_id],
                **{name: getattr(old, name) for name in ANSWER_FIELDS},
            )
            for old in SourceAnswer.objects.filter(response_id__in=batch)
        ]
        shuffle(answers)
        TargetAnswer.objects.bulk_create(answers, batch_size=BATCH)
        copied_answers += len(answers)
    if Target.objects.count() != len(ids) or TargetAnswer.objects.count() != copied_answers:
        raise RuntimeError("feedback responses were not all copied")
    if copied_answers != SourceAnswer.objects.count():
        raise RuntimeError("feedback answers were not all copied")


def to_random_ids(apps, schema_editor):
    _copy(apps, "Response", "Answer", "NewResponse", "NewAnswer", uuid.uuid4)


def to_sequential_ids(apps, schema_editor):
    _copy(apps, "NewResponse", "NewAnswer", "Response", "Answer", None)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("feedback", "0001_initial"),
        ("programmes", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="NewResponse",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("family", "Family member or client"),
                            ("child", "Child or young person"),
                            ("professional", "Professional"),
                        ],
                        max_length=20,
                    ),
                ),
                ("meeting_kind", models.CharField(blank=True, max_length=20)),
                (
                    "occasion",
                    models.CharField(
                        choices=[("meeting", "After a meeting"), ("closing", "At closing")],
                        max_length=20,
                    ),
                ),
                ("month", models.DateField()),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.area",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="programmes.programme",
                    ),
                ),
                (
                    "survey_version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="feedback.surveyversion",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="NewAnswer",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("question_code", models.CharField(max_length=60)),
                ("value", models.SmallIntegerField(blank=True, null=True)),
                ("text", models.TextField(blank=True, max_length=2000)),
                (
                    "response",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="feedback.newresponse",
                    ),
                ),
            ],
        ),
        migrations.RunPython(to_random_ids, to_sequential_ids, elidable=False),
        migrations.DeleteModel(name="Answer"),
        migrations.DeleteModel(name="Response"),
        migrations.RenameModel(old_name="NewResponse", new_name="Response"),
        migrations.RenameModel(old_name="NewAnswer", new_name="Answer"),
        migrations.AlterField(
            model_name="response",
            name="survey_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="feedback.surveyversion",
            ),
        ),
        migrations.AlterField(
            model_name="answer",
            name="response",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="feedback.response",
            ),
        ),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(
                fields=["area", "programme", "month", "audience"],
                name="feedback_re_area_id_870067_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["question_code"], name="feedback_an_questio_ed9648_idx"),
        ),
    ]
