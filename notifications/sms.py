"""Text-message backends: how a queued text leaves Arki (``ARKI_SMS_BACKEND``).

A backend makes one attempt to hand one message over and answers the gateway's message id, or
raises ``TemporaryFailure`` (worth another attempt: a timeout, a refused connection, a 5xx) or
``PermanentFailure`` (the gateway refused the message: a 4xx). ``services.deliver_sms`` makes the
attempts, waits between them and keeps the delivery log.

- ``console``: prints the message (development);
- ``file``: appends one JSON line per message to ``ARKI_SMS_FILE_PATH`` (browser tests);
- ``locmem``: keeps the messages in ``notifications.sms.outbox`` (the tests);
- ``http``: POSTs JSON to the operator's gateway (``ARKI_SMS_GATEWAY_URL``, production);
- ``off``: text messages are not offered (``sms_available()`` is false);
- or the dotted path of a class with the same ``send`` method.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BACKENDS = {
    "console": "notifications.sms.ConsoleBackend",
    "file": "notifications.sms.FileBackend",
    "locmem": "notifications.sms.LocmemBackend",
    "http": "notifications.sms.HttpGatewayBackend",
}
OFF = "off"


@dataclass(frozen=True)
class SmsMessage:
    to: str  # E.164
    text: str
    purpose: str
    idempotency_key: str


class TemporaryFailure(Exception):
    """The message may not have arrived; another attempt with the same key is safe."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class PermanentFailure(Exception):
    """The gateway refused the message; another attempt would be refused too."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> str: ...


def backend_path() -> str:
    name: str = settings.ARKI_SMS_BACKEND
    return BACKENDS.get(name, name)


def sms_available() -> bool:
    """Whether this installation sends text messages; when not, offer email only."""
    return bool(settings.ARKI_SMS_BACKEND) and settings.ARKI_SMS_BACKEND != OFF


def get_backend() -> SmsBackend:
    if not sms_available():
        raise ImproperlyConfigured("ARKI_SMS_BACKEND: text messages are off")
    try:
        backend_class = import_string(backend_path())
    except ImportError as error:
        raise ImproperlyConfigured(f"ARKI_SMS_BACKEND: cannot import ({error})") from None
    backend: SmsBackend = backend_class()
    return backend


class ConsoleBackend:
    """Prints each message: development, where the one-time code is read from the terminal."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> str:
        self.stream.write(
            f"Text message ({message.purpose}) to {message.to}:\n{message.text}\n{'-' * 40}\n"
        )
        self.stream.flush()
        return f"console-{message.idempotency_key}"


class FileBackend:
    """Appends each message as one JSON line to ``ARKI_SMS_FILE_PATH`` (browser tests read it)."""

    def send(self, message: SmsMessage) -> str:
        path = Path(settings.ARKI_SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {
                "to": message.to,
                "text": message.text,
                "purpose": message.purpose,
                "idempotency_key": message.idempotency_key,
            },
            ensure_ascii=False,
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as file:
            file.write(line + "\n")
        return f"file-{message.idempotency_key}"


# The messages the locmem backend "sent", like django.core.mail.outbox.
outbox: list[SmsMessage] = []


class LocmemBackend:
    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return f"locmem-{message.idempotency_key}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: following it would resend the token (and the message) elsewhere."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# 408 Request Timeout and 429 Too Many Requests say "later", not "never".
TEMPORARY_STATUSES = frozenset({408, 429})


class HttpGatewayBackend:
    """POSTs the message as JSON to the operator's SMS gateway.

    Request: ``Authorization: Bearer <ARKI_SMS_GATEWAY_TOKEN>``, ``Idempotency-Key: <uuid>`` (the
    same on every attempt for one message) and the body
    ``{"to": "+358401234567", "from": ARKI_SMS_SENDER, "text": "...", "reference": "<uuid>"}``.
    Any 2xx is accepted; the message id is read from the answer's JSON ``id`` or ``message_id``
    when there is one. The answer's body is never logged or stored: it may echo the number.
    """

    def __init__(self) -> None:
        self.url: str = settings.ARKI_SMS_GATEWAY_URL
        self.token: str = settings.ARKI_SMS_GATEWAY_TOKEN
        self.sender: str = settings.ARKI_SMS_SENDER
        self.timeout: float = settings.ARKI_SMS_TIMEOUT_SECONDS
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("ARKI_SMS_GATEWAY_URL: required by the http SMS backend")
        self.opener = urllib.request.build_opener(_NoRedirect())

    def send(self, message: SmsMessage) -> str:
        body = json.dumps(
            {
                "to": message.to,
                "from": self.sender,
                "text": message.text,
                "reference": message.idempotency_key,
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": message.idempotency_key,
            "User-Agent": "Arki",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The address is the operator's https:// or http:// gateway (checked above and at start-up).
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                answer = response.read(64 * 1024)
        except urllib.error.HTTPError as error:
            error.close()
            kind = f"http {error.code}"
            if error.code >= 500 or error.code in TEMPORARY_STATUSES:
                raise TemporaryFailure(kind) from None
            raise PermanentFailure(kind) from None
        except TimeoutError:
            raise TemporaryFailure("timeout") from None
        except urllib.error.URLError as error:
            kind = "timeout" if isinstance(error.reason, TimeoutError) else "connection"
            raise TemporaryFailure(kind) from None
        except (OSError, http.client.HTTPException):
            raise TemporaryFailure("connection") from None
        return _message_id(answer)


def _message_id(answer: bytes) -> str:
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    value = data.get("id", data.get("message_id", ""))
    return str(value)[:200] if isinstance(value, str | int) else ""
