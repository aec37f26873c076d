"""gunicorn settings for `manage.py benchmark` only (production serving has its own).

``ARKI_BENCH_NO_ACCESS_LOG=1`` makes each worker replace ``audit.access.record_access`` with a
no-op after loading Arki, so the benchmark can measure what the access-log write adds to a
personal page. Only this file reads the switch, and only the benchmark passes this file to
gunicorn: Arki itself has no way to turn its access log off.
"""

from __future__ import annotations

import os
from typing import Any

accesslog = None
errorlog = "-"
loglevel = "warning"


def post_worker_init(worker: Any) -> None:
    if os.environ.get("ARKI_BENCH_NO_ACCESS_LOG") != "1":
        return
    import audit.access

    def no_access_log(**kwargs: Any) -> None:
        return None

    audit.access.record_access = no_access_log  # type: ignore[assignment]
