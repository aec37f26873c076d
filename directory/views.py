"""Views of the service directory: browse, search, the actor map and HSDS exchange."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.access import SIGNED_IN, HasRole, access_rule, require_access
from audit.policy import DirectoryPersonAction
from audit.roles import Role
from core.forms import read_choices
from core.http import ArkiRequest
from directory import hsds, selectors, services
from directory.access import DIRECTORY_PERSON
from directory.forms import ActorMapForm, ImportForm, SearchForm

PAGE_SIZE = 25
DIRECTORY_KEEPERS = HasRole((Role.DEVELOPER_WORKER.value, Role.ADMINISTRATOR.value))


def _is_htmx_fragment_request(request: ArkiRequest) -> bool:
    htmx = request.htmx
    # A history restore needs the whole page, not the fragment.
    return bool(htmx) and not htmx.history_restore_request


@access_rule(SIGNED_IN)
@require_GET
def search(request: ArkiRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    page = selectors.search_page(
        **form.filters(), asked=request.GET.get("page"), per_page=PAGE_SIZE
    )
    context = {
        "form": form,
        "page": page,
        "can_exchange": DIRECTORY_KEEPERS.allows_user(request.user),
    }
    if _is_htmx_fragment_request(request):
        response = render(request, "directory/_results.html", {**context, "fragment": True})
    else:
        read_choices(form)  # the filters' rows in one wait
        response = render(request, "directory/search.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@access_rule(SIGNED_IN)
@require_GET
def service_detail(request: ArkiRequest, pk: int) -> HttpResponse:
    service = selectors.service_for_detail(pk)
    return render(request, "directory/service_detail.html", {"service": service})


@access_rule(SIGNED_IN)
@require_GET
def organisation_detail(request: ArkiRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_detail(pk)
    return render(request, "directory/organisation_detail.html", {"organisation": organisation})


@access_rule(DIRECTORY_PERSON, DirectoryPersonAction.READ)
@require_GET
def person_detail(request: ArkiRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_detail(pk)
    require_access(request, person, DirectoryPersonAction.READ)
    return render(request, "directory/person_detail.html", {"person": person})


@access_rule(SIGNED_IN)
@require_GET
def area_list(request: ArkiRequest) -> HttpResponse:
    return render(
        request, "directory/area_list.html", {"areas": selectors.areas_with_service_counts()}
    )


@access_rule(SIGNED_IN)
@require_GET
def actor_map(request: ArkiRequest, code: str) -> HttpResponse:
    area = selectors.area_by_code(code)
    form = ActorMapForm(request.GET)
    programme = form.cleaned_data.get("programme") if form.is_valid() else None
    if programme is None:
        programme = selectors.programmes_in_use().first()
        form = ActorMapForm(initial={"programme": programme})
    context = {
        "area": area,
        "form": form,
        "programme": programme,
        "for_working_age": programme is not None and selectors.is_working_age_programme(programme),
        "sectors": selectors.actor_map(area, programme),
    }
    return render(request, "directory/actor_map.html", context)


@access_rule(DIRECTORY_KEEPERS)
@require_GET
def export_hsds(request: ArkiRequest, fmt: str) -> HttpResponse:
    if fmt not in hsds.FORMATS:
        raise Http404
    export = hsds.export_directory(fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@access_rule(DIRECTORY_KEEPERS)
@require_http_methods(["GET", "POST"])
def import_hsds(request: ArkiRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.import_hsds(form.cleaned_data["file"].read(), form.cleaned_data["format"])
        if report.ok:
            messages.success(
                request,
                _(
                    "The directory was imported. Organisations: %(org_new)d new, "
                    "%(org_changed)d updated. Services: %(service_new)d new, "
                    "%(service_changed)d updated. Locations: %(location_new)d new, "
                    "%(location_changed)d updated. Positions added: %(positions)d. "
                    "Contacts skipped: %(skipped)d. Phone numbers: %(phones)d."
                )
                % {
                    "org_new": report.organisations_created,
                    "org_changed": report.organisations_updated,
                    "service_new": report.services_created,
                    "service_changed": report.services_updated,
                    "location_new": report.locations_created,
                    "location_changed": report.locations_updated,
                    "positions": report.positions_added,
                    "skipped": report.contacts_skipped,
                    "phones": report.phones,
                },
            )
            return redirect("directory:import_hsds")
    return render(request, "directory/import.html", {"form": form, "report": report})
