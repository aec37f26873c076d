from django.contrib import admin

from feedback.models import Survey, SurveyVersion


class SurveyVersionInline(admin.TabularInline[SurveyVersion, Survey]):
    model = SurveyVersion
    extra = 0
    readonly_fields = ["number", "questions", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a new version comes from editing the survey file


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ["name_fi", "programme", "audience", "is_active"]
    list_filter = ["programme", "audience"]
    inlines = [SurveyVersionInline]
