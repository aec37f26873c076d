from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def worker_heartbeat() -> str:
    """Periodic: proves a worker takes tasks. Its recorded success (operations.schedule) is the
    worker's heartbeat that ``/readyz`` checks; it does nothing else."""
    return timezone.now().isoformat()
