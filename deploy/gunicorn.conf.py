"""gunicorn settings for production: deploy/systemd/arki-web.service passes this file.

Workers: gunicorn reads WEB_CONCURRENCY (set it in /etc/arki/arki.env; default 1). Arki's sync
views each hold one database connection, so size PostgreSQL's max_connections for it
(docs/operations.md). Requests are logged by Arki itself (route names, no query strings), so
gunicorn's access log stays off.
"""

from __future__ import annotations

import os
from typing import Any

bind = os.environ.get("ARKI_BIND", "127.0.0.1:8000")
# A PDF stops after ARKI_PDF_TIME_LIMIT (20 s); an HSDS import of 20 MB takes longer than that.
timeout = 60
graceful_timeout = 30
accesslog = None
errorlog = "-"
loglevel = "info"
# No gunicornc control socket: systemd starts, reloads (HUP) and stops the server.
control_socket_disable = True
# Only the reverse proxy on this host may set X-Forwarded-* headers.
forwarded_allow_ips = "127.0.0.1,::1"

if os.environ.get("ARKI_LOG_FORMAT", "json") == "json":
    # gunicorn's own lines (start, stop, worker timeouts) as JSON too, like Arki's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "operations.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}
        },
    }


def child_exit(server: Any, worker: Any) -> None:
    """Prometheus multiprocess mode: forget a stopped worker's live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # untyped library
