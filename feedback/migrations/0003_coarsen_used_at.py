"""An invitation's ``used_at`` keeps only the month it was used in (its first moment, local time).

The exact time a link was used is the time its answer was written: kept next to the answers it
pairs them. Existing times are rounded down to the month; the exact ones cannot come back.
"""

from datetime import datetime, time

from django.db import migrations
from django.utils import timezone


def coarsen(apps, schema_editor):
    FeedbackInvitation = apps.get_model("feedback", "FeedbackInvitation")
    local = timezone.get_default_timezone()  # Europe/Helsinki unless TIME_ZONE says otherwise
    changed = []
    for invitation in FeedbackInvitation.objects.filter(used_at__isnull=False).only("used_at"):
        day = invitation.used_at.astimezone(local).date().replace(day=1)
        month = datetime.combine(day, time.min, tzinfo=local)
        if invitation.used_at != month:
            invitation.used_at = month
            changed.append(invitation)
    FeedbackInvitation.objects.bulk_update(changed, ["used_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_random_response_ids")]

    operations = [migrations.RunPython(coarsen, migrations.RunPython.noop, elidable=False)]
