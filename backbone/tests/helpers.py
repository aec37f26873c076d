"""Helpers for the backbone tests: staff in areas, programmes and sectors; events around now."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Membership
from accounts.tests.factories import user_with_role
from audit.roles import Role
from backbone.models import EventKind, StaffEvent
from directory.models import Organisation, Position, Sector, Service


def position(user, sector_code, title="Opettaja"):
    sector = Sector.objects.get(code=sector_code)
    organisation = Organisation.objects.create(name=f"{sector_code} organisation", sector=sector)
    service = Service.objects.create(organisation=organisation, name=f"{sector_code} service")
    return Position.objects.create(user=user, service=service, title=title)


def professional(email, area=None, programme=None, sector_code=None):
    """A professional with a membership in the area and programme, and a position in a sector."""
    user = user_with_role(Role.PROFESSIONAL, email=email)
    if area is not None or programme is not None:
        Membership.objects.create(user=user, role=Role.PROFESSIONAL, area=area, programme=programme)
    if sector_code:
        position(user, sector_code)
    return user


def make_event(by, *, days=7, kind=EventKind.SEMINAR, method="", capacity=None, title="Seminaari"):
    """An event ``days`` from now (negative: in the past), lasting three hours."""
    starts_at = timezone.now() + timedelta(days=days)
    return StaffEvent.objects.create(
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        capacity=capacity,
        method=method,
        created_by=by,
    )
