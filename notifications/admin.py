"""The task queue and the outboxes in the admin: status and times only, never a message.

django-tasks-db's own admin shows every task's arguments, return value and traceback; it is
replaced by a read-only page without them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from notifications.models import OutgoingEmail, OutgoingSms


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


TASK_FIELDS = (
    "id",
    "task_path",
    "status",
    "queue_name",
    "priority",
    "enqueued_at",
    "started_at",
    "finished_at",
    "exception_class_path",
)


class TaskResultAdmin(ReadOnlyAdmin):
    """Which task ran when and how it ended; no arguments, return value or traceback."""

    list_display = ["task_name", "status", "enqueued_at", "started_at", "finished_at"]
    list_filter = ["status", "queue_name"]
    ordering = ["-enqueued_at"]
    fields = TASK_FIELDS
    readonly_fields = TASK_FIELDS

    @admin.display(description=_("task"))
    def task_name(self, obj: DBTaskResult[Any, Any]) -> str:
        path: str = obj.task_path
        return path.rsplit(".", 1)[-1]


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)


EMAIL_FIELDS = ("id", "status", "created_at", "sent_at", "failed_at", "attempts", "error")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    """The outbox's state for operations: how many wait, were sent or failed, and why."""

    list_display = ["id", "status", "created_at", "sent_at", "failed_at", "attempts", "error"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    fields = EMAIL_FIELDS
    readonly_fields = EMAIL_FIELDS


SMS_FIELDS = (
    "id",
    "purpose",
    "status",
    "recipient_hint",
    "created_at",
    "sent_at",
    "failed_at",
    "attempts",
    "error",
    "gateway_message_id",
)


@admin.register(OutgoingSms)
class OutgoingSmsAdmin(ReadOnlyAdmin):
    """The text messages' delivery log: never the number or the text, not even while queued."""

    list_display = [
        "id",
        "purpose",
        "status",
        "recipient_hint",
        "created_at",
        "sent_at",
        "failed_at",
        "attempts",
        "error",
    ]
    list_filter = ["status", "purpose"]
    date_hierarchy = "created_at"
    fields = SMS_FIELDS
    readonly_fields = SMS_FIELDS
