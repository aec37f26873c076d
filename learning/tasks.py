from __future__ import annotations

from django_tasks import task

from learning.models import ExportedPackage


@task()
def send_package(version: int) -> str:
    """Send one exported version of this region's package to the configured hub."""
    from learning.services import send_to_hub

    return send_to_hub(ExportedPackage.objects.get(version=version))
