"""The single age band is gone: its values live on in ``age_bands`` (migration 0006)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0006_age_bands"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="contact",
            name="age_band",
        ),
    ]
