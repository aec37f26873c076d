from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task


@task()
def deliver_email(to: str, subject: str, body: str, attachments: list[list[str]]) -> None:
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
