"""Validation of an HSDS import: every row is checked before anything is written.

See :mod:`directory.hsds` for the tables and the upsert rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from directory.hsds import Row, RowError, Rows
from directory.models import Area, Location, Organisation, Position, Sector, Service
from programmes.models import Programme

# HSDS column -> model field, for the plain text columns of each table.
TEXT_FIELDS: dict[str, dict[str, str]] = {
    "organizations": {
        "name": "name",
        "description": "description",
        "email": "email",
        "url": "website",  # files exported before HSDS 3.0 validation
        "website": "website",
    },
    "services": {
        "name": "name",
        "description": "description",
        "email": "email",
        "url": "url",
        "x_basic_task": "basic_task",
    },
    "locations": {
        "name": "name",
        "address_1": "address",
        "postal_code": "postal_code",
        "city": "city",
    },
}
# Relations validated by hand; their model field errors are reported under these columns.
RELATION_COLUMNS = {"sector": "x_sector", "organisation": "organization_id", "area": "x_area"}
ACTIVE_STATUSES = {"active"}
INACTIVE_STATUSES = {"inactive", "defunct", "temporarily closed"}


@dataclass
class ImportPlan:
    """Unsaved records and relations to write, in this order, when the file has no errors."""

    organisations: dict[uuid.UUID, Organisation] = field(default_factory=dict)
    services: dict[uuid.UUID, Service] = field(default_factory=dict)
    service_areas: dict[uuid.UUID, list[Area]] = field(default_factory=dict)
    service_programmes: dict[uuid.UUID, list[Programme]] = field(default_factory=dict)
    locations: dict[uuid.UUID, Location] = field(default_factory=dict)
    # The services at each location of the file, when the file says which.
    location_services: dict[uuid.UUID, list[Service]] = field(default_factory=dict)
    positions: list[tuple[Any, Service, str]] = field(default_factory=list)
    # Records outside the file whose phone number the file sets.
    phone_owners: list[Organisation | Service] = field(default_factory=list)
    phones: int = 0
    contacts_skipped: int = 0
    created: set[uuid.UUID] = field(default_factory=set)


class _Validator:
    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.errors: list[RowError] = []
        self.plan = ImportPlan()
        self.sectors = {sector.code: sector for sector in Sector.objects.all()}
        self.areas = {area.code: area for area in Area.objects.all()}
        self.programmes = {programme.code: programme for programme in Programme.objects.all()}

    def error(self, table: str, row: Row, column: str, reason: str) -> None:
        self.errors.append(RowError(table, row.number, column, reason))

    def uuid_of(
        self, table: str, row: Row, column: str, *, required: bool = True
    ) -> uuid.UUID | None:
        value = row.text(column)
        if not value:
            if required:
                self.error(table, row, column, _("The value is missing."))
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.error(table, row, column, _("“%(value)s” is not a valid UUID.") % {"value": value})
            return None

    def own_ids(self, table: str) -> list[uuid.UUID]:
        """The valid, unique ids of a table; duplicates are reported."""
        seen: set[uuid.UUID] = set()
        for row in self.rows[table]:
            hsds_id = self.uuid_of(table, row, "id")
            if hsds_id is None:
                continue
            if hsds_id in seen:
                self.error(table, row, "id", _("The id appears more than once in the table."))
            seen.add(hsds_id)
        return list(seen)

    def fill_text(self, table: str, row: Row, instance: models.Model) -> None:
        for column, field_name in TEXT_FIELDS[table].items():
            if row.has(column):
                setattr(instance, field_name, row.text(column))

    def check_instance(
        self, table: str, row: Row, instance: models.Model, skip: Iterable[str]
    ) -> None:
        """The model's own field validation (lengths, emails, web addresses, required names)."""
        columns = {field_name: column for column, field_name in TEXT_FIELDS[table].items()}
        columns.update(RELATION_COLUMNS)
        try:
            instance.full_clean(
                exclude=list(skip), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                for message in messages:
                    column = "" if field_name == NON_FIELD_ERRORS else field_name
                    self.error(table, row, columns.get(field_name, column), message)

    def run(self) -> tuple[ImportPlan, list[RowError]]:
        organisation_ids = self.own_ids("organizations")
        service_ids = self.own_ids("services")
        location_ids = self.own_ids("locations")
        self.known_organisations = Organisation.objects.in_bulk(
            organisation_ids, field_name="hsds_id"
        )
        self.known_services = Service.objects.in_bulk(service_ids, field_name="hsds_id")
        self.known_locations = Location.objects.in_bulk(location_ids, field_name="hsds_id")
        self.organisations_in_file = set(organisation_ids)
        self.services_in_file = set(service_ids)
        self.organisations()
        self.services()
        self.locations()
        self.services_at_locations()
        self.contacts()
        self.phones()
        return self.plan, self.errors

    def organisation_ref(self, table: str, row: Row, column: str) -> Organisation | None:
        hsds_id = self.uuid_of(table, row, column)
        if hsds_id is None:
            return None
        if hsds_id in self.plan.organisations:
            return self.plan.organisations[hsds_id]
        if hsds_id in self.organisations_in_file:
            return None  # that row has its own errors
        existing = Organisation.objects.filter(hsds_id=hsds_id).first()
        if existing is None:
            self.error(
                table, row, column, _("No organisation has the id “%(id)s”.") % {"id": hsds_id}
            )
        return existing

    def service_ref(self, table: str, row: Row, column: str, value: str) -> Service | None:
        try:
            hsds_id = uuid.UUID(value)
        except ValueError:
            self.error(table, row, column, _("“%(value)s” is not a valid UUID.") % {"value": value})
            return None
        if hsds_id in self.plan.services:
            return self.plan.services[hsds_id]
        if hsds_id in self.services_in_file:
            return None
        existing = Service.objects.filter(hsds_id=hsds_id).first()
        if existing is None:
            self.error(table, row, column, _("No service has the id “%(id)s”.") % {"id": hsds_id})
        return existing

    def organisations(self) -> None:
        table = "organizations"
        for row in self.rows[table]:
            hsds_id = self.uuid_of(table, row, "id", required=False)
            if hsds_id is None or hsds_id in self.plan.organisations:
                continue
            organisation = self.known_organisations.get(hsds_id) or Organisation(hsds_id=hsds_id)
            self.fill_text(table, row, organisation)
            skip = []
            code = row.text("x_sector")
            if code in self.sectors:
                organisation.sector = self.sectors[code]
            elif code or organisation._state.adding or row.has("x_sector"):
                reason = (
                    _("Unknown sector code “%(code)s”.") % {"code": code}
                    if code
                    else _("The sector code is missing.")
                )
                self.error(table, row, "x_sector", reason)
                skip.append("sector")
            self.check_instance(table, row, organisation, skip)
            if organisation._state.adding:
                self.plan.created.add(hsds_id)
            self.plan.organisations[hsds_id] = organisation

    def services(self) -> None:
        table = "services"
        for row in self.rows[table]:
            hsds_id = self.uuid_of(table, row, "id", required=False)
            if hsds_id is None or hsds_id in self.plan.services:
                continue
            service = self.known_services.get(hsds_id) or Service(hsds_id=hsds_id)
            self.fill_text(table, row, service)
            if row.has("organization_id") or service._state.adding:
                organisation = self.organisation_ref(table, row, "organization_id")
                if organisation is not None:
                    service.organisation = organisation
            if row.has("status"):
                status = row.text("status").lower()
                if status in ACTIVE_STATUSES or not status:
                    service.is_active = True
                elif status in INACTIVE_STATUSES:
                    service.is_active = False
                else:
                    self.error(
                        table, row, "status", _("Unknown status “%(value)s”.") % {"value": status}
                    )
            if row.has("x_areas"):
                self.plan.service_areas[hsds_id] = self.codes(
                    table, row, "x_areas", self.areas, _("Unknown area code “%(code)s”.")
                )
            if row.has("x_programmes"):
                self.plan.service_programmes[hsds_id] = self.codes(
                    table,
                    row,
                    "x_programmes",
                    self.programmes,
                    _("Unknown programme code “%(code)s”."),
                )
            self.check_instance(table, row, service, ["organisation"])
            if service._state.adding:
                self.plan.created.add(hsds_id)
            self.plan.services[hsds_id] = service

    def codes(
        self, table: str, row: Row, column: str, known: dict[str, Any], reason: str
    ) -> list[Any]:
        found = []
        for code in row.items(column):
            if code in known:
                found.append(known[code])
            else:
                self.error(table, row, column, reason % {"code": code})
        return found

    def locations(self) -> None:
        table = "locations"
        for row in self.rows[table]:
            hsds_id = self.uuid_of(table, row, "id", required=False)
            if hsds_id is None or hsds_id in self.plan.locations:
                continue
            location = self.known_locations.get(hsds_id) or Location(hsds_id=hsds_id)
            self.fill_text(table, row, location)
            if row.has("organization_id") or location._state.adding:
                organisation = self.organisation_ref(table, row, "organization_id")
                if organisation is not None:
                    location.organisation = organisation
            if row.has("x_area"):
                code = row.text("x_area")
                if not code:
                    location.area = None
                elif code in self.areas:
                    location.area = self.areas[code]
                else:
                    self.error(
                        table, row, "x_area", _("Unknown area code “%(code)s”.") % {"code": code}
                    )
            if row.has("x_service_ids"):
                services = [
                    self.service_ref(table, row, "x_service_ids", value)
                    for value in row.items("x_service_ids")
                ]
                self.plan.location_services[hsds_id] = [s for s in services if s is not None]
            self.check_instance(table, row, location, ["organisation", "area"])
            if location._state.adding:
                self.plan.created.add(hsds_id)
            self.plan.locations[hsds_id] = location

    def services_at_locations(self) -> None:
        """The ``service_at_locations`` rows replace the services of the locations in the file."""
        table = "service_at_locations"
        if not self.rows[table]:
            return
        for location_id in self.plan.locations:
            self.plan.location_services.setdefault(location_id, [])
        for row in self.rows[table]:
            at_location = self.uuid_of(table, row, "location_id")
            service_id = row.text("service_id")
            if not service_id:
                self.error(table, row, "service_id", _("The value is missing."))
                continue
            service = self.service_ref(table, row, "service_id", service_id)
            if at_location is None:
                continue
            if at_location not in self.plan.locations:
                self.error(
                    table,
                    row,
                    "location_id",
                    _("No location in this file has the id “%(id)s”.") % {"id": at_location},
                )
                continue
            if service is not None and service not in self.plan.location_services[at_location]:
                self.plan.location_services[at_location].append(service)

    def contacts(self) -> None:
        """Contacts never create accounts: only a user who already exists gets a position."""
        table = "contacts"
        users = get_user_model().objects
        for row in self.rows[table]:
            service = None
            if self.uuid_of(table, row, "service_id") is not None:
                service = self.service_ref(table, row, "service_id", row.text("service_id"))
            email = row.text("email").lower()
            if not email:
                self.plan.contacts_skipped += 1
                continue
            try:
                validate_email(email)
            except ValidationError:
                self.error(
                    table,
                    row,
                    "email",
                    _("“%(value)s” is not a valid email address.") % {"value": email},
                )
                continue
            title = row.text("title")
            if not title:
                self.error(table, row, "title", _("The title is missing."))
            elif len(title) > (Position._meta.get_field("title").max_length or 0):
                self.error(table, row, "title", _("The title is too long."))
            user = users.filter(email__iexact=email).first()
            if user is None:
                self.plan.contacts_skipped += 1
            elif service is not None and title:
                self.plan.positions.append((user, service, title))

    def phones(self) -> None:
        table = "phones"
        max_length = Organisation._meta.get_field("phone").max_length or 0
        numbered: set[tuple[str, uuid.UUID]] = set()
        for row in self.rows[table]:
            organisation_value, service_value = row.text("organization_id"), row.text("service_id")
            if bool(organisation_value) == bool(service_value):
                self.error(
                    table,
                    row,
                    "organization_id",
                    _("A phone belongs to either an organisation or a service."),
                )
                continue
            number = row.text("number")
            if not number:
                self.error(table, row, "number", _("The value is missing."))
            elif len(number) > max_length:
                self.error(table, row, "number", _("The phone number is too long."))
            owner: Organisation | Service | None
            if organisation_value:
                owner = self.organisation_ref(table, row, "organization_id")
            else:
                owner = self.service_ref(table, row, "service_id", service_value)
            if owner is None or not number or len(number) > max_length:
                continue
            key = (type(owner).__name__, owner.hsds_id)
            if key in numbered:
                self.error(
                    table,
                    row,
                    "number",
                    _(
                        "Arki keeps one phone number per organisation or service; remove the extra rows."
                    ),
                )
                continue
            numbered.add(key)
            owner.phone = number
            self.plan.phones += 1
            if (
                owner.hsds_id not in self.plan.organisations
                and owner.hsds_id not in self.plan.services
            ):
                self.plan.phone_owners.append(owner)


def validate(rows: Rows) -> tuple[ImportPlan, list[RowError]]:
    """Check every row of every table; the plan may be written only if there are no errors."""
    return _Validator(rows).run()
