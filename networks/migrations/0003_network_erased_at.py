from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0002_network_closing_reason_network_closing_summary_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="network",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="personal data erased"),
        ),
    ]
