from __future__ import annotations

from django_tasks import task

from audit.chain import seal_all


@task()
def seal_logs() -> dict[str, int]:
    """Periodic: hash-chain the access- and disclosure-log rows written since the last run."""
    return seal_all()
