from django.contrib import admin

from indicators.models import EnteredValue, Indicator, InterpretationNote, Target


class TargetInline(admin.TabularInline[Target, Indicator]):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ["code", "name_fi", "cadence", "unit", "direction", "source", "is_active"]
    list_filter = ["cadence", "source", "is_active", "programme"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    inlines = [TargetInline]


@admin.register(EnteredValue)
class EnteredValueAdmin(admin.ModelAdmin[EnteredValue]):
    list_display = ["indicator", "area", "programme", "period", "value", "updated_at"]
    list_filter = ["indicator", "area", "programme"]
    # The period's first day follows the period (EnteredValue.save).
    readonly_fields = ["period_start", "updated_by", "updated_at"]


@admin.register(InterpretationNote)
class InterpretationNoteAdmin(admin.ModelAdmin[InterpretationNote]):
    list_display = ["indicator", "period", "area", "author", "created_at"]
