from __future__ import annotations

from django_tasks import task

from audit import checkpoints
from audit.chain import seal_all


@task()
def seal_logs() -> dict[str, int]:
    """Periodic: hash-chain the access- and disclosure-log rows written since the last run."""
    return seal_all()


@task()
def checkpoint_logs() -> str:
    """Periodic (enqueued often, writes once a day): sign the chain heads into a checkpoint file."""
    if not checkpoints.due():
        return ""
    return checkpoints.write_checkpoints()[0].file_name
