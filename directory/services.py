"""Changes to the service directory."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from directory import hsds, hsds_validation
from directory.models import Position, Sector
from programmes.services import SECTORS_FILE, Configuration, LoadReport, name_fields, upsert


@dataclass(frozen=True)
class ImportReport:
    """What an import did, or every reason why it did nothing."""

    errors: list[hsds.RowError] = field(default_factory=list)
    organisations_created: int = 0
    organisations_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    locations_created: int = 0
    locations_updated: int = 0
    positions_added: int = 0
    contacts_skipped: int = 0
    phones: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_hsds(data: bytes, fmt: str) -> ImportReport:
    """Upsert organisations, services and locations from an HSDS JSON file or CSV zip.

    Every row is validated first; if any row has an error, nothing is written and
    the report lists each error as (table, row, column, reason). Otherwise all
    changes are written in one transaction, matched to existing records by HSDS id.

    Contacts never create user accounts: a contact whose email belongs to an
    existing user gets that user a position (service and title) in the service;
    every other contact is skipped and counted as skipped.
    """
    rows, errors = hsds.read(data, fmt)
    if errors:
        return ImportReport(errors=errors)
    plan, errors = hsds_validation.validate(rows)
    if errors:
        return ImportReport(errors=errors)
    positions_added = 0
    with transaction.atomic():
        for organisation in plan.organisations.values():
            organisation.save()
        for hsds_id, service in plan.services.items():
            service.save()
            if hsds_id in plan.service_areas:
                service.areas.set(plan.service_areas[hsds_id])
            if hsds_id in plan.service_programmes:
                service.programmes.set(plan.service_programmes[hsds_id])
        for hsds_id, location in plan.locations.items():
            location.save()
            if hsds_id in plan.location_services:
                location.services.set(plan.location_services[hsds_id])
        for owner in plan.phone_owners:
            owner.save(update_fields=["phone"])
        for user, service, title in plan.positions:
            position, created = Position.objects.get_or_create(
                user=user, service=service, title=title
            )
            if created:
                positions_added += 1
            elif not position.is_active:
                position.is_active = True
                position.save(update_fields=["is_active"])
                positions_added += 1

    organisations_created = len(plan.created.intersection(plan.organisations))
    services_created = len(plan.created.intersection(plan.services))
    locations_created = len(plan.created.intersection(plan.locations))
    return ImportReport(
        organisations_created=organisations_created,
        organisations_updated=len(plan.organisations) - organisations_created,
        services_created=services_created,
        services_updated=len(plan.services) - services_created,
        locations_created=locations_created,
        locations_updated=len(plan.locations) - locations_created,
        positions_added=positions_added,
        contacts_skipped=plan.contacts_skipped,
        phones=plan.phones,
    )


def write_sectors(configuration: Configuration, report: LoadReport) -> None:
    """Bring the sectors in line with ``sectors.toml`` (inside the caller's transaction).

    A sector left out of the file is kept (actors refer to it) and named in the report.
    """
    report.versions[SECTORS_FILE] = configuration.sectors_version
    tally = report.tally("sectors")
    for sector in configuration.sectors:
        values = {**name_fields(sector.names), "order": sector.order}
        upsert(Sector, {"code": sector.code}, values, tally)
    codes = [sector.code for sector in configuration.sectors]
    report.sectors_not_in_file = list(
        Sector.objects.exclude(code__in=codes).order_by("code").values_list("code", flat=True)
    )
