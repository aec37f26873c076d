"""A contact takes one or more children's age bands (a family with several children).

The single ``age_band`` of every contact is copied into ``age_bands``; migration 0007 then
removes the old field. Going back keeps the lowest band of each contact.
"""

import django.db.models.deletion
from django.db import migrations, models


def copy_single_band(apps, schema_editor):
    """Every contact's former band becomes its one band in ``age_bands``."""
    Contact = apps.get_model("contacts", "Contact")
    ContactAgeBand = apps.get_model("contacts", "ContactAgeBand")
    rows = (
        ContactAgeBand(contact_id=contact_id, age_band_id=band_id)
        for contact_id, band_id in Contact.objects.filter(age_band__isnull=False)
        .order_by("pk")
        .values_list("pk", "age_band_id")
        .iterator(chunk_size=2000)
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 2000:
            ContactAgeBand.objects.bulk_create(batch)
            batch = []
    ContactAgeBand.objects.bulk_create(batch)


def keep_lowest_band(apps, schema_editor):
    """Back to one band: the youngest (lowest-ordered) of each contact's bands."""
    Contact = apps.get_model("contacts", "Contact")
    ContactAgeBand = apps.get_model("contacts", "ContactAgeBand")
    first: dict[int, int] = {}
    for contact_id, band_id in ContactAgeBand.objects.order_by(
        "contact_id", "age_band__order", "age_band__code"
    ).values_list("contact_id", "age_band_id"):
        first.setdefault(contact_id, band_id)
    for contact_id, band_id in first.items():
        Contact.objects.filter(pk=contact_id).update(age_band_id=band_id)


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0005_caller_kinds"),
        ("programmes", "0003_programme_retention_years"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContactAgeBand",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "age_band",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="programmes.ageband"
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="contacts.contact"
                    ),
                ),
            ],
            options={
                "verbose_name": "age band of a contact",
                "verbose_name_plural": "age bands of contacts",
            },
        ),
        migrations.AddConstraint(
            model_name="contactageband",
            constraint=models.UniqueConstraint(
                fields=("contact", "age_band"), name="unique_contact_age_band"
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="age_bands",
            field=models.ManyToManyField(
                blank=True,
                related_name="contacts",
                through="contacts.ContactAgeBand",
                to="programmes.ageband",
                verbose_name="age bands",
            ),
        ),
        migrations.RunPython(copy_single_band, keep_lowest_band, elidable=False),
    ]
