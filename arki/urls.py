from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from audit.access import PUBLIC, access_rule

urlpatterns = [
    path("", include("home.urls")),
    path("", include("operations.urls")),  # /readyz and /metrics for monitoring
    path("accounts/", include("accounts.urls")),
    path("directory/", include("directory.urls")),
    path("contacts/", include("contacts.urls")),
    path("networks/", include("networks.urls")),
    path("meetings/", include("meetings.urls")),
    path("family/", include("family.urls")),
    path("feedback/", include("feedback.urls")),
    path("indicators/entry/", include("indicators.entry_urls")),
    path("indicators/", include("indicators.urls")),
    path("leadership/", include("leadership.urls")),
    path("backbone/", include("backbone.urls")),
    path("learning/", include("learning.urls")),
    path("audit/", include("privacy.log_urls")),
    path("privacy/", include("privacy.urls")),
    path("i18n/setlang/", access_rule(PUBLIC)(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
