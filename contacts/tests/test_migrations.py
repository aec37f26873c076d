"""Migrations 0006–0007: every contact's single age band lives on in its age bands, and back."""

import uuid

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("contacts", "0005_caller_kinds")]
AFTER = [("contacts", "0007_remove_contact_age_band")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_single_age_band_becomes_the_contacts_one_band_and_back():
    old = migrate(BEFORE)
    try:
        # Other apps stay migrated: their rows are written with today's models, by id.
        area = current_apps.get_model("directory", "Area").objects.create(
            code="m-area", name="Alue", municipality="Oulu"
        )
        programme = current_apps.get_model("programmes", "Programme").objects.create(
            code="m-programme", name_fi="Ohjelma", common_goal_fi="Arki"
        )
        AgeBand = current_apps.get_model("programmes", "AgeBand")
        young, older = (
            AgeBand.objects.create(programme=programme, code=code, name_fi=code, order=order)
            for order, code in enumerate(["3-6", "7-12"])
        )
        user = current_apps.get_model("accounts", "User").objects.create(
            email="m-coordinator@example.fi", full_name="Koordinaattori"
        )
        Contact = old.get_model("contacts", "Contact")
        expected = {}
        for n, band in enumerate([young, older, None, older]):
            contact = Contact.objects.create(
                submission_token=uuid.uuid4(),
                received_at=timezone.now(),
                source="coordinator",
                channel="phone",
                area_id=area.pk,
                programme_id=programme.pk,
                contacted_by="parent",
                concern=f"Huoli {n}",
                consent="agrees",
                recorded_by_id=user.pk,
                age_band_id=band.pk if band else None,
            )
            expected[contact.pk] = {band.pk} if band else set()

        new = migrate(AFTER)

        Contact = new.get_model("contacts", "Contact")
        stored = {
            contact.pk: {band.pk for band in contact.age_bands.all()}
            for contact in Contact.objects.prefetch_related("age_bands")
        }
        assert stored == expected
        assert "age_band" not in {field.name for field in Contact._meta.get_fields()}

        # A family with two children, then back to one band: the younger child's is kept.
        two = next(pk for pk, bands in expected.items() if bands == {young.pk})
        new.get_model("contacts", "ContactAgeBand").objects.create(
            contact_id=two, age_band_id=older.pk
        )
        back = migrate(BEFORE)
        kept = dict(back.get_model("contacts", "Contact").objects.values_list("pk", "age_band_id"))
        assert kept == {
            pk: (young.pk if pk == two else next(iter(bands), None))
            for pk, bands in expected.items()
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("contacts"))
