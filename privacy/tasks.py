from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from privacy.retention import apply_retention


@task()
def apply_retention_task() -> int:
    """Periodic: erase the personal data of networks whose retention period has run out."""
    return apply_retention(timezone.localdate(), dry_run=False).erased_count
