"""The access policy as data: for each kind of personal record, its actions and the bases that
allow each.

A view never names a basis. It declares the actions it may perform (``@access_rule(rule,
NetworkAction.READ, …)``) and asks ``require_access(request, record, NetworkAction.READ)``; the
catalogue decides. The app that owns a kind of record says which bases a user holds on one of
its records (``register_bases`` from its ``AppConfig.ready``): the coordinator of the area, a
participant, the professional who sent a contact…; the catalogue says which of those bases are
enough for which action. ``docs/permissions.md`` is printed from this module
(``manage.py access_matrix``) and a test fails when they differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audit.models import Action, Basis

if TYPE_CHECKING:  # annotations only: audit imports no app above it at run time
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User


class Kind(StrEnum):
    """The kinds of record that hold a person's data."""

    CONTACT = "contact"
    NETWORK = "network"
    MEETING = "meeting"
    FAMILY_LINK = "family-link"
    DIRECTORY_PERSON = "directory-person"


KIND_TITLES: dict[Kind, Promise] = {
    Kind.CONTACT: _("a contact to the area's number"),
    Kind.NETWORK: _("a network: its participants, meetings, promises, consents"),
    Kind.MEETING: _("a meeting of a network: its record and memo"),
    Kind.FAMILY_LINK: _(
        "a family member's own plan page (or a professional's without an Arki account), opened "
        "with a personal link and code or with strong identification"
    ),
    Kind.DIRECTORY_PERSON: _("a professional's work contact details"),
}


@dataclass(frozen=True)
class Permission:
    """One action on one kind of record, and the bases that allow it, strongest first.

    A changing action is logged as "changed" when it writes (POST) and as "viewed" when it only
    shows its form; other actions are logged as ``logged_as``.
    """

    kind: Kind
    code: str
    label: Promise
    bases: tuple[Basis, ...]
    logged_as: str = Action.VIEW
    changes: bool = False

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"

    def log_action(self, method: str) -> str:
        if self.changes:
            return Action.UPDATE if method == "POST" else Action.VIEW
        return self.logged_as

    def allows(self, held: frozenset[Basis] | set[Basis]) -> Basis | None:
        """The strongest basis among ``held`` that allows this action, if any."""
        return next((basis for basis in self.bases if basis in held), None)


READERS = (Basis.COORDINATOR, Basis.INITIATOR, Basis.PARTICIPANT, Basis.BREAK_GLASS)
MANAGERS = (Basis.COORDINATOR, Basis.INITIATOR)
COORDINATORS = (Basis.COORDINATOR,)


class ContactAction:
    READ = Permission(Kind.CONTACT, "read", _("read"), (Basis.COORDINATOR, Basis.SENDER))
    HANDLE = Permission(
        Kind.CONTACT,
        "handle",
        _("edit, close with advice, convene or join a network"),
        COORDINATORS,
        changes=True,
    )


class NetworkAction:
    READ = Permission(Kind.NETWORK, "read", _("read"), READERS)
    PRINT = Permission(
        Kind.NETWORK, "print", _("print the family's invitation"), READERS, Action.PRINT
    )
    MANAGE_PARTICIPANTS = Permission(
        Kind.NETWORK,
        "manage-participants",
        _("add and remove participants"),
        MANAGERS,
        changes=True,
    )
    MANAGE_MEETINGS = Permission(
        Kind.NETWORK,
        "manage-meetings",
        _("schedule, move, cancel and mark meetings held"),
        MANAGERS,
        changes=True,
    )
    CLOSE = Permission(
        Kind.NETWORK,
        "close",
        _("close the work and resolve open promises"),
        MANAGERS,
        changes=True,
    )
    MANAGE_FAMILY_LINKS = Permission(
        Kind.NETWORK,
        "manage-family-links",
        _(
            "create, renew and close personal links (family members, professionals without an "
            "Arki account)"
        ),
        MANAGERS,
        changes=True,
    )
    MATCH = Permission(
        Kind.NETWORK,
        "match",
        _(
            "be told, when convening for the same child or client, that the family already has "
            "an open network (on the duplicate check alone: only that another area's "
            "coordinator must be contacted, no number or area)"
        ),
        (Basis.COORDINATOR, Basis.INITIATOR, Basis.PARTICIPANT, Basis.DUPLICATE_CHECK),
        Action.LIST,
    )
    JOIN_CONTACT = Permission(
        Kind.NETWORK,
        "join-contact",
        _("join a new contact about the same child or client to the network"),
        COORDINATORS,
        changes=True,
    )
    MARK_OWN_PROMISE_DONE = Permission(
        Kind.NETWORK,
        "mark-own-promise-done",
        _("mark one's own promise done when it is done (only the one who promised)"),
        (Basis.COORDINATOR, Basis.INITIATOR, Basis.PARTICIPANT),
        changes=True,
    )
    READ_CONSENTS = Permission(Kind.NETWORK, "read-consents", _("read consents and bans"), MANAGERS)
    RECORD_CONSENTS = Permission(
        Kind.NETWORK,
        "record-consents",
        _("record and withdraw consents, set and lift bans"),
        COORDINATORS,
        changes=True,
    )
    EXPORT = Permission(
        Kind.NETWORK,
        "export",
        _("export everything for the data subject (JSON)"),
        COORDINATORS,
        Action.EXPORT,
    )
    CLIENT_REPORT = Permission(
        Kind.NETWORK,
        "client-report",
        _("report to the client who processed their data"),
        (Basis.DATA_PROTECTION_OFFICER,),
        Action.PRINT,
    )


