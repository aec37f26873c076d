from django.contrib import admin

from directory.models import Area, ContactPoint, Location, Organisation, Position, Sector, Service


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin[Sector]):
    list_display = ["name_fi", "name_sv", "name_en", "code", "order"]
    list_editable = ["order"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ["name", "municipality", "code", "population", "child_population"]
    list_filter = ["municipality"]
    search_fields = ["name", "code", "municipality"]
    prepopulated_fields = {"code": ["name"]}


class ServiceInline(admin.TabularInline[Service, Organisation]):
    model = Service
    extra = 0
    fields = ["name", "is_active"]
    show_change_link = True


class LocationInline(admin.TabularInline[Location, Organisation]):
    model = Location
    extra = 0
    fields = ["name", "address", "postal_code", "city", "area"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "sector", "email", "phone"]
    list_filter = ["sector"]
    search_fields = ["name", "description", "email"]
    readonly_fields = ["hsds_id"]
    inlines = [ServiceInline, LocationInline]


class PositionInline(admin.TabularInline[Position, Service]):
    model = Position
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["name", "organisation", "is_active"]
    list_filter = ["is_active", "organisation__sector", "areas", "programmes"]
    list_select_related = ["organisation"]
    search_fields = ["name", "basic_task", "description", "organisation__name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["areas", "programmes"]
    readonly_fields = ["hsds_id"]
    inlines = [PositionInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin[Location]):
    list_display = ["name", "organisation", "address", "city", "area"]
    list_filter = ["area", "city"]
    list_select_related = ["organisation", "area"]
    search_fields = ["name", "address", "city", "organisation__name"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["services"]
    readonly_fields = ["hsds_id"]


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin[ContactPoint]):
    list_display = ["name", "area", "programme", "phone", "opening_hours"]
    list_filter = ["area", "programme"]
    list_select_related = ["area", "programme"]
    search_fields = ["name", "phone", "email"]
    autocomplete_fields = ["area", "service"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin[Position]):
    list_display = ["title", "user", "service", "is_active"]
    list_filter = ["is_active", "service__organisation__sector"]
    list_select_related = ["user", "service"]
    search_fields = ["title", "user__full_name", "user__email", "service__name"]
    autocomplete_fields = ["user", "service"]
