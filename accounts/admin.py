from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import Membership, SecurityEvent, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["area", "programme", "organisation"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin[Any]):  # Arki's User is not an AbstractUser (email sign-in)
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    actions = ["deactivate", "reset_two_factor"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "phone_hours", "preferred_language")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        administrator = _administrator(request)

        class UserForm(form):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                own = administrator is not None and self.instance.pk == administrator.pk
                if own and "is_active" in self.fields and not cleaned.get("is_active", True):
                    # Answered here: the service refuses it too, which would end in a 500.
                    self.add_error("is_active", _("You cannot deactivate your own account."))
                return cleaned

        return UserForm

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Unticking "active" ends the user's sessions just like the action does.
            services.deactivate_user(obj, by=_administrator(request), request=request)

    @admin.action(description=_("Deactivate the selected users and sign them out"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _administrator(request)
        count = 0
        for user in queryset:
            if by is not None and user.pk == by.pk:
                self.message_user(
                    request, _("You cannot deactivate your own account."), messages.WARNING
                )
                continue
            services.deactivate_user(user, by=by, request=request)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d user deactivated and signed out.",
                "%(count)d users deactivated and signed out.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset the authenticator app of the selected users"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = _administrator(request)
        for user in queryset:
            services.reset_two_factor(user, by=by, request=request)
        self.message_user(
            request,
            _("They set up their authenticator app again at their next sign-in."),
            messages.SUCCESS,
        )


def _administrator(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


class ArkiTOTPDeviceAdmin(TOTPDeviceAdmin):
    """Devices are set up by their users; administrators only see and remove (reset) them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        services.reset_two_factor(obj.user, by=_administrator(request), request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        for user in User.objects.filter(pk__in=queryset.values("user_id")):
            services.reset_two_factor(user, by=_administrator(request), request=request)


# django-otp registers its own admin; replace it so that removing a device is logged as a reset.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, ArkiTOTPDeviceAdmin)


EVENT_FIELDS = (
    "at",
    "kind",
    "user",
    "actor",
    "role",
    "scope",
    "email_hash",
    "ip_address",
    "request_id",
)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin[SecurityEvent]):
    """The security events log: read only, for administrators."""

    list_display = ["at", "kind", "user", "actor", "role", "ip_address", "request_id"]
    list_filter = ["kind", "role", "at"]
    search_fields = ["user__email", "user__full_name", "request_id", "email_hash"]
    date_hierarchy = "at"
    list_select_related = ["user", "actor"]
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
