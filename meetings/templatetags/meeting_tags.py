"""``{{ meeting|meeting_label:meetings }}``: the date, and the time when two share a day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from meetings.services import meeting_label as label_of

if TYPE_CHECKING:
    from networks.models import Meeting

register = template.Library()


@register.filter
def meeting_label(meeting: Meeting, meetings: Any) -> str:
    return label_of(meeting, list(meetings))


@register.filter
def goal_groups(rows: Any) -> Any:
    """Goal rows by whose goals they are: each child's own, then the parents' or the client's."""
    from meetings.services import goal_groups as groups

    return groups(rows)
