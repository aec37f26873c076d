"""Every entered figure's first day written again from its period code: the dashboard reads a
block of indicators' figures by that day (indicators.selectors.read_entered), and the
administration site could change a period without it before EnteredValue.save derived it."""

from django.db import migrations


def period_start_from_period(apps, schema_editor):
    from indicators.periods import parse_period

    EnteredValue = apps.get_model("indicators", "EnteredValue")
    changed = []
    for value in EnteredValue.objects.only("pk", "period", "period_start").iterator():
        try:
            start = parse_period(value.period).start
        except ValueError:
            continue  # a code no page can read is left as it is
        if value.period_start != start:
            value.period_start = start
            changed.append(value)
    EnteredValue.objects.bulk_update(changed, ["period_start"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_event_counts")]

    operations = [migrations.RunPython(period_start_from_period, migrations.RunPython.noop)]
