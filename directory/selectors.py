"""Reads of the service directory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from audit.access import record_or_refuse
from core.db import Contains, PagedQuery, Prepared, remember_related
from directory.models import Area, ContactPoint, Location, Organisation, Position, Sector, Service
from programmes.models import Programme

if TYPE_CHECKING:
    from django.core.paginator import Page

    from accounts.models import User


def contact_points_for_user(user: User) -> QuerySet[ContactPoint]:
    """The coordinating numbers of the user's areas; every number if the user has no area."""
    points = ContactPoint.objects.select_related("area", "programme").order_by(
        "area__name", "programme__order"
    )
    area_ids = [m.area_id for m in user.memberships.all() if m.area_id]
    return points.filter(area_id__in=area_ids) if area_ids else points


def _listed_positions() -> QuerySet[Position]:
    """Positions shown in the directory: in use, held by an active user."""
    return (
        Position.objects.filter(is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "title")
    )


def search_page(
    *,
    text: str = "",
    area: Area | None = None,
    sector: Sector | None = None,
    programme: Programme | None = None,
    asked: str | None = None,
    per_page: int,
) -> Page[Service]:
    """The page ``asked`` of the services in use matching the text (name, basic task,
    description, organisation) and filters, as ``Paginator(rows, per_page).get_page(asked)``
    gives it, each service with its areas. The page is one query compiled once per process for
    each combination of filters given (core.db.PagedQuery; its rows carry the total; the text a
    ``Contains`` slot): Django's paginator compiled a count and a page on every search."""
    values: dict[str, Any] = {}
    if text.strip():
        values["text"] = text.strip()
    for name, chosen in (("area", area), ("sector", sector), ("programme", programme)):
        if chosen is not None:
            values[name] = chosen.pk
    shape = tuple(values)
    paged = _SEARCHES.get(shape)
    if paged is None:  # at most sixteen: each filter given or not
        paged = _SEARCHES[shape] = PagedQuery(
            _services_matching, **{name: Contains if name == "text" else int for name in shape}
        )
    page = paged.page(asked, per_page, **values)
    services = list(page.object_list)
    # Each service's areas, as prefetch_related_objects(services, "areas") reads them (in the
    # areas' own order), with SQL compiled once.
    areas: dict[int, list[Area]] = {service.pk: [] for service in services}
    if services:
        for link in _SERVICE_AREAS.objects(services=list(areas)):
            areas[link.service_id].append(link.area)
    for service in services:
        remember_related(service, "areas", areas[service.pk])
    return page


_SERVICE_AREAS = Prepared(
    lambda services: (
        Service.areas.through.objects.filter(service_id__any_of=services)
        .select_related("area")
        .order_by("area__municipality", "area__name", "area__pk")
    ),
    services=list,
)


_SEARCHES: dict[tuple[str, ...], PagedQuery] = {}


def _services_matching(
    *,
    text: str | None = None,
    area: int | None = None,
    sector: int | None = None,
    programme: int | None = None,
) -> QuerySet[Service]:
    """Services in use matching the search text and the filters (the ones given: which are
    given shapes the query, their values do not)."""
    services = (
        Service.objects.filter(is_active=True)
        .select_related("organisation__sector")
        .order_by("name", "pk")
    )
    if text is not None:
        services = services.filter(
            Q(name__icontains=text)
            | Q(basic_task__icontains=text)
            | Q(description__icontains=text)
            | Q(organisation__name__icontains=text)
        )
    # Each filter compares one value, so the many-to-many joins cannot duplicate rows.
    if area is not None:
        services = services.filter(areas=area)
    if sector is not None:
        services = services.filter(organisation__sector=sector)
    if programme is not None:
        services = services.filter(programmes=programme)
    return services


def service_for_detail(pk: int) -> Service:
    """One service with everything its page shows; 404 if there is none."""
    services = Service.objects.select_related("organisation__sector").prefetch_related(
        "areas",
        "programmes",
        Prefetch("locations", queryset=Location.objects.select_related("area")),
        Prefetch("positions", queryset=_listed_positions(), to_attr="listed_positions"),
    )
    return get_object_or_404(services, pk=pk)


def organisation_for_detail(pk: int) -> Organisation:
    """One organisation with its services and locations; 404 if there is none."""
    organisations = Organisation.objects.select_related("sector").prefetch_related(
        Prefetch(
            "services",
            queryset=Service.objects.prefetch_related("areas").order_by("-is_active", "name"),
        ),
        Prefetch("locations", queryset=Location.objects.select_related("area")),
    )
    return get_object_or_404(organisations, pk=pk)


def person_for_detail(pk: int) -> User:
    """A user with the directory positions they hold; 404 if there is no such user."""
    positions = (
        Position.objects.filter(is_active=True)
        .select_related("service__organisation")
        .order_by("service__name", "title")
    )
    users = get_user_model().objects.prefetch_related(
        Prefetch("positions", queryset=positions, to_attr="listed_positions")
    )
    # An unknown id is refused as an unlisted person is: ids run in sequence.
    return record_or_refuse(users, pk=pk)


def is_listed_professional(user: User) -> bool:
    """True when the user is active and holds at least one position in use."""
    return bool(user.is_active and user.positions.filter(is_active=True).exists())


def areas_with_service_counts() -> QuerySet[Area]:
    return Area.objects.annotate(
        service_count=Count("services", filter=Q(services__is_active=True))
    ).order_by("municipality", "name")


def area_by_code(code: str) -> Area:
    return get_object_or_404(Area, code=code)


def programmes_in_use() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True).order_by("order", "code")


def is_working_age_programme(programme: Programme) -> bool:
    """Whether the client, not the family, is at the centre (the programme's ``subject``)."""
    return not programme.concerns_children


@dataclass(frozen=True)
class SectorOfActors:
    """One sector of the actor map and the services it has in the area and programme."""

    sector: Sector
    services: list[Service]


def actor_map(area: Area, programme: Programme | None) -> list[SectorOfActors]:
    """The actors around the family or client in one area: services grouped by sector."""
    services = (
        Service.objects.filter(is_active=True, areas=area)
        .select_related("organisation")
        .order_by("name", "pk")
    )
    if programme is not None:
        services = services.filter(programmes=programme)
    by_sector: dict[int, list[Service]] = {}
    for service in services:
        by_sector.setdefault(service.organisation.sector_id, []).append(service)
    return [
        SectorOfActors(sector=sector, services=by_sector.get(sector.pk, []))
        for sector in Sector.objects.order_by("order", "code")
    ]


def professionals() -> QuerySet[User]:
    """Active people with a position in a service: the professionals of the directory."""
    return (
        get_user_model()
        .objects.filter(is_active=True, positions__is_active=True)
        .distinct()
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.filter(is_active=True)
                .select_related("service")
                .order_by("service__name", "title"),
            )
        )
        .order_by("full_name", "pk")
    )
