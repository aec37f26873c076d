"""The one way Arki sends a notification: an email queued for the background worker.

Subjects and bodies must carry no personal data beyond what the recipient already
has a right to see; subjects never name the family.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from notifications.tasks import deliver_email


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def send_email(
    *, to: Sequence[str], subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> None:
    """Queue one email to each recipient (recipients never see each other's addresses)."""
    for address in to:
        deliver_email.enqueue(
            to=address,
            subject=subject,
            body=body,
            attachments=[[a.filename, a.content, a.mimetype] for a in attachments],
        )
