"""Bulk import of staff from a CSV or XLSX file: check every row, preview, then apply all or
nothing.

One row is one person: name, email, organisation, and optionally a position (service and
title) and a role (with its area and programme). For the people in the file, the file is the
truth within the row's organisation: other memberships scoped to that organisation are removed
and other positions in its services end. Active staff of the file's organisations missing from
the file are listed, and deactivated only when the administrator asks for it. A second run of
the same file changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Membership, StaffImport, User
from accounts.services import acting_as, deactivate_user
from audit.roles import Role

# The file readers and the row-report shape are shared with the indicator figures' import.
from core.tables import FIRST_DATA_ROW, RowError, read_table
from directory.models import Area, Organisation, Position, Service
from programmes.models import Programme

COLUMNS = ("name", "email", "organisation", "service", "position", "role", "area", "programme")
REQUIRED_COLUMNS = ("name", "email", "organisation")
# Administrators are named one by one in the admin site, never by a file.
IMPORTABLE_ROLES = tuple(role for role in Role.values if role != Role.ADMINISTRATOR)
# A coordinator without an area or programme would cover them all (networks.consent).
NEEDS_AREA_AND_PROGRAMME = frozenset({Role.COORDINATOR})

__all__ = [
    "COLUMNS",
    "RowError",
    "StaffPlan",
    "apply_staff_import",
    "plan_staff_import",
    "read_table",
]


@dataclass(frozen=True)
class _Wanted:
    """What one valid row asks for."""

    row: int
    name: str
    email: str
    organisation: Organisation
    service: Service | None
    title: str
    role: str
    area: Area | None
    programme: Programme | None


@dataclass
class RowPlan:
    """What applying the file does to one person, in words for the preview."""

    row: int
    name: str
    email: str
    organisation: str
    new: bool = False
    changes: list[str] = field(default_factory=list)
    wanted: _Wanted | None = None
    user: User | None = None

    @property
    def changed(self) -> bool:
        return self.new or bool(self.changes)


@dataclass
class StaffPlan:
    """Everything a staff file would do, or the problems that stop it."""

    errors: list[RowError] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    # Active staff of the file's organisations who are not in the file.
    missing: list[User] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.new)

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if not row.new and row.changes)

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if not row.changed)

    @property
    def has_changes(self) -> bool:
        return any(row.changed for row in self.rows)

    @property
    def fingerprint(self) -> str:
        """A digest of what the preview showed: applying refuses when the staff moved since."""
        shown = {
            "rows": [(row.email, row.new, row.changes) for row in self.rows],
            "missing": sorted(user.email.lower() for user in self.missing),
        }
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def _is_blank(row: Mapping[str, str | None]) -> bool:
    return not any((value or "").strip() for value in row.values())


def _cells(row: Mapping[str, str | None]) -> dict[str, str]:
    cells = {column: (row.get(column) or "").strip() for column in COLUMNS}
    # "title" is accepted for the position's title, as the directory calls it.
    if not cells["position"]:
        cells["position"] = (row.get("title") or "").strip()
    cells["email"] = cells["email"].lower()
    cells["role"] = cells["role"].lower()
    return cells


def _organisation_lookup() -> dict[str, list[Organisation]]:
    """Organisations by lower-cased name and by HSDS id."""
    found: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.all():
        found.setdefault(organisation.name.strip().lower(), []).append(organisation)
        found.setdefault(str(organisation.hsds_id), []).append(organisation)
    return found


def _check_row(
    number: int,
    cells: dict[str, str],
    organisations: dict[str, list[Organisation]],
    areas: dict[str, Area],
    programmes: dict[str, Programme],
    seen: dict[str, int],
) -> tuple[list[RowError], _Wanted | None]:
    errors: list[RowError] = []

    def error(column: str, reason: str) -> None:
        errors.append(RowError(number, column, reason))

    for column in REQUIRED_COLUMNS:
        if not cells[column]:
            error(column, _("missing value"))
    if cells["email"]:
        try:
            validate_email(cells["email"])
        except DjangoValidationError:
            error("email", _("not a valid email address"))
        else:
            if cells["email"] in seen:
                error("email", _("duplicate of row %(row)s") % {"row": seen[cells["email"]]})
            seen.setdefault(cells["email"], number)

    organisation: Organisation | None = None
    if cells["organisation"]:
        matches = organisations.get(cells["organisation"].lower(), [])
        if not matches:
            error("organisation", _("unknown organisation"))
        elif len(matches) > 1:
            error("organisation", _("several organisations have this name: use its HSDS id"))
        else:
            organisation = matches[0]

    service: Service | None = None
    if cells["service"] and organisation is not None:
        services = list(
            Service.objects.filter(organisation=organisation, name__iexact=cells["service"])
        )
        if len(services) == 1:
            service = services[0]
        elif services:
            error("service", _("several services of the organisation have this name"))
        else:
            error("service", _("unknown service of this organisation"))
    if cells["service"] and not cells["position"]:
        error("position", _("a service needs the position's title"))
    if cells["position"] and not cells["service"]:
        error("service", _("a position needs its service"))
    if len(cells["position"]) > Position._meta.get_field("title").max_length:  # type: ignore[operator]
        error("position", _("too long"))
    if len(cells["name"]) > User._meta.get_field("full_name").max_length:  # type: ignore[operator]
        error("name", _("too long"))

    role = cells["role"]
    if role == Role.ADMINISTRATOR:
        error("role", _("administrators are named in the admin site, not imported"))
    elif role and role not in IMPORTABLE_ROLES:
        error("role", _("unknown role"))
    area = areas.get(cells["area"]) if cells["area"] else None
    if cells["area"] and area is None:
        error("area", _("unknown area"))
    programme = programmes.get(cells["programme"]) if cells["programme"] else None
    if cells["programme"] and programme is None:
        error("programme", _("unknown programme"))
    if not role and (cells["area"] or cells["programme"]):
        error("role", _("an area or a programme needs a role"))
    if role in NEEDS_AREA_AND_PROGRAMME:
        if not cells["area"]:
            error("area", _("this role needs an area"))
        if not cells["programme"]:
            error("programme", _("this role needs a programme"))

    if errors or organisation is None:
        return errors, None
    return errors, _Wanted(
        row=number,
        name=cells["name"],
        email=cells["email"],
        organisation=organisation,
        service=service,
        title=cells["position"],
        role=role,
        area=area,
        programme=programme,
    )


def _membership_key(role: str, area_id: Any, programme_id: Any) -> tuple[str, Any, Any]:
    return (role, area_id, programme_id)


def _describe_membership(role: str, area: Area | None, programme: Programme | None) -> str:
    scope = " / ".join(str(part) for part in (area, programme) if part)
    label = str(Role(role).label)
    return f"{label} ({scope})" if scope else label


def _plan_row(wanted: _Wanted, user: User | None) -> RowPlan:
    plan = RowPlan(
        row=wanted.row,
        name=wanted.name,
        email=wanted.email,
        organisation=wanted.organisation.name,
        wanted=wanted,
        user=user,
    )
    if user is None:
        plan.new = True
        plan.changes.append(_("create user"))
        if wanted.role:
            plan.changes.append(
                _("add role %(role)s")
                % {"role": _describe_membership(wanted.role, wanted.area, wanted.programme)}
            )
        if wanted.service is not None:
            plan.changes.append(
                _("add position %(title)s, %(service)s")
                % {"title": wanted.title, "service": wanted.service.name}
            )
        return plan

    if user.full_name != wanted.name:
        plan.changes.append(
            _("name %(old)s → %(new)s") % {"old": user.full_name or "–", "new": wanted.name}
        )
    if not user.is_active:
        plan.changes.append(_("reactivate user"))
    memberships = [
        m
        for m in user.memberships.all()
        if m.organisation_id == wanted.organisation.pk and m.role != Role.ADMINISTRATOR
    ]
    desired = (
        _membership_key(
            wanted.role,
            wanted.area.pk if wanted.area else None,
            wanted.programme.pk if wanted.programme else None,
        )
        if wanted.role
        else None
    )
    held = {_membership_key(m.role, m.area_id, m.programme_id) for m in memberships}
    if desired is not None and desired not in held:
        plan.changes.append(
            _("add role %(role)s")
            % {"role": _describe_membership(wanted.role, wanted.area, wanted.programme)}
        )
    for membership in memberships:
        key = _membership_key(membership.role, membership.area_id, membership.programme_id)
        if key != desired:
            plan.changes.append(
                _("remove role %(role)s")
                % {
                    "role": _describe_membership(
                        membership.role, membership.area, membership.programme
                    )
                }
            )
    positions = [
        p for p in user.positions.all() if p.service.organisation_id == wanted.organisation.pk
    ]
    if wanted.service is not None and not any(
        p.is_active and p.service_id == wanted.service.pk and p.title == wanted.title
        for p in positions
    ):
        plan.changes.append(
            _("add position %(title)s, %(service)s")
            % {"title": wanted.title, "service": wanted.service.name}
        )
    for position in positions:
        if not position.is_active:
            continue
        if wanted.service is None or (position.service_id, position.title) != (
            wanted.service.pk,
            wanted.title,
        ):
            plan.changes.append(
                _("end position %(title)s, %(service)s")
                % {"title": position.title, "service": position.service.name}
            )
    return plan


def _users_by_email(emails: set[str]) -> dict[str, User]:
    if not emails:
        return {}
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    users = User.objects.filter(query).prefetch_related(
        "memberships__area", "memberships__programme", "positions__service"
    )
    return {user.email.lower(): user for user in users}


def _missing_staff(
    organisations: set[Organisation], emails: set[str], by: User | None
) -> list[User]:
    """Active staff of the organisations not in the file; never administrators or ``by``."""
    if not organisations:
        return []
    candidates = (
        User.objects.filter(is_active=True, is_superuser=False)
        .filter(
            Q(memberships__organisation__in=organisations)
            | Q(positions__service__organisation__in=organisations, positions__is_active=True)
        )
        .exclude(memberships__role=Role.ADMINISTRATOR)
        .distinct()
        .order_by("full_name", "email")
    )
    if by is not None:
        candidates = candidates.exclude(pk=by.pk)
    return [user for user in candidates if user.email.lower() not in emails]


def plan_staff_import(rows: list[dict[str, str]], *, by: User | None = None) -> StaffPlan:
    """Check every row and say what applying the file would do; writes nothing.

    Row numbers are spreadsheet rows (the header is row 1). Blank rows are skipped.
    """
    plan = StaffPlan()
    present = set().union(*(row.keys() for row in rows)) if rows else set()
    if not rows or all(_is_blank(row) for row in rows):
        plan.errors.append(RowError(FIRST_DATA_ROW, "", _("the file has no rows to import")))
        return plan
    missing_columns = [column for column in REQUIRED_COLUMNS if column not in present]
    if missing_columns:
        plan.errors.extend(RowError(1, column, _("missing column")) for column in missing_columns)
        return plan

    organisations = _organisation_lookup()
    areas = {area.code: area for area in Area.objects.all()}
    programmes = {programme.code: programme for programme in Programme.objects.all()}
    seen: dict[str, int] = {}
    wanted: list[_Wanted] = []
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        if _is_blank(row):
            continue
        errors, valid = _check_row(number, _cells(row), organisations, areas, programmes, seen)
        plan.errors.extend(errors)
        if valid is not None:
            wanted.append(valid)
    if plan.errors:
        return plan

    emails = {item.email for item in wanted}
    users = _users_by_email(emails)
    plan.rows = [_plan_row(item, users.get(item.email)) for item in wanted]
    plan.missing = _missing_staff({item.organisation for item in wanted}, emails, by)
    return plan


def _apply_row(row: RowPlan) -> None:
    wanted = row.wanted
    assert wanted is not None
    user = row.user
    if user is None:
        # No password: they sign in through their organisation's sign-in.
        user = User.objects.create_user(wanted.email, None, full_name=wanted.name)
    else:
        fields = []
        if user.full_name != wanted.name:
            user.full_name = wanted.name
            fields.append("full_name")
        if not user.is_active:
            user.is_active = True
            fields.append("is_active")
        if fields:
            user.save(update_fields=fields)

    memberships = Membership.objects.filter(user=user, organisation=wanted.organisation).exclude(
        role=Role.ADMINISTRATOR
    )
    if wanted.role:
        memberships = memberships.exclude(
            role=wanted.role, area=wanted.area, programme=wanted.programme
        )
        Membership.objects.get_or_create(
            user=user,
            role=wanted.role,
            area=wanted.area,
            programme=wanted.programme,
            organisation=wanted.organisation,
        )
    memberships.delete()

    positions = Position.objects.filter(
        user=user, service__organisation=wanted.organisation, is_active=True
    )
    if wanted.service is not None:
        positions = positions.exclude(service=wanted.service, title=wanted.title)
        Position.objects.update_or_create(
            user=user, service=wanted.service, title=wanted.title, defaults={"is_active": True}
        )
    positions.update(is_active=False)


def apply_staff_import(
    plan: StaffPlan,
    *,
    by: User,
    deactivate_missing: bool,
    file_name: str = "",
    request: HttpRequest | None = None,
) -> StaffImport:
    """Write what ``plan`` says, all or nothing, and record the run.

    Missing staff are deactivated (signed out everywhere, a security event each) only when
    ``deactivate_missing``. Roles that open personal data are logged as granted by ``by``.
    """
    if not plan.ok:
        raise ValueError("a staff plan with errors cannot be applied")
    with transaction.atomic(), acting_as(by, request):
        for row in plan.rows:
            if row.changed:
                _apply_row(row)
        deactivated = 0
        if deactivate_missing:
            for user in plan.missing:
                deactivate_user(user, by=by, request=request)
                deactivated += 1
        return StaffImport.objects.create(
            by=by,
            file_name=file_name[:200],
            rows=len(plan.rows),
            created=plan.created,
            updated=plan.updated,
            unchanged=plan.unchanged,
            deactivated=deactivated,
            left_active=len(plan.missing) - deactivated,
        )
