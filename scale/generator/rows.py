"""One row type per table the generator writes in bulk, derived from the model's ``_meta``.

A row type is a named tuple of the model's concrete fields, built with keywords
(``Rows.contact(id=…, received_at=…)``), so the column list is the model's own and is written
nowhere else: :meth:`scale.writer.TableWriter.write_rows` writes its fields in order.

A field may be left out when the model gives it one value without a call: its constant
default, ``None`` when it is nullable, ``""`` for a blank text field. Any other field must be
given (a missing one is a ``TypeError`` where the row is built), so a field added to a model
later either takes its default or stops the generator where the row is made.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

from django.db import models

from audit.models import AccessLog
from contacts.models import Contact, MethodDiscussion
from feedback.models import Answer, FeedbackInvitation, InvitationCount, Response
from indicators.models import Event
from leadership.models import Commitment, Decision, TeamMeeting
from meetings.models import (
    ChildView,
    Goal,
    GoalRating,
    LifeAreaNote,
    MeetingRecord,
    MeetingRecordRevision,
    Promise,
)
from networks.models import Child, ConsentRecord, Meeting, MeetingChange, Network, Participant

_REQUIRED = object()
# The fields come from the model at run time, which type checkers cannot follow.
_named_tuple: Callable[..., Any] = namedtuple


def _default(field: models.Field[Any, Any]) -> Any:
    if field.has_default():
        if not callable(field.default):
            return field.default
        return None if field.null else _REQUIRED
    if field.null:
        return None
    if field.blank and field.empty_strings_allowed:
        return ""
    return _REQUIRED


def row_type(model: type[models.Model]) -> Any:
    """A named tuple of ``model``'s concrete fields (``.model`` names the model)."""
    fields = [
        field for field in model._meta.concrete_fields if not getattr(field, "generated", False)
    ]
    defaults = {field.name: _default(field) for field in fields}
    required = [name for name, value in defaults.items() if value is _REQUIRED]
    optional = [name for name, value in defaults.items() if value is not _REQUIRED]
    row = _named_tuple(
        f"{model.__name__}Row",
        [*required, *optional],
        defaults=[defaults[name] for name in optional],
    )
    row.model = model
    return row


class Rows:
    """The row types of every table the generator writes with COPY."""

    access_log = row_type(AccessLog)
    answer = row_type(Answer)
    child = row_type(Child)
    child_view = row_type(ChildView)
    commitment = row_type(Commitment)
    consent = row_type(ConsentRecord)
    contact = row_type(Contact)
    contact_age_band = row_type(Contact.age_bands.through)
    contact_category = row_type(Contact.concern_categories.through)
    decision = row_type(Decision)
    discussion = row_type(MethodDiscussion)
    event = row_type(Event)
    goal = row_type(Goal)
    goal_rating = row_type(GoalRating)
    invitation = row_type(FeedbackInvitation)
    invitation_count = row_type(InvitationCount)
    life_area_note = row_type(LifeAreaNote)
    meeting = row_type(Meeting)
    meeting_change = row_type(MeetingChange)
    network = row_type(Network)
    participant = row_type(Participant)
    present = row_type(MeetingRecord.present.through)
    promise = row_type(Promise)
    record = row_type(MeetingRecord)
    response = row_type(Response)
    revision = row_type(MeetingRecordRevision)
    team_meeting = row_type(TeamMeeting)
