from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from accounts import views
from audit.access import PUBLIC, access_rule


def oidc_urlpatterns() -> list[URLPattern]:
    """mozilla-django-oidc's views, each behind an access rule (imported only when on)."""
    from mozilla_django_oidc.views import OIDCLogoutView

    from accounts.oidc import ArkiOIDCAuthenticationRequestView, ArkiOIDCCallbackView

    return [
        path(
            "callback/",
            access_rule(PUBLIC)(ArkiOIDCCallbackView.as_view()),
            name="oidc_authentication_callback",
        ),
        path(
            "authenticate/",
            access_rule(PUBLIC)(ArkiOIDCAuthenticationRequestView.as_view()),
            name="oidc_authentication_init",
        ),
        # Signing out changes state: POST only, like Arki's own sign-out.
        path(
            "logout/",
            access_rule(PUBLIC)(OIDCLogoutView.as_view(http_method_names=["post"])),
            name="oidc_logout",
        ),
    ]


app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("locked/", views.locked_out, name="locked_out"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("details/", views.own_details, name="own_details"),
    path("role-grants/", views.role_grants, name="role_grants"),
    path("staff-import/", views.staff_import, name="staff_import"),
    path("staff-import/template.csv", views.staff_import_template, name="staff_import_template"),
]
if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include(oidc_urlpatterns())))
