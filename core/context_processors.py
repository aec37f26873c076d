from typing import Any

from django.conf import settings
from django.http import HttpRequest


def arki(request: HttpRequest) -> dict[str, Any]:
    return {"installation_name": settings.ARKI_INSTALLATION_NAME}
