"""Programmes in the admin: one page per programme with its configured items inline.

The versioned files in programmes/data are the source: ``manage.py load_configuration``
sets every value back to the file's. Edits here suit a running installation between
configuration releases; lasting changes belong in the files.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programmes.models import (
    AgeBand,
    ClosingOutcome,
    ConcernCategory,
    LifeArea,
    ParticipantKind,
    Programme,
    ProgrammeRole,
)

NAME_FIELDS: tuple[str, ...] = ("code", "name_fi", "name_sv", "name_en", "order", "is_active")


class ItemInline(admin.TabularInline[Any, Programme]):
    extra = 0
    fields = NAME_FIELDS
    ordering = ["order", "code"]


class LifeAreaInline(ItemInline):
    model = LifeArea


class ParticipantKindInline(ItemInline):
    model = ParticipantKind
    fields = (*NAME_FIELDS, "is_family", "is_subject")


class ProgrammeRoleInline(admin.StackedInline[ProgrammeRole, Programme]):
    model = ProgrammeRole
    extra = 0
    ordering = ["order", "code"]
    fields = [
        ("code", "order", "is_active"),
        ("name_fi", "name_sv", "name_en"),
        "description_fi",
        "description_sv",
        "description_en",
    ]


class ConcernCategoryInline(ItemInline):
    model = ConcernCategory


class AgeBandInline(ItemInline):
    model = AgeBand


class ClosingOutcomeInline(ItemInline):
    model = ClosingOutcome
    fields = (*NAME_FIELDS, "is_progress")


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = [
        "code",
        "name_fi",
        "convening_deadline_days",
        "convening_warning_day",
        "retention_years",
        "config_version",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    ordering = ["order", "code"]
    readonly_fields = ["config_version"]
    fieldsets = (
        (None, {"fields": ("code", "order", "is_active", "config_version")}),
        (_("Name"), {"fields": ("name_fi", "name_sv", "name_en")}),
        (_("Description"), {"fields": ("description_fi", "description_sv", "description_en")}),
        (_("Common goal"), {"fields": ("common_goal_fi", "common_goal_sv", "common_goal_en")}),
        (_("Method"), {"fields": ("method_name_fi", "method_name_sv", "method_name_en")}),
        (_("Who the work is about"), {"fields": ("subject", "wording")}),
        (
            _("The client's own rating"),
            {
                "fields": (
                    "self_rating_question_fi",
                    "self_rating_question_sv",
                    "self_rating_question_en",
                )
            },
        ),
        (
            _("Convening the network"),
            {"fields": ("convening_deadline_days", "convening_warning_day")},
        ),
        (_("Retention"), {"fields": ("retention_years",)}),
    )
    inlines = [
        LifeAreaInline,
        ParticipantKindInline,
        ProgrammeRoleInline,
        ConcernCategoryInline,
        AgeBandInline,
        ClosingOutcomeInline,
    ]
