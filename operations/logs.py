"""Log lines for production: one JSON object per line, carrying the request id of the request.

``ARKI_LOG_FORMAT=json`` selects :class:`JsonFormatter` for every logger (settings.LOGGING);
``text`` (the default outside production) keeps the plain format for reading in a terminal.
This module imports nothing from Django so that gunicorn's own configuration can use it.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The id of the request being served (audit.middleware.RequestIdMiddleware), for every line
# written while it is served; set by operations.middleware.RequestLogMiddleware.
current_request_id: ContextVar[str] = ContextVar("arki_request_id", default="")

# Attributes every LogRecord has; anything else on a record came from ``extra={...}``.
_STANDARD = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_PLAIN = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, the record's
    plain ``extra`` fields (strings, numbers, booleans, null) and, for an exception, its
    traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            # Plain values only: an object such as django.request's request would bring its
            # path and query string into the line through its repr.
            if key not in _STANDARD and not key.startswith("_") and isinstance(value, _PLAIN):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
