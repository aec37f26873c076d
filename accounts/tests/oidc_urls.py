"""The project's URLs with the OIDC sign-in views, as a configured installation has them."""

from django.urls import include, path

from accounts import urls as accounts_urls
from arki import urls as project

urlpatterns = [
    path(
        "accounts/",
        include(
            (
                [
                    *accounts_urls.urlpatterns,
                    path("oidc/", include(accounts_urls.oidc_urlpatterns())),
                ],
                "accounts",
            )
        ),
    ),
    *(pattern for pattern in project.urlpatterns if str(pattern.pattern) != "accounts/"),
]
