from django.db import models


class ScheduledJob(models.Model):
    """A periodic task (``settings.ARKI_PERIODIC_TASKS``): when the scheduler last enqueued it and
    when a worker last finished it successfully. Read by ``/readyz`` and ``/metrics``."""

    task_path = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_succeeded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.task_path