class MeetingAction:
    READ_MEMO = Permission(Kind.MEETING, "read-memo", _("read the memo"), READERS)
    PRINT_MEMO = Permission(
        Kind.MEETING, "print-memo", _("download the memo (PDF)"), READERS, Action.PRINT
    )
    PRINT_FAMILY_COPY = Permission(
        Kind.MEETING,
        "print-family-copy",
        _("print a family member's own copy of the memo, with their personal feedback link"),
        MANAGERS,
        Action.PRINT,
    )
    RECORD = Permission(
        Kind.MEETING,
        "record",
        _("write the meeting record: views, goals, ratings, promises"),
        MANAGERS,
        changes=True,
    )


class FamilyLinkAction:
    """A family member's own pages. The record is their participation in the network; the
    personal link with its code, or strong identification (Suomi.fi), opens it."""

    OPEN_PLAN = Permission(
        Kind.FAMILY_LINK,
        "open-plan",
        _("open the family's plan"),
        (Basis.STRONG_IDENTIFICATION, Basis.FAMILY_LINK),
    )
    READ_OWN_MEMO = Permission(
        Kind.FAMILY_LINK,
        "read-own-memo",
        _("download one's own copy of a held meeting's memo (PDF) while still receiving it"),
        (Basis.STRONG_IDENTIFICATION, Basis.FAMILY_LINK),
        Action.PRINT,
    )
    PREPARE_MEETING = Permission(
        Kind.FAMILY_LINK,
        "prepare-meeting",
        _("tell in one's own words, before a meeting starts, what goes well, worries and wishes"),
        (Basis.STRONG_IDENTIFICATION, Basis.FAMILY_LINK),
        changes=True,
    )
    REPORT_PROMISE_DONE = Permission(
        Kind.FAMILY_LINK,
        "report-promise-done",
        _("tell that one's own promise is done"),
        (Basis.STRONG_IDENTIFICATION, Basis.FAMILY_LINK),
        changes=True,
    )


class DirectoryPersonAction:
    READ = Permission(
        Kind.DIRECTORY_PERSON, "read", _("read work contact details"), (Basis.WORK_CONTACT,)
    )


def catalogue() -> Iterator[Permission]:
    """Every permission, kind by kind."""
    for holder in (ContactAction, NetworkAction, MeetingAction, FamilyLinkAction):
        yield from (value for value in vars(holder).values() if isinstance(value, Permission))
    yield DirectoryPersonAction.READ


# --- which bases a user holds on a record: registered by the app that owns the record ----------


BasesFunction = Callable[["User | AnonymousUser", Any, "HttpRequest | None"], frozenset[Basis]]
"""``bases(user, record, request)``: the bases the user holds; ``request`` may be None outside
a request and carries a session for links without an account."""

SubjectFunction = Callable[[Any], models.Model]
"""The record the access log names: a meeting's or family link's access is logged against its
network, so that the client's report shows it."""


@dataclass(frozen=True)
class KindRegistration:
    model: type[models.Model]
    bases: BasesFunction
    logged_subject: SubjectFunction | None = None


_REGISTRY: dict[Kind, KindRegistration] = {}


def register_bases(
    kind: Kind,
    model: type[models.Model],
    bases: BasesFunction,
    logged_subject: SubjectFunction | None = None,
) -> None:
    """Called from the owning app's ``AppConfig.ready``."""
    _REGISTRY[kind] = KindRegistration(model, bases, logged_subject)


def registration(kind: Kind) -> KindRegistration:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no app registered the bases of {kind!r}") from None


def bases_held(
    user: User | AnonymousUser, record: models.Model, kind: Kind, request: HttpRequest | None = None
) -> frozenset[Basis]:
    entry = registration(kind)
    if not isinstance(record, entry.model):
        raise TypeError(f"{kind} is about {entry.model.__name__}, not {type(record).__name__}")
    return entry.bases(user, record, request)


def logged_subject(record: models.Model, kind: Kind) -> models.Model:
    entry = registration(kind)
    return entry.logged_subject(record) if entry.logged_subject else record


@dataclass(frozen=True)
class Decision:
    """What the catalogue decided: the basis that allows the action, or None, and the strongest
    basis the user holds (logged with a refusal)."""

    basis: Basis | None
    held: frozenset[Basis]

    @property
    def granted(self) -> bool:
        return self.basis is not None

    @property
    def logged_basis(self) -> str:
        if self.basis is not None:
            return self.basis.value
        strongest = next((b for b in Basis if b in self.held), None)
        return strongest.value if strongest else ""


def decide(
    user: User | AnonymousUser,
    record: models.Model,
    permission: Permission,
    request: HttpRequest | None = None,
) -> Decision:
    held = bases_held(user, record, permission.kind, request)
    return Decision(permission.allows(held), held)


def may(user: User | AnonymousUser, record: models.Model, permission: Permission) -> bool:
    """Whether the user may perform the action, without a log row: for showing a button."""
    return decide(user, record, permission).granted
